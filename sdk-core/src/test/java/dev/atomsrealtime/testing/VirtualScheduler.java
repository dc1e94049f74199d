package dev.atomsrealtime.testing;

import dev.atomsrealtime.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time for the core's own tests (the testkit's {@code ManualScheduler} is
 * the full one, but the core cannot depend on the testkit): tasks run on the thread that calls
 * {@link #advance}, in time order, when virtual time reaches them. Thread-safe.
 */
public final class VirtualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService, Ticker {
  private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>();
  private long now;
  private long sequence;
  private boolean shutdown;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  /** Moves time forward by {@code d}, running every task that falls due, in order. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.at > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.at);
      }
      next.runOnce();
    }
  }

  /** Delays of the tasks waiting, from now, in time order. */
  public synchronized List<Duration> pending() {
    List<Task<?>> sorted = new ArrayList<>(tasks);
    Collections.sort(sorted);
    List<Duration> out = new ArrayList<>();
    for (Task<?> t : sorted) {
      out.add(Duration.ofNanos(t.at - now));
    }
    return out;
  }

  private synchronized <V> Task<V> add(Callable<V> c, long delayNanos, long periodNanos) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    Task<V> t = new Task<>(c, now + Math.max(0, delayNanos), periodNanos, sequence++);
    tasks.add(t);
    return t;
  }

  private synchronized void remove(Task<?> t) {
    tasks.remove(t);
  }

  private synchronized void requeue(Task<?> t) {
    if (!shutdown) {
      t.at += t.period;
      tasks.add(t);
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(() -> {
      command.run();
      return null;
    }, unit.toNanos(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, unit.toNanos(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
      TimeUnit unit) {
    return add(() -> {
      command.run();
      return null;
    }, unit.toNanos(initialDelay), unit.toNanos(period));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
      long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    tasks.clear();
    return new ArrayList<>();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    long at;
    final long period;
    final long seq;

    Task(Callable<V> callable, long at, long period, long seq) {
      super(callable);
      this.at = at;
      this.period = period;
      this.seq = seq;
    }

    void runOnce() {
      if (period == 0) {
        run();
      } else if (runAndReset()) {
        requeue(this);
      }
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean cancelled = super.cancel(mayInterrupt);
      remove(this);
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> other = (Task<?>) o;
      int c = Long.compare(at, other.at);
      return c != 0 ? c : Long.compare(seq, other.seq);
    }
  }
}
