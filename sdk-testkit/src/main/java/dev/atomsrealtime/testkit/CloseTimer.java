package dev.atomsrealtime.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the server's closing handshakes: one daemon thread ({@code atoms-fakeserver-close-N}),
 * started on first use and ending after a second with nothing scheduled, that ends the connections
 * whose clients never answered the server's close frame. {@link #shutdown} stops it and waits
 * until its thread is gone.
 */
final class CloseTimer {
  /** Numbers threads across all servers of the JVM, so names stay unique. */
  private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final ScheduledThreadPoolExecutor executor;

  CloseTimer() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t =
                  new Thread(
                      runnable, "atoms-fakeserver-close-" + THREAD_NUMBERS.incrementAndGet());
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    executor.setKeepAliveTime(1, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    executor.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code task} after {@code delay}, unless cancelled first.
   *
   * @return the scheduled task, or null if the timer has been shut down (then nothing runs)
   */
  Future<?> schedule(Runnable task, Duration delay) {
    try {
      return executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * Drops every pending task and waits, until {@code deadlineNanos} at most, for the thread to end.
   *
   * @return true if no thread of this timer is left
   */
  boolean shutdown(long deadlineNanos) throws InterruptedException {
    executor.shutdownNow();
    for (Thread t : threads) {
      if (t != Thread.currentThread()) {
        TimeUnit.NANOSECONDS.timedJoin(
            t, Math.max(deadlineNanos - System.nanoTime(), 1_000_000L));
      }
    }
    return threads.stream().noneMatch(t -> t != Thread.currentThread() && t.isAlive());
  }
}
