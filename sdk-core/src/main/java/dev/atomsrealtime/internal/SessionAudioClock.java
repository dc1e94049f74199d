package dev.atomsrealtime.internal;

import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.audio.AudioClock;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The client's time as an {@link AudioClock}, for sources and sinks that pace themselves. On the
 * system ticker it parks for the remaining time; on any other (a virtual clock in tests) it parks
 * until a wake-up scheduled on the client's scheduler for the deadline runs, so paced audio moves
 * exactly when the test moves time. Thread-safe.
 */
final class SessionAudioClock implements AudioClock {
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;

  SessionAudioClock(Ticker ticker, ScheduledExecutorService scheduler) {
    this.ticker = ticker;
    this.scheduler = scheduler;
  }

  @Override
  public long nanoTime() {
    return ticker.nanoTime();
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    long wait = deadlineNanos - ticker.nanoTime();
    if (wait <= 0) {
      return;
    }
    if (ticker == Ticker.system()) {
      LockSupport.parkNanos(this, wait);
      return;
    }
    Thread me = Thread.currentThread();
    ScheduledFuture<?> wake;
    try {
      wake = scheduler.schedule(() -> LockSupport.unpark(me), wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return; // the client is closing: do not park on a clock nobody moves
    }
    LockSupport.park(this);
    wake.cancel(false);
  }
}
