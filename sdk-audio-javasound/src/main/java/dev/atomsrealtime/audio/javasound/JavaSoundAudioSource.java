package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A microphone: an {@link AudioSource} over a javax.sound {@link TargetDataLine}.
 *
 * <p>{@link #open(PcmFormat)} opens the requested format when the device supports it, else the
 * closest one it does support, and returns that; the caller converts. {@link #read} runs on the
 * caller's thread and blocks in the line's own {@code read}, which paces the caller at real time.
 *
 * <p>A device that disappears mid-call ends {@link #read} with an {@link AudioDeviceLostException}
 * within about the stall timeout, never a hang: when the line closes underneath, throws, keeps
 * returning nothing, or stops advancing while a read is blocked in it. For the last case a daemon
 * thread {@code atoms-capture-watchdog-N} lives from {@code open} to {@code close} (none when the
 * stall timeout is 0).
 *
 * <p>Thread-safe as the {@link AudioSource} contract requires: one reading thread; {@link
 * #close()} from any thread.
 */
public final class JavaSoundAudioSource extends JavaSoundLine<TargetDataLine>
    implements AudioSource {

  private static final Logger log = LoggerFactory.getLogger(JavaSoundAudioSource.class);

  /** Default device buffer: small, so little audio waits in it. */
  public static final int DEFAULT_BUFFER_MILLIS = LineBuilder.DEFAULT_BUFFER_MILLIS;

  /** Default time without progress after which the device counts as lost. */
  public static final long DEFAULT_STALL_TIMEOUT_MILLIS = LineBuilder.DEFAULT_STALL_TIMEOUT_MILLIS;

  /** Wait between reads that returned nothing (an error path only; normal reads block). */
  private static final long EMPTY_READ_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private JavaSoundAudioSource(Builder builder) {
    super(builder, TargetDataLine.class, true, log);
  }

  /** {@return the system's default microphone, with default settings} */
  public static JavaSoundAudioSource defaultMicrophone() {
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

  @Override
  public int read(byte[] buffer, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    TargetDataLine l = line;
    if (l == null) {
      if (closed) {
        return -1;
      }
      throw new IllegalStateException("source not opened");
    }
    int frameBytes = format.bytesPerFrame();
    int wantBytes = length - length % frameBytes;
    if (wantBytes == 0) {
      throw new IllegalArgumentException(
          "length " + length + " is less than one frame (" + frameBytes + " bytes)");
    }
    StallWatchdog dog = watchdog;
    long emptySinceNanos = 0;
    while (true) {
      if (closed) {
        return -1;
      }
      throwIfLost();
      int n;
      if (dog != null) {
        dog.ioStarted();
      }
      try {
        n = l.read(buffer, offset, wantBytes);
      } catch (RuntimeException e) {
        if (closed) {
          return -1;
        }
        throw lost("the capture line failed: " + e, e);
      } finally {
        if (dog != null) {
          dog.ioEnded();
        }
      }
      if (closed) {
        return -1;
      }
      throwIfLost();
      if (n > 0) {
        int partial = n % frameBytes;
        return partial == 0 ? n : completeFrame(l, buffer, offset, n, frameBytes - partial);
      }
      if (!l.isOpen()) {
        throw lost("the capture line was closed by someone else (device gone?)", null);
      }
      long now = System.nanoTime();
      if (emptySinceNanos == 0) {
        emptySinceNanos = now;
      } else if (stallTimeoutNanos > 0 && now - emptySinceNanos >= stallTimeoutNanos) {
        throw lost("the capture line returned no audio for "
            + TimeUnit.NANOSECONDS.toMillis(now - emptySinceNanos) + " ms", null);
      }
      LockSupport.parkNanos(EMPTY_READ_BACKOFF_NANOS);
    }
  }

  /** Reads the rest of a frame a line returned only part of (lines should not, but may). */
  private int completeFrame(TargetDataLine l, byte[] buffer, int offset, int n, int missing) {
    try {
      int got = 0;
      while (got < missing && !closed && !isLost() && l.isOpen()) {
        int r = l.read(buffer, offset + n + got, missing - got);
        if (r <= 0) {
          break;
        }
        got += r;
      }
      if (got == missing) {
        return n + missing;
      }
    } catch (RuntimeException e) {
      // Fall through: drop the partial frame.
    }
    int whole = n - n % format.bytesPerFrame();
    if (whole > 0) {
      return whole;
    }
    if (closed) {
      return -1;
    }
    throw lost("the capture line returned a partial frame and then nothing", null);
  }

  @Override
  long framePosition() {
    TargetDataLine l = line;
    return l == null || closed ? -1 : l.getLongFramePosition();
  }

  /** Builds a {@link JavaSoundAudioSource}. Not thread-safe. */
  public static final class Builder extends LineBuilder<Builder> {
    private Builder() {}

    /**
     * Builds the java sound audio source.
     *
     * @return the new {@code JavaSoundAudioSource}
     */
    public JavaSoundAudioSource build() {
      return new JavaSoundAudioSource(this);
    }
  }
}
