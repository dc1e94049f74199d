package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes any sink behave like a speaker in time: each write is held until the audio before it has
 * had time to play, so a sink that stores instantly (a {@link WavFileSink}, a test recorder)
 * paces the playback thread at real time. Agent audio that arrives faster than real time then
 * waits in the session's queue, exactly as with a sound card, and an interruption discards it.
 *
 * <p>{@link #flush()} discards the audio still waiting and makes a blocked write return without
 * passing its audio on. {@link #framesPlayed()} counts the frames whose time has come (passed to
 * the inner sink). {@code leadMillis} lets a write go to the inner sink that much ahead of its
 * time, like a device buffer (0 keeps the inner sink exactly at "what was heard").
 *
 * <p>Time is the {@link AudioClock} given by {@link #setClock} (a session gives its own, virtual in
 * tests), else the system clock.
 *
 * <p>Thread-safe as {@link AudioSink} requires.
 */
public final class RealTimeAudioSink implements AudioSink {
  private final AudioSink inner;
  private final long leadNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile AudioClock clock = AudioClock.system();
  // The thread waiting in write() or drain(), for flush() and close() to wake.
  private volatile Thread waiter;
  // Guarded by lock.
  private PcmFormat format;
  private long playheadNanos; // when the audio written so far has finished playing
  private long flushes;
  private boolean closed;
  private volatile long framesPlayed;

  private RealTimeAudioSink(AudioSink inner, int leadMillis) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (leadMillis < 0 || leadMillis > 10_000) {
      throw new IllegalArgumentException("leadMillis must be 0..10000, got " + leadMillis);
    }
    this.leadNanos = TimeUnit.MILLISECONDS.toNanos(leadMillis);
  }

  /**
   * Paces {@code inner} at real time with no lead.
   *
   * @param inner the wrapped sink or source
   * @return the pacing sink
   */
  public static RealTimeAudioSink wrap(AudioSink inner) {
    return new RealTimeAudioSink(inner, 0);
  }

  /**
   * Paces {@code inner} at real time, passing audio on up to {@code leadMillis} early.
   *
   * @param inner the wrapped sink or source
   * @param leadMillis the lead in milliseconds
   * @return the pacing sink
   */
  public static RealTimeAudioSink wrap(AudioSink inner, int leadMillis) {
    return new RealTimeAudioSink(inner, leadMillis);
  }

  /** Paces on {@code clock}, and passes it on to the inner sink. */
  @Override
  public void setClock(AudioClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    inner.setClock(clock);
  }

  @Override
  public PcmFormat open(PcmFormat requested) {
    PcmFormat opened = inner.open(requested);
    lock.lock();
    try {
      format = opened;
      playheadNanos = clock.nanoTime();
    } finally {
      lock.unlock();
    }
    return opened;
  }

  @Override
  public PcmFormat format() {
    return inner.format();
  }

  @Override
  public void write(byte[] buffer, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    long frames;
    lock.lock();
    try {
      if (format == null) {
        throw new IllegalStateException("not opened");
      }
      frames = format.framesForBytes(length);
      long myFlushes = flushes;
      long dueNanos = Math.max(playheadNanos, clock.nanoTime()) - leadNanos;
      // Wait until this audio is due (minus the lead), unless flushed or closed meanwhile.
      while (!closed && flushes == myFlushes && dueNanos - clock.nanoTime() > 0) {
        awaitUnlocked(dueNanos);
      }
      if (closed || flushes != myFlushes) {
        return;
      }
      playheadNanos = Math.max(playheadNanos, clock.nanoTime())
          + frames * 1_000_000_000L / format.sampleRateHz();
      inner.write(buffer, offset, length);
      framesPlayed += frames;
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the lock; releases it while parked until {@code deadline}, or woken. */
  private void awaitUnlocked(long deadline) {
    waiter = Thread.currentThread();
    lock.unlock();
    try {
      clock.parkUntil(deadline);
    } finally {
      lock.lock();
      waiter = null;
    }
  }

  private void wakeWaiter() {
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void flush() {
    lock.lock();
    try {
      flushes++;
      playheadNanos = clock.nanoTime();
    } finally {
      lock.unlock();
    }
    wakeWaiter();
    inner.flush();
  }

  @Override
  public void drain() {
    lock.lock();
    try {
      while (!closed && playheadNanos - clock.nanoTime() > 0) {
        awaitUnlocked(playheadNanos);
      }
    } finally {
      lock.unlock();
    }
    inner.drain();
  }

  @Override
  public long framesPlayed() {
    return framesPlayed;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    wakeWaiter();
    inner.close();
  }
}
