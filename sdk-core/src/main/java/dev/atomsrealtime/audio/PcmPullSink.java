package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * An {@link AudioSink} the application drains itself: a telephony bridge or media server pulls
 * the agent's PCM with {@link #read(byte[], int, int, long, TimeUnit)} or {@link #poll} at its own
 * pace, and the session writes into it. It is a {@link NonBlockingAudioSink}: attached to a
 * session, it needs no playback thread, because the session writes agent audio as it arrives and,
 * when the buffer was full, writes the rest on the thread that reads (see {@link #poll}).
 *
 * <p>The format is fixed at creation and is what {@link #open(PcmFormat)} returns. In another
 * format than the session's (a G.711 {@link PcmFormat#muLaw(int) mu-law} or {@link
 * PcmFormat#aLaw(int) A-law} phone leg at 8 kHz, say) the session converts as it writes, still
 * without a thread; a session at the leg's rate saves the resampling (ask for 8000 Hz in the
 * session options for a phone leg).
 *
 * <p>Back-pressure. The buffer holds {@code capacityMillis} of audio. When it is full, {@link
 * #write} blocks and {@link #writeAvailable} takes only what fits, until the application has read
 * enough, so the sink paces the session's playback the way a sound card does; nothing is dropped
 * (the rest waits in the session's playback queue). {@link #flush()} (barge-in) empties the buffer at
 * once and makes a blocked {@code write} return, discarding the rest of its chunk. {@link
 * #close()} does the same and makes reads return {@code -1}.
 *
 * <p>{@link #framesPlayed()} counts the frames the application has taken out: for latency and
 * "what did the user hear" purposes, audio counts as played when pulled.
 *
 * <p>Thread-safe: {@code write}, {@code writeAvailable} and {@code drain} from one writer at a
 * time, reads from the application's thread(s), {@code flush}, {@code close} and the counters from
 * any thread.
 */
public final class PcmPullSink extends PcmBuffer implements NonBlockingAudioSink {

  private final Condition writable = lock.newCondition(); // space freed, flushed, or closed
  private long flushes; // guarded by lock: bumped by flush() so that blocked writers give up
  private volatile long framesRead;
  private volatile Runnable spaceListener;

  private PcmPullSink(PcmFormat format, int capacityMillis) {
    super(format, capacityMillis);
  }

  /**
   * Creates a sink delivering PCM in {@code format}, buffering up to {@code capacityMillis} of
   * audio (for example 200: a short jitter buffer; more only adds latency to barge-in).
   *
   * @param format the PCM format
   * @param capacityMillis how much audio the buffer holds, in milliseconds
   * @return the pcm pull sink
   * @throws IllegalArgumentException if the capacity holds less than one frame
   */
  public static PcmPullSink create(PcmFormat format, int capacityMillis) {
    return new PcmPullSink(Objects.requireNonNull(format, "format"), capacityMillis);
  }

  /**
   * Buffers whole frames, blocking while the buffer is full. Returns early, discarding the rest of
   * the chunk, if {@link #flush()} or {@link #close()} is called meanwhile; writes after close are
   * ignored.
   *
   * @throws IllegalArgumentException if {@code length} is not a whole number of frames
   * @throws IllegalStateException if not opened
   */
  @Override
  public void write(byte[] buffer, int offset, int length) {
    write(buffer, offset, length, true);
  }

  /**
   * Buffers as many whole frames as fit now and returns at once; writes after close are ignored
   * (reported as taken).
   *
   * @return the bytes taken, a whole number of frames, {@code 0} when the buffer is full
   * @throws IllegalArgumentException if {@code length} is not a whole number of frames
   * @throws IllegalStateException if not opened
   */
  @Override
  public int writeAvailable(byte[] buffer, int offset, int length) {
    return write(buffer, offset, length, false);
  }

  /** Writes what fits, and with {@code wait} waits for room for the rest; returns bytes taken. */
  private int write(byte[] buffer, int offset, int length, boolean wait) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    if (length % frameBytes != 0) {
      throw new IllegalArgumentException(length + " bytes is not a whole number of "
          + frameBytes + "-byte frames");
    }
    lock.lock();
    try {
      if (!opened) {
        throw new IllegalStateException("not opened");
      }
      if (closed) {
        return length;
      }
      long flushesAtStart = flushes;
      int pos = offset;
      int end = offset + length;
      while (pos < end && !closed && flushes == flushesAtStart) {
        int n = Math.min(end - pos, ring.free());
        if (n == 0) {
          if (!wait) {
            break;
          }
          await(writable);
          continue;
        }
        ring.write(buffer, pos, n);
        pos += n;
        readable.signalAll();
      }
      return pos - offset;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets the callback run after a read took audio out, on the reading thread with no lock held;
   * {@code null} removes it. A session sets it while the sink is attached, and writes the agent
   * audio that was waiting for room from that callback.
   */
  @Override
  public void setSpaceListener(Runnable listener) {
    this.spaceListener = listener;
  }

  /** Discards everything buffered, at once, and makes a blocked {@code write} return. */
  @Override
  public void flush() {
    lock.lock();
    try {
      ring.clear();
      flushes++;
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until the application has read everything buffered, or until {@link #flush()} or
   * {@link #close()}.
   */
  @Override
  public void drain() {
    lock.lock();
    try {
      while (ring.size() > 0 && !closed) {
        await(writable);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes up to {@code length} bytes of whole frames, waiting up to {@code timeout} for at least
   * one frame. When the sink is attached to a session and agent audio was waiting for room, this
   * call then moves it into the freed space, on the calling thread.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @param timeout how long to wait at most
   * @param unit the unit of {@code timeout}
   * @return the bytes read; {@code 0} if the timeout passed with nothing to read; {@code -1} after
   *     {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public int read(byte[] buffer, int offset, int length, long timeout, TimeUnit unit)
      throws InterruptedException {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    int maxBytes = wholeFrameBytes(length);
    long remainingNanos = unit.toNanos(timeout);
    int n;
    lock.lockInterruptibly();
    try {
      while (ring.size() == 0 && !closed) {
        if (remainingNanos <= 0) {
          return 0;
        }
        remainingNanos = awaitNanos(readable, remainingNanos);
      }
      if (closed) {
        return -1;
      }
      n = Math.min(ring.size(), maxBytes);
      ring.read(buffer, offset, n);
      framesRead += n / frameBytes;
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    Runnable l = spaceListener;
    if (l != null) {
      l.run();
    }
    return n;
  }

  /**
   * Takes up to {@code length} bytes of whole frames without waiting.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the bytes read, {@code 0} if nothing is buffered, {@code -1} after {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   */
  public int poll(byte[] buffer, int offset, int length) {
    try {
      return read(buffer, offset, length, 0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Frames the application has read so far. Never decreases; flushed audio is not counted. */
  @Override
  public long framesPlayed() {
    return framesRead;
  }

  /**
   * Closes the sink: discards the buffer, makes blocked writes, drains and reads return (reads then
   * return {@code -1}). Idempotent; never throws.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      ring.clear();
      writable.signalAll();
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
