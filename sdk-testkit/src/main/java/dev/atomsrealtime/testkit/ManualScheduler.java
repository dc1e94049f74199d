package dev.atomsrealtime.testkit;

import dev.atomsrealtime.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A {@link ScheduledExecutorService} on virtual time, in the manner of grpc-java's {@code
 * FakeClock}: nothing runs until the test says so, and time moves only when the test moves it. Use
 * it to test reconnect backoff, keepalive and timeouts without waiting. It is its own {@link
 * Ticker}: give it to a client with {@code AtomsClient.builder().scheduler(manual, manual)}.
 *
 * <p>Time starts at the value given to the constructor (0 by default) and advances only through
 * {@link #forwardTime(Duration)} and {@link #forwardNanos(long)}. Forwarding runs every task that
 * falls due in order of due time (ties in submission order), setting {@link #nanoTime()} to each
 * task's due time while it runs, so a task sees the time it was scheduled for, and periodic tasks
 * run once per period crossed. A task scheduled by a running task runs in the same forward if it
 * falls due within it. {@link #runDueTasks()} runs what is due without moving time; {@link
 * #execute(Runnable)} and zero delays are due at once, but still wait for one of these calls.
 *
 * <p>Exceptions: as in a real executor, a task submitted with a future ({@code schedule}, {@code
 * submit}) completes its future exceptionally, and a periodic task that throws is not run again. A
 * task given to {@link #execute(Runnable)} has no future; its exception propagates out of the
 * {@code runDueTasks}/{@code forward*} call, where the test sees it.
 *
 * <p>Shutdown follows {@link java.util.concurrent.ScheduledThreadPoolExecutor}'s defaults: {@link
 * #shutdown()} rejects new tasks and cancels periodic ones, while one-shot delayed tasks still run
 * when time reaches them; {@link #shutdownNow()} cancels everything. {@link #awaitTermination}
 * never waits: it reports whether the scheduler is terminated.
 *
 * <p>End each test with {@link #assertNoPendingTasks()}: a timer left behind is usually a leak.
 *
 * <p>With a client on it ({@code AtomsClient.builder().scheduler(manual, manual)}), a session's
 * timers fire only when the test moves time, while the network stays real: wait for the event that
 * arms a timer (the SDK arms a timer before it announces what the timer bounds, for example
 * {@code onReconnecting} or the state {@code CLOSING}), then move time. A timer's effect runs in
 * the session's serial context, normally on the thread that moves time; if another thread (a
 * socket's) is in the context at that instant, it runs there a moment later, so wait for an
 * effect you observe through another thread rather than asserting it at once.
 *
 * <p>Thread-safe: tasks may be scheduled and cancelled from any thread. Tasks run one at a time on
 * the thread that calls {@code runDueTasks} or {@code forward*}; calling those from a task is
 * refused.
 */
public final class ManualScheduler implements ScheduledExecutorService, Ticker {
  private final Object lock = new Object();

  /** Guarded by {@code lock}. */
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(ManualScheduler::compareDue);

  /** Guarded by {@code lock}. */
  private long currentNanos;

  /** Guarded by {@code lock}. */
  private long nextSequence;

  /** Guarded by {@code lock}. */
  private boolean shutdown;

  /** The thread running tasks, or null. Guarded by {@code lock}. */
  private Thread runner;

  /** Due first, then submitted first; by subtraction, so a clock that wraps around still works. */
  private static int compareDue(Task<?> a, Task<?> b) {
    int byDue = Long.signum(a.dueNanos - b.dueNanos);
    return byDue != 0 ? byDue : Long.compare(a.sequence, b.sequence);
  }

  /** A scheduler whose clock starts at 0. */
  public ManualScheduler() {
    this(0);
  }

  /**
   * A scheduler whose clock starts at {@code startNanos}. A start near {@link Long#MAX_VALUE}
   * checks that the code under test compares {@code nanoTime} values by subtraction.
   *
   * @param startNanos the start in nanoseconds
   */
  public ManualScheduler(long startNanos) {
    this.currentNanos = startNanos;
  }

  // ---------------------------------------------------------------------------------------------
  // The clock and the test's controls

  /** The virtual time in nanoseconds, a drop-in for {@link System#nanoTime()}. */
  @Override
  public long nanoTime() {
    synchronized (lock) {
      return currentNanos;
    }
  }

  /**
   * {@return {@link #nanoTime()} as a supplier, to inject where the code under test reads its
   * clock}
   */
  public LongSupplier nanoClock() {
    return this::nanoTime;
  }

  /**
   * Moves time forward by {@code duration}, running every task that falls due on the way.
   *
   * @param duration the duration
   * @return the number of task runs
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public int forwardTime(Duration duration) {
    return forwardNanos(duration.toNanos());
  }

  /**
   * Moves time forward, as {@link #forwardTime(Duration)}.
   *
   * @param amount how far to move the clock
   * @param unit the unit of {@code timeout}
   * @return moves time forward, as {@link #forwardTime(Duration)}
   */
  public int forwardTime(long amount, TimeUnit unit) {
    return forwardNanos(unit.toNanos(amount));
  }

  /**
   * Moves time forward by {@code nanos}, running every task that falls due on the way.
   *
   * @param nanos a time in nanoseconds
   * @return the number of task runs
   * @throws IllegalArgumentException if {@code nanos} is negative
   */
  public int forwardNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("time only moves forward; nanos was " + nanos);
    }
    long target;
    synchronized (lock) {
      target = currentNanos + nanos;
    }
    return runUntil(target, true);
  }

  /**
   * Runs every task that is due now (including tasks they schedule with no delay), without moving
   * time.
   *
   * @return the number of task runs
   */
  public int runDueTasks() {
    return runUntil(nanoTime(), false);
  }

  /**
   * Moves time to the next pending task's due time and runs the tasks due then.
   *
   * @return how far time moved (zero if a task was already due)
   * @throws AssertionError if nothing is pending
   */
  public Duration forwardToNextTask() {
    long start;
    long due;
    synchronized (lock) {
      Task<?> next = queue.peek();
      if (next == null) {
        throw new AssertionError("no task is pending");
      }
      start = currentNanos;
      due = next.dueNanos - currentNanos > 0 ? next.dueNanos : currentNanos;
    }
    runUntil(due, true);
    return Duration.ofNanos(due - start);
  }

  /**
   * {@return the tasks not yet run (periodic tasks: not yet cancelled), in the order they would
   * run}
   */
  public List<ScheduledFuture<?>> pendingTasks() {
    List<Task<?>> sorted;
    synchronized (lock) {
      sorted = new ArrayList<>(queue);
    }
    sorted.sort(ManualScheduler::compareDue);
    return new ArrayList<>(sorted);
  }

  /** {@return the number of tasks not yet run} */
  public int numPendingTasks() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /**
   * The number of tasks due within {@code duration} from now (a task due now counts).
   *
   * @param duration the duration
   * @return the number of tasks due within {@code duration} from now (a task due now counts)
   */
  public int numDueWithin(Duration duration) {
    synchronized (lock) {
      long limit = currentNanos + duration.toNanos();
      int n = 0;
      for (Task<?> t : queue) {
        if (t.dueNanos - limit <= 0) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * Fails, naming each pending task and when it is due, if any task is pending.
   *
   * @throws AssertionError if a task is pending
   */
  public void assertNoPendingTasks() {
    List<ScheduledFuture<?>> pending = pendingTasks();
    if (!pending.isEmpty()) {
      throw new AssertionError(pending.size() + " task(s) still scheduled: " + pending);
    }
  }

  private int runUntil(long target, boolean moveTime) {
    synchronized (lock) {
      if (runner != null) {
        throw new IllegalStateException(
            "tasks are already running on "
                + runner.getName()
                + "; a task must not run or forward the scheduler");
      }
      runner = Thread.currentThread();
    }
    int runs = 0;
    try {
      while (true) {
        Task<?> task;
        synchronized (lock) {
          Task<?> next = queue.peek();
          if (next == null || next.dueNanos - target > 0) {
            if (moveTime) {
              currentNanos = target;
            }
            return runs;
          }
          queue.poll();
          if (next.dueNanos - currentNanos > 0) {
            currentNanos = next.dueNanos;
          }
          task = next;
        }
        runs++;
        task.run();
      }
    } finally {
      synchronized (lock) {
        runner = null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ScheduledExecutorService

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    return enqueue(
        new Task<>(
            Executors.callable(command, null), command, unit.toNanos(delay), 0, Kind.ONE_SHOT));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Objects.requireNonNull(callable, "callable");
    return enqueue(new Task<>(callable, callable, unit.toNanos(delay), 0, Kind.ONE_SHOT));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return schedulePeriodic(command, initialDelay, period, unit, Kind.FIXED_RATE);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return schedulePeriodic(command, initialDelay, delay, unit, Kind.FIXED_DELAY);
  }

  private ScheduledFuture<?> schedulePeriodic(
      Runnable command, long initialDelay, long period, TimeUnit unit, Kind kind) {
    Objects.requireNonNull(command, "command");
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive, was " + period + " " + unit);
    }
    return enqueue(
        new Task<>(
            Executors.callable(command, null),
            command,
            unit.toNanos(initialDelay),
            unit.toNanos(period),
            kind));
  }

  /** Queues {@code command} as due now; it runs at the next {@code runDueTasks}/forward. */
  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "command");
    enqueue(new Task<>(Executors.callable(command, null), command, 0, 0, Kind.EXECUTE));
  }

  @Override
  public Future<?> submit(Runnable task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    Objects.requireNonNull(task, "task");
    return schedule(Executors.callable(task, result), 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  private <V> Task<V> enqueue(Task<V> task) {
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("the scheduler is shut down; rejected " + task);
      }
      task.sequence = nextSequence++;
      task.dueNanos = currentNanos + Math.max(0, task.initialDelayNanos);
      queue.add(task);
    }
    return task;
  }

  /**
   * Rejects new tasks and cancels periodic ones; one-shot delayed tasks stay pending and still run
   * when time reaches them.
   */
  @Override
  public void shutdown() {
    List<Task<?>> periodic = new ArrayList<>();
    synchronized (lock) {
      shutdown = true;
      for (Task<?> t : queue) {
        if (t.kind.periodic) {
          periodic.add(t);
        }
      }
    }
    for (Task<?> t : periodic) {
      t.cancel(false);
    }
  }

  /** Rejects new tasks and cancels every pending one; returns their commands. */
  @Override
  public List<Runnable> shutdownNow() {
    List<Task<?>> pending;
    synchronized (lock) {
      shutdown = true;
      pending = new ArrayList<>(queue);
    }
    pending.sort(ManualScheduler::compareDue);
    List<Runnable> commands = new ArrayList<>();
    for (Task<?> t : pending) {
      if (t.cancel(false)) {
        commands.add(t.command instanceof Runnable r ? r : t::run);
      }
    }
    return commands;
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  /** Shut down, nothing pending and nothing running. */
  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && queue.isEmpty() && runner == null;
    }
  }

  /** Does not wait (time is virtual): returns {@link #isTerminated()}. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
    throw blocking("invokeAll");
  }

  @Override
  public <T> List<Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    throw blocking("invokeAll");
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) {
    throw blocking("invokeAny");
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    throw blocking("invokeAny");
  }

  private static UnsupportedOperationException blocking(String method) {
    return new UnsupportedOperationException(
        "ManualScheduler does not support "
            + method
            + ": it blocks until tasks finish, and"
            + " tasks here run only when the test calls runDueTasks() or forwardTime()");
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "ManualScheduler{nanoTime="
          + currentNanos
          + ", pending="
          + queue.size()
          + (shutdown ? ", shut down" : "")
          + "}";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks

  private enum Kind {
    ONE_SHOT(false),
    EXECUTE(false),
    FIXED_RATE(true),
    FIXED_DELAY(true);

    final boolean periodic;

    Kind(boolean periodic) {
      this.periodic = periodic;
    }
  }

  /** A pending or finished task; its future. */
  private final class Task<V> implements ScheduledFuture<V> {
    private final Callable<V> callable;
    private final Object command; // what the caller gave us, for toString and shutdownNow
    private final long initialDelayNanos;
    private final long periodNanos;
    private final Kind kind;
    private final CompletableFuture<V> result = new CompletableFuture<>();

    /** Guarded by {@code lock} once queued. */
    private long dueNanos;

    /** Guarded by {@code lock} once queued. */
    private long sequence;

    Task(
        Callable<V> callable, Object command, long initialDelayNanos, long periodNanos, Kind kind) {
      this.callable = callable;
      this.command = command;
      this.initialDelayNanos = initialDelayNanos;
      this.periodNanos = periodNanos;
      this.kind = kind;
    }

    /** Runs the task on the runner thread, outside the lock. */
    void run() {
      if (result.isDone()) {
        return;
      }
      V value;
      try {
        value = callable.call();
      } catch (Throwable t) {
        result.completeExceptionally(t);
        if (kind == Kind.EXECUTE) {
          rethrow(t);
        }
        return;
      }
      if (!kind.periodic) {
        result.complete(value);
        return;
      }
      synchronized (lock) {
        if (result.isDone() || shutdown) {
          result.cancel(false);
          return;
        }
        dueNanos = kind == Kind.FIXED_RATE ? dueNanos + periodNanos : currentNanos + periodNanos;
        sequence = nextSequence++;
        queue.add(this);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (lock) {
        return unit.convert(dueNanos - currentNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      // Unlike CompletableFuture.cancel, answer false if the task had already finished.
      boolean cancelled = result.completeExceptionally(new CancellationException());
      if (cancelled) {
        synchronized (lock) {
          queue.remove(this);
        }
      }
      return cancelled;
    }

    @Override
    public boolean isCancelled() {
      return result.isCancelled();
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }

    /** Blocks until another thread runs the task; a single-threaded test should not call it. */
    @Override
    public V get() throws InterruptedException, ExecutionException {
      return result.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return result.get(timeout, unit);
    }

    @Override
    public String toString() {
      long due;
      long now;
      synchronized (lock) {
        due = dueNanos;
        now = currentNanos;
      }
      String state =
          result.isCancelled()
              ? "cancelled"
              : result.isDone() ? "done" : "due in " + Duration.ofNanos(due - now);
      return kind.name().toLowerCase(java.util.Locale.ROOT)
          + (kind.periodic ? " every " + Duration.ofNanos(periodNanos) : "")
          + " "
          + state
          + ": "
          + command;
    }
  }

  private static void rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("a task failed", t);
  }
}
