package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.util.Objects;

/**
 * Wraps an {@link AudioSource} so that it delivers exactly the format its caller requests,
 * converting with a {@link PcmConverter} when the wrapped source opens in another format (a
 * device that only captures 48 kHz stereo, a {@link PcmPushSource} fed 8 kHz telephony audio).
 *
 * <p>When the wrapped source opens in the requested format, reads pass straight through with no
 * copy. Otherwise each read takes roughly the same duration of audio from the wrapped source, so
 * a real-time source still paces the caller; at the wrapped source's end the resampler's tail is
 * delivered before {@code -1}.
 *
 * <p>Thread-safety follows {@link AudioSource}: {@code open} and {@code read} from one thread,
 * {@code close} from any thread (it closes the wrapped source, which unblocks its read).
 */
public final class ConvertingAudioSource implements AudioSource {

  private final AudioSource inner;
  private volatile boolean closed;

  // Reader thread only.
  private PcmFormat format;
  private PcmFormat innerFormat;
  private PcmConverter converter; // null when the formats are equal
  private byte[] innerBuffer = new byte[0];
  private boolean finished;
  private byte[] staged;
  private int stagedOffset;
  private int stagedBytes;

  private ConvertingAudioSource(AudioSource inner) {
    this.inner = inner;
  }

  /**
   * Wraps {@code inner}, which this source opens and closes.
   *
   * @param inner the wrapped sink or source
   * @return the converting audio source
   */
  public static ConvertingAudioSource wrap(AudioSource inner) {
    return new ConvertingAudioSource(Objects.requireNonNull(inner, "inner"));
  }

  /** {@return the wrapped source} */
  public AudioSource inner() {
    return inner;
  }

  /**
   * Opens the wrapped source with {@code requested} and prepares conversion from the format it
   * really delivers.
   *
   * @return {@code requested}, always
   * @throws AudioException if the wrapped source cannot be opened
   * @throws IllegalStateException if already opened or closed
   */
  /** Passes the clock on to the wrapped {@code inner}. */
  @Override
  public void setClock(AudioClock clock) {
    inner.setClock(clock);
  }

  @Override
  public PcmFormat open(PcmFormat requested) {
    Objects.requireNonNull(requested, "requested");
    if (format != null || closed) {
      throw new IllegalStateException(closed ? "closed" : "already opened");
    }
    PcmFormat delivered = inner.open(requested);
    innerFormat = delivered;
    converter = delivered.equals(requested) ? null : PcmConverter.create(delivered, requested);
    format = requested;
    return requested;
  }

  /** The requested format; only valid after {@link #open}. */
  @Override
  public PcmFormat format() {
    if (format == null) {
      throw new IllegalStateException("not opened");
    }
    return format;
  }

  /** {@return the format the wrapped source delivers; only valid after {@link #open}} */
  public PcmFormat innerFormat() {
    if (innerFormat == null) {
      throw new IllegalStateException("not opened");
    }
    return innerFormat;
  }

  /**
   * Reads converted audio: whole frames of the requested format.
   *
   * @return the bytes read, or {@code -1} at the end of the wrapped stream or after {@link
   *     #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws IllegalStateException if not opened
   */
  @Override
  public int read(byte[] buffer, int offset, int length) {
    PcmFormat f = format();
    if (converter == null) {
      return closed ? -1 : inner.read(buffer, offset, length);
    }
    Backports.checkFromIndexSize(offset, length, buffer.length);
    int frameBytes = f.bytesPerFrame();
    int maxBytes = length - length % frameBytes;
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("length " + length + " is less than one "
          + frameBytes + "-byte frame");
    }
    while (stagedBytes == 0) {
      if (finished || closed) {
        return -1;
      }
      long innerFrames = Math.max(1,
          (long) (maxBytes / frameBytes) * innerFormat.sampleRateHz() / f.sampleRateHz());
      int innerBytes = Math.toIntExact(innerFormat.bytesForFrames(innerFrames));
      if (innerBuffer.length < innerBytes) {
        innerBuffer = new byte[innerBytes];
      }
      int n = inner.read(innerBuffer, 0, innerBytes);
      if (n < 0) {
        finished = true;
        stagedBytes = closed ? 0 : converter.finish();
      } else {
        stagedBytes = converter.convert(innerBuffer, 0, n);
      }
      staged = converter.outputArray();
      stagedOffset = converter.outputOffset();
    }
    int n = Math.min(stagedBytes, maxBytes);
    System.arraycopy(staged, stagedOffset, buffer, offset, n);
    stagedOffset += n;
    stagedBytes -= n;
    return n;
  }

  /** Closes the wrapped source. Idempotent; never throws. */
  @Override
  public void close() {
    closed = true;
    inner.close();
  }
}
