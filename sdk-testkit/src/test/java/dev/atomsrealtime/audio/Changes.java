package dev.atomsrealtime.audio;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A monitor that test doubles notify each time what they observe changes (a {@link RecordingSink}
 * on each write and at close; the {@link #tap()} on each piece of agent audio played), so that a
 * test waits, bounded, for a condition re-checked after every change instead of polling it.
 *
 * <p>A double notifies after its change and holding no lock of its own, so a condition may read
 * the double's state (taking its lock) while the waiter holds this monitor.
 */
final class Changes {
  /** Wakes the waiters: call after the change. */
  synchronized void changed() {
    notifyAll();
  }

  /**
   * Waits until {@code condition} holds, checking it now and after each change.
   *
   * @param timeout how long to wait at most
   * @param condition what is awaited
   * @param what names it in the failure
   * @throws AssertionError if it does not hold within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  synchronized void await(Duration timeout, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /**
   * A tap that notifies after each piece of agent audio the session played, and after a cut. The
   * session calls a tap's {@code agentAudio} once the piece is in the sink and counted, so the
   * session's figures ({@link SessionAudio#framesPlayed()}, {@link AudioStats#deltaBytesPlayed()})
   * include the piece by then.
   *
   * @return a tap for {@link AudioOptions.Builder#tap}, for one session
   */
  AudioTap tap() {
    return new AudioTap() {
      @Override
      public void started(PcmFormat sessionFormat, AudioClock clock) {}

      @Override
      public void userAudio(byte[] pcm, int offset, int length, long nanos) {}

      @Override
      public void agentAudio(byte[] pcm, int offset, int length, long nanos) {
        changed();
      }

      @Override
      public void agentAudioCut(long nanos) {
        changed();
      }

      @Override
      public void stopped(long nanos) {
        changed();
      }
    };
  }
}
