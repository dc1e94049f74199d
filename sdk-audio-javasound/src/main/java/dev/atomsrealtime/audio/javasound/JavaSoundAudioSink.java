package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sound.sampled.SourceDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A speaker: an {@link AudioSink} over a javax.sound {@link SourceDataLine}.
 *
 * <p>{@link #open(PcmFormat)} opens the requested format when the device supports it, else the
 * closest one it does support, and returns that; the caller converts. The device buffer is small
 * ({@value #DEFAULT_BUFFER_MILLIS} ms by default) so that little audio is queued in it: {@link
 * #write} blocks in the line's own {@code write}, which paces the caller at real time, and {@link
 * #flush()} (barge-in) calls {@link SourceDataLine#flush()}, which makes a blocked {@code write}
 * return at once. The rest of a {@code write} that a flush cut short is discarded, not played.
 *
 * <p>{@link #framesPlayed()} follows {@link SourceDataLine#getLongFramePosition()}. Some lines
 * (the JDK's ALSA lines among them) move their position past the discarded audio on flush; this
 * sink subtracts that jump, so flushed frames are not counted, and never reports less than
 * before.
 *
 * <p>A device that disappears mid-call ends {@link #write} or {@link #drain()} with an {@link
 * AudioDeviceLostException} within about the stall timeout, never a hang. For a line that stops
 * moving while a write is blocked in it, a daemon thread {@code atoms-playback-watchdog-N} lives
 * from {@code open} to {@code close} (none when the stall timeout is 0).
 *
 * <p>Thread-safe as the {@link AudioSink} contract requires: one writing thread; {@link #flush()},
 * {@link #framesPlayed()} and {@link #close()} from any thread.
 */
public final class JavaSoundAudioSink extends JavaSoundLine<SourceDataLine>
    implements AudioSink {

  private static final Logger log = LoggerFactory.getLogger(JavaSoundAudioSink.class);

  /** Default device buffer: small, so that a flush silences quickly. */
  public static final int DEFAULT_BUFFER_MILLIS = LineBuilder.DEFAULT_BUFFER_MILLIS;

  /** Default time without progress after which the device counts as lost. */
  public static final long DEFAULT_STALL_TIMEOUT_MILLIS = LineBuilder.DEFAULT_STALL_TIMEOUT_MILLIS;

  /** Wait between writes that took nothing (an error path only; normal writes block). */
  private static final long EMPTY_WRITE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * Guards the line's position bookkeeping (positionOffsetFrames, playedFrames, lineUsable)
   * and the flushes; any thread, held only for non-blocking line calls.
   */
  private final Object positionLock = new Object();

  /**
   * Counts flushes; odd while a flush is in progress. A write that sees it change knows that what
   * it wrote meanwhile is stale. Written under positionLock.
   */
  private volatile long flushEpoch;

  private long positionOffsetFrames; // under positionLock: frames the line counts but were flushed
  private long playedFrames; // under positionLock: the highest value framesPlayed() returned
  private boolean lineUsable; // under positionLock: the line is open and may be asked

  private JavaSoundAudioSink(Builder builder) {
    super(builder, SourceDataLine.class, false, log);
  }

  /** {@return the system's default speaker, with default settings} */
  public static JavaSoundAudioSink defaultSpeaker() {
    return builder().build();
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>After {@link #close()}, writes are discarded (a write racing a close is normal shutdown).
   */
  @Override
  public void write(byte[] buffer, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    SourceDataLine l = line;
    if (l == null) {
      if (closed) {
        return;
      }
      throw new IllegalStateException("sink not opened");
    }
    int frameBytes = format.bytesPerFrame();
    if (length % frameBytes != 0) {
      throw new IllegalArgumentException(
          "length " + length + " is not a whole number of " + frameBytes + "-byte frames");
    }
    long epoch = flushEpoch;
    if ((epoch & 1) != 0) {
      return; // a flush is in progress: this audio is already stale
    }
    StallWatchdog dog = watchdog;
    int nextOffset = offset;
    int remaining = length;
    long emptySinceNanos = 0;
    while (remaining > 0) {
      if (closed) {
        return;
      }
      throwIfLost();
      int n;
      if (dog != null) {
        dog.ioStarted();
      }
      try {
        n = l.write(buffer, nextOffset, remaining);
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        throw lost("the playback line failed: " + e, e);
      } finally {
        if (dog != null) {
          dog.ioEnded();
        }
      }
      if (closed) {
        return;
      }
      throwIfLost();
      if (flushEpoch != epoch) {
        if (n > 0) {
          discardStale(); // a flush raced this write: what it put in the line is stale
        }
        return;
      }
      if (n > 0) {
        nextOffset += n;
        remaining -= n;
        emptySinceNanos = 0;
        continue;
      }
      if (!l.isOpen()) {
        throw lost("the playback line was closed by someone else (device gone?)", null);
      }
      long now = System.nanoTime();
      if (emptySinceNanos == 0) {
        emptySinceNanos = now;
      } else if (stallTimeoutNanos > 0 && now - emptySinceNanos >= stallTimeoutNanos) {
        throw lost("the playback line took no audio for "
            + TimeUnit.NANOSECONDS.toMillis(now - emptySinceNanos) + " ms", null);
      }
      LockSupport.parkNanos(EMPTY_WRITE_BACKOFF_NANOS);
    }
  }

  @Override
  public void flush() {
    synchronized (positionLock) {
      if (!lineUsable) {
        return;
      }
      flushEpoch++; // odd: writes starting now are stale
      flushLine();
      flushEpoch++;
    }
  }

  @Override
  public void drain() {
    SourceDataLine l = line;
    if (l == null || closed) {
      return;
    }
    StallWatchdog dog = watchdog;
    if (dog != null) {
      dog.ioStarted();
    }
    try {
      l.drain();
    } catch (RuntimeException e) {
      if (!closed) {
        throw lost("the playback line failed while draining: " + e, e);
      }
    } finally {
      if (dog != null) {
        dog.ioEnded();
      }
    }
    if (!closed) {
      throwIfLost();
    }
  }

  @Override
  public long framesPlayed() {
    synchronized (positionLock) {
      if (lineUsable) {
        long position = line.getLongFramePosition() - positionOffsetFrames;
        if (position > playedFrames) {
          playedFrames = position;
        }
      }
      return playedFrames;
    }
  }

  /** Counts played frames from the position the line had when it opened. */
  @Override
  void lineOpened(SourceDataLine openedLine) {
    synchronized (positionLock) {
      positionOffsetFrames = openedLine.getLongFramePosition();
      lineUsable = true;
    }
  }

  /** Remembers the final position, then stops asking the line. */
  @Override
  void beforeClose() {
    framesPlayed();
    synchronized (positionLock) {
      lineUsable = false;
    }
  }

  @Override
  String closedDetail() {
    return " after " + playedFrames() + " frames played";
  }

  /** Remembers the position reached, then stops asking the line. */
  @Override
  void beforeStallClose() {
    beforeClose();
  }

  /** Flushes the line and keeps the frames it discarded out of framesPlayed(). */
  private void flushLine() {
    SourceDataLine l = line;
    long before = l.getLongFramePosition();
    l.flush();
    long after = l.getLongFramePosition();
    positionOffsetFrames += after - before;
  }

  private void discardStale() {
    synchronized (positionLock) {
      if (lineUsable) {
        flushLine();
      }
    }
  }

  private long playedFrames() {
    synchronized (positionLock) {
      return playedFrames;
    }
  }

  @Override
  long framePosition() {
    synchronized (positionLock) {
      return lineUsable ? line.getLongFramePosition() : -1;
    }
  }

  /** Builds a {@link JavaSoundAudioSink}. Not thread-safe. */
  public static final class Builder extends LineBuilder<Builder> {
    private Builder() {}

    /**
     * Builds the java sound audio sink.
     *
     * @return the new {@code JavaSoundAudioSink}
     */
    public JavaSoundAudioSink build() {
      return new JavaSoundAudioSink(this);
    }
  }
}
