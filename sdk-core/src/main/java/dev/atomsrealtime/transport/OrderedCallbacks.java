package dev.atomsrealtime.transport;

import java.util.Objects;

/**
 * A listener's callbacks in order, with a terminal fence: what a {@link Transport} owes its
 * {@link Transport.Listener} ("one callback at a time, in order; nothing after the terminal one"),
 * and what the session owes its own listener. Built on a {@link SerialContext}, so callbacks run
 * one at a time with no lock held, on whichever thread the context drains on.
 *
 * <p>For a transport whose library calls back from several threads (a read thread, a write
 * thread, a caller's {@code abort()}): queue with {@link #add} while holding your own lock (so
 * the order is the order of your state changes), then {@link #drain} after releasing it; or
 * {@link #deliver} when no lock is involved. {@link #deliverIfIdle} runs a callback inline without
 * copying its arguments when nothing else is pending: the usual case for frames on a read thread.
 *
 * <p>Thread-safe.
 */
public final class OrderedCallbacks {
  private final SerialContext context;
  private final Runnable afterTerminal;
  // Read and written only by tasks of the context.
  private boolean terminalRan;
  // Published for terminalRan() from other threads.
  private volatile boolean terminalSeen;

  /**
   * @param context where the callbacks run
   * @param afterTerminal runs once, right after the terminal callback (may be a no-op)
   */
  public OrderedCallbacks(SerialContext context, Runnable afterTerminal) {
    this.context = Objects.requireNonNull(context, "context");
    this.afterTerminal = Objects.requireNonNull(afterTerminal, "afterTerminal");
  }

  /**
   * Callbacks that run on the thread that delivers or drains, with nothing after the terminal.
   *
   * @param name the name
   * @return callbacks that run on the thread that delivers or drains, with nothing after the
   *     terminal
   */
  public static OrderedCallbacks create(String name) {
    return new OrderedCallbacks(SerialContext.create(name), () -> { });
  }

  /**
   * Queues a callback without running anything.
   *
   * @param callback the callback to run
   */
  public void add(Runnable callback) {
    context.executeLater(guarded(callback));
  }

  /**
   * Queues the terminal callback without running anything. It runs once, after everything queued
   * before it; every callback queued after it is dropped. A second terminal is dropped too.
   *
   * @param callback the callback to run
   */
  public void addTerminal(Runnable callback) {
    context.executeLater(terminal(callback));
  }

  /**
   * Queues a callback and runs the queue (here, or on the context's executor).
   *
   * @param callback the callback to run
   */
  public void deliver(Runnable callback) {
    context.execute(guarded(callback));
  }

  /**
   * Queues the terminal callback and runs the queue (here, or on the context's executor).
   *
   * @param callback the callback to run
   */
  public void deliverTerminal(Runnable callback) {
    context.execute(terminal(callback));
  }

  private Runnable guarded(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    return () -> {
      if (!terminalRan) {
        callback.run();
      }
    };
  }

  private Runnable terminal(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    return () -> {
      if (terminalRan) {
        return;
      }
      terminalRan = true;
      terminalSeen = true;
      try {
        callback.run();
      } finally {
        afterTerminal.run();
      }
    };
  }

  /**
   * Runs {@code callback} now on this thread if nothing is queued or running and the terminal
   * callback has not run, and returns true; else returns false and the caller queues a copy.
   *
   * @param callback the callback to run
   * @return whether {@code callback} ran
   */
  public boolean deliverIfIdle(Runnable callback) {
    return context.runIfIdle(() -> {
      if (!terminalRan) {
        callback.run();
      }
    });
  }

  /** Runs queued callbacks here, unless another thread is running them. */
  public void drain() {
    context.drain();
  }

  /** {@return callbacks queued and not yet run} */
  public int pending() {
    return context.pending();
  }

  /** {@return whether the calling thread is running one of these callbacks} */
  public boolean isCurrentThread() {
    return context.isCurrentThread();
  }

  /** {@return whether the terminal callback has run} */
  public boolean terminalRan() {
    return terminalSeen;
  }
}
