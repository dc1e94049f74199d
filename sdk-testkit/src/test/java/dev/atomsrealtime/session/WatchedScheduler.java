package dev.atomsrealtime.session;

import dev.atomsrealtime.testkit.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ManualScheduler} as a client sees it, with one addition: the test can wait until the
 * session has armed a timer of a given delay. For the phases the listener hears nothing about,
 * such as the upgrade (after which the session arms its {@code session.created} timer): wait for
 * the timer, then move time. Give it to a client with {@code scheduler(watched, time)}.
 */
final class WatchedScheduler implements ScheduledExecutorService {
  private final ManualScheduler time;
  /** Guarded by this: the delay of every timer armed, in order. */
  private final List<Duration> armed = new ArrayList<>();
  /** Guarded by this: per delay, how many timers {@link #awaitArmed} has returned. */
  private final Map<Duration, Integer> seen = new HashMap<>();

  WatchedScheduler(ManualScheduler time) {
    this.time = time;
  }

  /**
   * Waits for the next timer of exactly {@code delay} not yet returned by this method: the n-th
   * call for a delay returns once n timers of that delay have been armed.
   *
   * @throws AssertionError if none is armed within {@code timeout}
   */
  synchronized void awaitArmed(Duration delay, Duration timeout) throws InterruptedException {
    int before = seen.getOrDefault(delay, 0);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (armed.stream().filter(delay::equals).count() <= before) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no timer of " + delay + " armed within " + timeout
            + "; armed so far: " + armed);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    seen.put(delay, before + 1);
  }

  private <T> T armed(T future, long delay, TimeUnit unit) {
    synchronized (this) {
      armed.add(Duration.ofNanos(unit.toNanos(delay)));
      notifyAll();
    }
    return future;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return armed(time.schedule(command, delay, unit), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return armed(time.schedule(callable, delay, unit), delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return armed(time.scheduleAtFixedRate(command, initialDelay, period, unit), initialDelay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return armed(
        time.scheduleWithFixedDelay(command, initialDelay, delay, unit), initialDelay, unit);
  }

  @Override
  public void execute(Runnable command) {
    time.execute(command);
  }

  @Override
  public Future<?> submit(Runnable task) {
    return time.submit(task);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return time.submit(task, result);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return time.submit(task);
  }

  @Override
  public void shutdown() {
    time.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return time.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return time.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return time.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return time.awaitTermination(timeout, unit);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
    return time.invokeAll(tasks);
  }

  @Override
  public <T> List<Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    return time.invokeAll(tasks, timeout, unit);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) {
    return time.invokeAny(tasks);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    return time.invokeAny(tasks, timeout, unit);
  }
}
