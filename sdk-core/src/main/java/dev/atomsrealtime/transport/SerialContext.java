package dev.atomsrealtime.transport;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were queued, without a thread of its own: the SDK's
 * one serial-execution primitive. A session owns its state through one; listener callbacks are
 * ordered through one; a transport whose library calls back from several threads orders its
 * {@link Transport.Listener} callbacks through one; an audio stage that is driven by whichever
 * thread pushes or pulls runs its step through a {@link Signal} of one.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>{@link #executeLater} queues a task; {@link #drain} runs queued tasks on the calling thread
 *       until the queue is empty, unless another thread is already draining (then it returns at
 *       once and that thread runs them). {@link #execute} is both.
 *   <li>Tasks never overlap and never re-enter: a task that calls {@code execute} only queues; the
 *       new task runs after the current one returns, on the same thread.
 *   <li>A task that throws is reported to the exception handler (by default logged) and the
 *       remaining tasks still run.
 *   <li>A context {@link #onExecutor(Executor, Thread.UncaughtExceptionHandler) on an executor}
 *       drains on that executor instead of the calling thread (at most one drain is scheduled at a
 *       time); if the executor refuses, the calling thread drains.
 * </ul>
 *
 * <p>Rules for code that uses a context: a task must return quickly and never block (it may be
 * running on a socket's read thread or a scheduler's thread); it must not run user code while
 * another component's task waits behind it. The context is not a lock: nothing waits for it, so
 * it cannot deadlock, and code that must touch the state it owns hands a task to it instead.
 *
 * <p>Thread-safe.
 */
public final class SerialContext implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialContext.class);

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  // The hot state lives in this object's own fields (updated through field updaters), not in
  // separate atomic objects: an audio step touches a context 50 times a second per session, and
  // with hundreds of sessions each separate object is one more cache miss.
  private static final AtomicIntegerFieldUpdater<SerialContext> PENDING =
      AtomicIntegerFieldUpdater.newUpdater(SerialContext.class, "pending");
  private static final AtomicReferenceFieldUpdater<SerialContext, Thread> DRAINING =
      AtomicReferenceFieldUpdater.newUpdater(SerialContext.class, Thread.class, "drainingThread");
  private static final AtomicIntegerFieldUpdater<Signal> SIGNAL_QUEUED =
      AtomicIntegerFieldUpdater.newUpdater(Signal.class, "queued");
  // Tasks queued and not yet taken; raised after the task is in the queue, lowered when polled.
  private volatile int pending;
  private volatile Thread drainingThread;
  private final Thread.UncaughtExceptionHandler handler;
  private final Executor executor; // null: drain on the calling thread
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  private SerialContext(Executor executor, Thread.UncaughtExceptionHandler handler) {
    this.executor = executor;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * A context that drains on the thread that calls {@link #execute} or {@link #drain}, reporting
   * failed tasks to {@code handler}.
   *
   * @param handler receives tasks that throw
   * @return a context that drains on the thread that calls {@link #execute} or {@link #drain},
   *     reporting failed tasks to {@code handler}
   */
  public static SerialContext create(Thread.UncaughtExceptionHandler handler) {
    return new SerialContext(null, handler);
  }

  /**
   * A context that drains on the calling thread and logs failed tasks.
   *
   * @param name the name
   * @return a context that drains on the calling thread and logs failed tasks
   */
  public static SerialContext create(String name) {
    return create(logging(name));
  }

  /**
   * A context whose {@link #execute} drains on {@code executor} (one drain scheduled at a time), so
   * that its tasks never run on the caller's thread.
   *
   * @param executor runs the tasks
   * @param handler receives tasks that throw
   * @return a context whose {@link #execute} drains on {@code executor} (one drain scheduled at a
   *     time), so that its tasks never run on the caller's thread
   */
  public static SerialContext onExecutor(
      Executor executor, Thread.UncaughtExceptionHandler handler) {
    return new SerialContext(Objects.requireNonNull(executor, "executor"), handler);
  }

  /**
   * A handler that logs a failed task at ERROR, naming the context.
   *
   * @param name the name
   * @return a handler that logs a failed task at ERROR, naming the context
   */
  public static Thread.UncaughtExceptionHandler logging(String name) {
    return (thread, error) -> log.error("a task of {} failed on {}", name, thread.getName(), error);
  }

  /**
   * Queues {@code task}, then drains (on this thread, or on the executor). A context without an
   * executor that is idle (nothing queued, no thread draining) runs the task at once instead of
   * queueing it: the same order and the same thread as queue-then-drain, without the queue's
   * node, its two atomic updates and the poll (the common case on the audio paths, where a
   * context is touched 50 times a second per session and is almost always idle).
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (executor == null && runIfIdle(task)) {
      return;
    }
    executeLater(task);
    if (executor == null) {
      drain();
    } else {
      scheduleDrain();
    }
  }

  /**
   * Queues {@code task} without running anything; a later {@link #drain} or execute runs it.
   *
   * @param task the task to run
   */
  public void executeLater(Runnable task) {
    queue.add(Objects.requireNonNull(task, "task"));
    PENDING.incrementAndGet(this);
  }

  /**
   * Runs queued tasks on this thread until none is left, unless another thread is draining, in
   * which case it returns at once. Called from inside a task, it returns at once.
   */
  public void drain() {
    do {
      if (!DRAINING.compareAndSet(this, null, Thread.currentThread())) {
        return;
      }
      try {
        Runnable task;
        while ((task = queue.poll()) != null) {
          PENDING.decrementAndGet(this);
          try {
            task.run();
          } catch (Throwable t) {
            report(t);
          }
        }
      } finally {
        drainingThread = null;
      }
      // A task queued after the last poll but before the claim was released is ours to run.
    } while (!queue.isEmpty());
  }

  /**
   * Runs {@code task} now, on this thread, if nothing is queued and no thread is draining, and
   * returns true; otherwise does nothing and returns false (the caller then queues it, typically a
   * copy of arguments that are only valid during the call). Tasks queued meanwhile run after it.
   *
   * @param task the task to run
   * @return whether {@code task} ran
   */
  public boolean runIfIdle(Runnable task) {
    // "Nothing queued" from the count, which a task enters after it is in the queue: a task
    // queued meanwhile is seen after the claim is released (below), or its own thread drains.
    if (pending != 0 || !DRAINING.compareAndSet(this, null, Thread.currentThread())) {
      return false;
    }
    try {
      task.run();
    } catch (Throwable t) {
      report(t);
    } finally {
      drainingThread = null;
    }
    if (pending != 0) {
      if (executor == null) {
        drain();
      } else {
        scheduleDrain();
      }
    }
    return true;
  }

  private void scheduleDrain() {
    if (!drainScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::drainScheduled);
    } catch (RejectedExecutionException e) {
      // The executor is shutting down: run here rather than lose tasks (a terminal callback).
      drainScheduled.set(false);
      drain();
    }
  }

  private void drainScheduled() {
    try {
      drain();
    } finally {
      drainScheduled.set(false);
    }
    if (!queue.isEmpty()) {
      scheduleDrain();
    }
  }

  private void report(Throwable t) {
    try {
      handler.uncaughtException(Thread.currentThread(), t);
    } catch (Throwable ignored) {
      // A failing handler must not stop the queue.
    }
  }

  /** {@return whether the calling thread is running a task of this context} */
  public boolean isCurrentThread() {
    return drainingThread == Thread.currentThread();
  }

  /** Throws {@link IllegalStateException} unless called from a task of this context. */
  public void throwIfNotInThisContext() {
    if (!isCurrentThread()) {
      throw new IllegalStateException("not called from this serial context");
    }
  }

  /** {@return tasks queued and not yet started} */
  public int pending() {
    return Math.max(0, pending);
  }

  /**
   * Runs {@code task} in this context after {@code delay} on {@code timer}. The handle's {@link
   * ScheduledHandle#cancel()}, called from this context, guarantees the task does not run.
   *
   * @param task the task to run
   * @param delay how long before the attempt
   * @param unit the unit of {@code timeout}
   * @param timer the scheduler that times the delay
   * @return the scheduled handle
   * @throws RejectedExecutionException if the timer is shut down
   */
  public ScheduledHandle schedule(
      Runnable task, long delay, TimeUnit unit, ScheduledExecutorService timer) {
    ScheduledHandle handle = new ScheduledHandle(Objects.requireNonNull(task, "task"));
    handle.future = timer.schedule(() -> execute(handle), delay, unit);
    return handle;
  }

  /**
   * A coalescing step: {@link Signal#raise()} makes {@code step} run in this context once more,
   * however often it is raised while queued or running. For work driven by many threads (pushes,
   * pulls, arrivals) where each raise means "there may be something to do".
   *
   * @param step the work to run when the signal is raised
   * @return a coalescing step: {@link Signal#raise()} makes {@code step} run in this context once
   *     more, however often it is raised while queued or running
   */
  public Signal newSignal(Runnable step) {
    return new Signal(Objects.requireNonNull(step, "step"));
  }

  @Override
  public String toString() {
    return "SerialContext[pending=" + pending() + ", draining=" + (drainingThread != null)
        + "]";
  }

  /** A task scheduled with {@link #schedule}. */
  public static final class ScheduledHandle implements Runnable {
    private final Runnable task;
    private volatile boolean cancelled;
    private volatile boolean started;
    private volatile ScheduledFuture<?> future;

    private ScheduledHandle(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      started = true;
      task.run();
    }

    /** Stops the task from running if it has not started; from inside the context, for sure. */
    public void cancel() {
      cancelled = true;
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }

    /** {@return whether the task has neither started nor been cancelled} */
    public boolean isPending() {
      return !(started || cancelled);
    }
  }

  /** See {@link #newSignal}. */
  public final class Signal {
    // 1 while the step is queued or about to run (SIGNAL_QUEUED; package-private for the updater).
    volatile int queued;
    private final Runnable task;

    private Signal(Runnable step) {
      this.task = () -> {
        queued = 0;
        step.run();
      };
    }

    /** Makes the step run (again): now on this thread if the context is idle, else soon. */
    public void raise() {
      if (SIGNAL_QUEUED.compareAndSet(this, 0, 1)) {
        execute(task);
      } else if (executor == null) {
        drain();
      }
    }
  }
}
