package dev.atomsrealtime.audio;

import java.util.Objects;

/**
 * Wraps an {@link AudioSink} so that it accepts exactly the format its caller requests (the
 * session's), converting with a {@link PcmConverter} when the wrapped sink opens in another format
 * (a device that only plays 48 kHz stereo, a {@link PcmPullSink} feeding 8 kHz telephony).
 *
 * <p>When the wrapped sink opens in the requested format, writes pass straight through. {@link
 * #framesPlayed()} reports frames of the requested format: the wrapped sink's count scaled by the
 * rate ratio (rounded down), so it stays comparable with what the session wrote. {@link #flush()}
 * flushes the wrapped sink and makes the next write start the conversion afresh (no resampler
 * history from before a barge-in). {@link #drain()} pushes the resampler's tail into the wrapped
 * sink before draining it, and the next write starts afresh.
 *
 * <p>Thread-safety follows {@link AudioSink}: {@code open}, {@code write} and {@code drain} from
 * one thread (the playback thread); {@code flush}, {@code framesPlayed} and {@code close} from any
 * thread. A {@code write} racing a {@code flush} may still deliver its own chunk after the flush;
 * the playback engine's gating is what discards stale audio.
 */
public final class ConvertingAudioSink implements AudioSink {

  private final AudioSink inner;
  private volatile boolean resetRequested; // set by flush(), honoured by the writing thread
  private volatile PcmFormat format;
  private volatile PcmFormat innerFormat;
  private PcmConverter converter; // writing thread only; null when the formats are equal

  private ConvertingAudioSink(AudioSink inner) {
    this.inner = inner;
  }

  /**
   * Wraps {@code inner}, which this sink opens and closes.
   *
   * @param inner the wrapped sink or source
   * @return the converting audio sink
   */
  public static ConvertingAudioSink wrap(AudioSink inner) {
    return new ConvertingAudioSink(Objects.requireNonNull(inner, "inner"));
  }

  /** {@return the wrapped sink} */
  public AudioSink inner() {
    return inner;
  }

  /**
   * Opens the wrapped sink with {@code requested} and prepares conversion to the format it really
   * accepts.
   *
   * @return {@code requested}, always
   * @throws AudioException if the wrapped sink cannot be opened
   * @throws IllegalStateException if already opened
   */
  /** Passes the clock on to the wrapped {@code inner}. */
  @Override
  public void setClock(AudioClock clock) {
    inner.setClock(clock);
  }

  @Override
  public PcmFormat open(PcmFormat requested) {
    Objects.requireNonNull(requested, "requested");
    if (format != null) {
      throw new IllegalStateException("already opened");
    }
    PcmFormat accepted = inner.open(requested);
    converter = accepted.equals(requested) ? null : PcmConverter.create(requested, accepted);
    innerFormat = accepted;
    format = requested;
    return requested;
  }

  /** The requested format; only valid after {@link #open}. */
  @Override
  public PcmFormat format() {
    PcmFormat f = format;
    if (f == null) {
      throw new IllegalStateException("not opened");
    }
    return f;
  }

  /** {@return the format the wrapped sink accepts; only valid after {@link #open}} */
  public PcmFormat innerFormat() {
    PcmFormat f = innerFormat;
    if (f == null) {
      throw new IllegalStateException("not opened");
    }
    return f;
  }

  /**
   * Converts and writes; blocks as long as the wrapped sink's write blocks.
   *
   * @throws IllegalStateException if not opened
   */
  @Override
  public void write(byte[] buffer, int offset, int length) {
    format();
    PcmConverter c = converter;
    if (c == null) {
      inner.write(buffer, offset, length);
      return;
    }
    if (resetRequested) {
      resetRequested = false;
      c.reset();
    }
    int n = c.convert(buffer, offset, length);
    if (n > 0) {
      inner.write(c.outputArray(), c.outputOffset(), n);
    }
  }

  /** Flushes the wrapped sink and drops conversion history before the next write. */
  @Override
  public void flush() {
    resetRequested = true;
    inner.flush();
  }

  /** Writes the resampler's tail, then drains the wrapped sink. */
  @Override
  public void drain() {
    PcmConverter c = converter;
    if (c != null) {
      if (resetRequested) {
        resetRequested = false;
        c.reset();
      }
      int n = c.finish();
      if (n > 0) {
        inner.write(c.outputArray(), c.outputOffset(), n);
      }
    }
    inner.drain();
  }

  /** Frames played, in the requested format: the wrapped sink's frames scaled by the rate ratio. */
  @Override
  public long framesPlayed() {
    PcmFormat f = format;
    PcmFormat innerF = innerFormat;
    long innerFrames = inner.framesPlayed();
    if (f == null || innerF == null || f.sampleRateHz() == innerF.sampleRateHz()) {
      return innerFrames;
    }
    long rateHz = f.sampleRateHz();
    long innerRateHz = innerF.sampleRateHz();
    return (innerFrames / innerRateHz) * rateHz + (innerFrames % innerRateHz) * rateHz
        / innerRateHz;
  }

  /** Closes the wrapped sink. Idempotent; never throws. */
  @Override
  public void close() {
    inner.close();
  }
}
