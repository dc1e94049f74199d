package dev.atomsrealtime.audio;

import java.util.concurrent.locks.LockSupport;

/**
 * The time a source or sink that paces itself in real time runs on: a file played like a
 * microphone ({@link WavFileSource}), a sink played like a speaker ({@link RealTimeAudioSink}). A
 * session hands its own clock to its source and sink ({@link AudioSource#setClock}, {@link
 * AudioSink#setClock}), so that a session on a virtual clock paces them on that clock too: a test
 * moves time, and a paced file delivers exactly the audio due by then.
 *
 * <p>Implementations are thread-safe.
 */
public interface AudioClock {

  /**
   * {@return the current time in nanoseconds, from an arbitrary origin (compare by subtraction)}
   */
  long nanoTime();

  /**
   * Parks the calling thread until this clock reaches {@code deadlineNanos}. It may return
   * earlier: when the thread is unparked ({@link LockSupport#unpark}, which is how a {@code
   * close()} wakes a paced read), interrupted, or spuriously. Callers check their condition and
   * loop.
   *
   * @param deadlineNanos the deadline, in {@link dev.atomsrealtime.Ticker} nanoseconds
   */
  void parkUntil(long deadlineNanos);

  /**
   * {@return the JVM's monotonic clock, parking with {@link LockSupport#parkNanos(Object, long)}}
   */
  static AudioClock system() {
    return SystemAudioClock.INSTANCE;
  }
}

/** {@link System#nanoTime()}. */
enum SystemAudioClock implements AudioClock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    long wait = deadlineNanos - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
  }

  @Override
  public String toString() {
    return "AudioClock.system()";
  }
}
