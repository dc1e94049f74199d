package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.PcmFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.DataLine;
import org.slf4j.Logger;

/**
 * What the microphone and the speaker share: opening a line of the closest supported format once,
 * the stall watchdog, the lost-device bookkeeping, and closing. Subclasses add the I/O and, through
 * the hooks, their own position bookkeeping.
 *
 * @param <L> the line type ({@code TargetDataLine} or {@code SourceDataLine})
 */
abstract class JavaSoundLine<L extends DataLine> {
  private final Logger log;
  private final Class<L> lineClass;
  private final boolean capture;
  private final String device; // "Microphone" or "Speaker", for messages
  private final String role; // "source" or "sink", for misuse messages
  private final JavaSoundDevices devices;
  final DeviceSelector selector;
  private final int bufferMillis;
  final long stallTimeoutNanos;

  /** Guards the opened and closed transitions. */
  final Object stateLock = new Object();

  /** Set once, under stateLock, by open(); read by all threads. */
  volatile L line;

  volatile PcmFormat format;
  volatile StallWatchdog watchdog;
  private boolean openCalled; // under stateLock

  /** Set by close(), any thread. */
  volatile boolean closed;

  /** Why the device counts as lost; set by the watchdog or the I/O thread. */
  private volatile String lostReason;

  JavaSoundLine(LineBuilder<?> builder, Class<L> lineClass, boolean capture, Logger log) {
    this.log = log;
    this.lineClass = lineClass;
    this.capture = capture;
    this.device = capture ? "Microphone" : "Speaker";
    this.role = capture ? "source" : "sink";
    this.devices = builder.devices;
    this.selector = builder.selector;
    this.bufferMillis = builder.bufferMillis;
    this.stallTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(builder.stallTimeoutMillis);
  }

  /**
   * Opens the line once: the requested format when supported, else the closest one.
   *
   * @param requested the format the session asks for
   * @return the pcm format
   */
  public PcmFormat open(PcmFormat requested) {
    Objects.requireNonNull(requested, "requested");
    synchronized (stateLock) {
      if (openCalled || closed) {
        throw new IllegalStateException(closed ? role + " is closed" : role + " already opened");
      }
      openCalled = true;
    }
    LineOpener.Opened<L> opened;
    try {
      opened = LineOpener.open(devices, selector, lineClass, requested, bufferMillis);
    } catch (RuntimeException e) {
      closed = true;
      throw e;
    }
    StallWatchdog dog = stallTimeoutNanos > 0
        ? new StallWatchdog(capture, stallTimeoutNanos, this::framePosition, this::onStall)
        : null;
    synchronized (stateLock) {
      format = opened.format();
      line = opened.line();
      watchdog = dog;
      if (closed) {
        LineOpener.closeQuietly(opened.line()); // closed while opening
        return opened.format();
      }
      lineOpened(opened.line());
      if (dog != null) {
        dog.start();
      }
    }
    if (opened.format().equals(requested)) {
      log.info("{} {} opened in {}, buffer {} ms",
          device, opened.deviceLabel(), opened.format(), opened.bufferMillis());
    } else {
      log.info("{} {} opened in {} (requested {} is not supported; caller converts),"
              + " buffer {} ms",
          device, opened.deviceLabel(), opened.format(), requested, opened.bufferMillis());
    }
    return opened.format();
  }

  /** Under stateLock, once the line is open and the instance not closed. */
  void lineOpened(L openedLine) {}

  /** {@return the format opened} */
  public PcmFormat format() {
    PcmFormat f = format;
    if (f == null) {
      throw new IllegalStateException(role + " not opened");
    }
    return f;
  }

  /** Releases the line; the watchdog stops. Idempotent; never throws. */
  public void close() {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    beforeClose();
    StallWatchdog dog = watchdog;
    if (dog != null) {
      dog.stop();
    }
    L l = line;
    if (l != null) {
      try {
        l.stop();
      } catch (RuntimeException e) {
        // A lost device may refuse; closing below is what matters.
      }
      LineOpener.closeQuietly(l);
      log.info("{} closed{}", device, closedDetail());
    }
  }

  /** At close, before the line is released (once). */
  void beforeClose() {}

  /** Appended to the "closed" log line. */
  String closedDetail() {
    return "";
  }

  /** The line's frame position for the watchdog, or -1 when it must not be asked. */
  abstract long framePosition();

  /** On the watchdog thread: the line made no progress during an I/O call; end that call. */
  private void onStall() {
    if (closed) {
      return;
    }
    lostReason = (capture ? "the capture device delivered nothing for "
        : "the playback device played nothing for ")
        + TimeUnit.NANOSECONDS.toMillis(stallTimeoutNanos) + " ms";
    log.warn("{} lost: {}; closing it", device, lostReason);
    beforeStallClose();
    L l = line;
    if (l != null) {
      LineOpener.closeQuietly(l);
    }
  }

  /** On the watchdog thread, before a stalled line is closed. */
  void beforeStallClose() {}

  final void throwIfLost() {
    String reason = lostReason;
    if (reason != null) {
      throw new AudioDeviceLostException(device + " lost: " + reason);
    }
  }

  final AudioDeviceLostException lost(String reason, Throwable cause) {
    if (lostReason == null) {
      lostReason = reason;
      log.warn("{} lost: {}", device, reason);
    }
    return new AudioDeviceLostException(device + " lost: " + reason, cause);
  }

  final boolean isLost() {
    return lostReason != null;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + selector + ", "
        + (format == null ? "not open" : format) + "]";
  }
}
