package dev.atomsrealtime.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: per-session ordering
 * without a thread per session. A task that throws is logged and does not stop later tasks.
 * Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  // Guarded by this.
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  // Guarded by this.
  private boolean running;
  // The thread currently draining, for "am I on the event thread?" checks.
  private volatile Thread drainingThread;

  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (this) {
        running = false;
      }
      throw e;
    }
  }

  /** Whether the calling thread is running a task of this executor. */
  public boolean inExecutor() {
    return drainingThread == Thread.currentThread();
  }

  /** Tasks waiting to run. */
  public synchronized int pending() {
    return tasks.size();
  }

  private void drain() {
    drainingThread = Thread.currentThread();
    try {
      while (true) {
        Runnable task;
        synchronized (this) {
          task = tasks.poll();
          if (task == null) {
            running = false;
            return;
          }
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("task failed on the session's event thread", e);
        }
      }
    } finally {
      drainingThread = null;
    }
  }
}
