package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink that takes agent audio at once and keeps only a count of it: for text-first tools, load
 * tests and soak runs that need a sink but no sound. Wrap it in {@link RealTimeAudioSink} to pace
 * it like a speaker. It accepts whatever format it is opened with and, being non-blocking, needs
 * no playback thread.
 *
 * <p>Thread-safe.
 */
public final class DiscardingAudioSink implements NonBlockingAudioSink {
  private volatile PcmFormat format;
  private final AtomicLong frames = new AtomicLong();

  /** A new sink; it takes whatever format it is opened with. */
  public DiscardingAudioSink() {}

  /** Takes {@code requested}. */
  @Override
  public PcmFormat open(PcmFormat requested) {
    format = Objects.requireNonNull(requested, "requested");
    return requested;
  }

  /** The format opened with, or null before {@link #open}. */
  @Override
  public PcmFormat format() {
    return format;
  }

  /**
   * Counts the frames and discards them.
   *
   * @throws IllegalStateException if not opened
   */
  @Override
  public void write(byte[] buffer, int offset, int length) {
    writeAvailable(buffer, offset, length);
  }

  /**
   * Counts the frames and discards them; always takes all of them.
   *
   * @throws IllegalStateException if not opened
   */
  @Override
  public int writeAvailable(byte[] buffer, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    PcmFormat f = format;
    if (f == null) {
      throw new IllegalStateException("not opened");
    }
    frames.addAndGet(length / f.bytesPerFrame());
    return length;
  }

  /** Never called back: this sink is never full. */
  @Override
  public void setSpaceListener(Runnable listener) {}

  @Override
  public void flush() {}

  @Override
  public void drain() {}

  /** Frames written so far. */
  @Override
  public long framesPlayed() {
    return frames.get();
  }

  @Override
  public void close() {}
}
