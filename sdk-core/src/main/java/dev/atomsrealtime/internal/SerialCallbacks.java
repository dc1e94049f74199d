package dev.atomsrealtime.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport's listener callbacks, run one at a time in the order they were queued, on whichever
 * thread finds the queue idle, with no lock held; nothing runs after the terminal callback. For
 * transports whose library calls back from more than one thread (a read thread, a write thread,
 * a caller's abort). Thread-safe.
 */
public final class SerialCallbacks {
  private static final Logger log = LoggerFactory.getLogger(SerialCallbacks.class);

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Runnable afterTerminal;
  private volatile boolean terminalRan;

  /** @param afterTerminal runs once, right after the terminal callback (may be a no-op) */
  public SerialCallbacks(Runnable afterTerminal) {
    this.afterTerminal = afterTerminal;
  }

  /** Queues a callback without running the queue. */
  public void add(Runnable callback) {
    queue.add(callback);
  }

  /** Queues the terminal callback without running the queue; callbacks queued later are dropped. */
  public void addTerminal(Runnable callback) {
    queue.add(new Terminal(callback));
  }

  /** Queues a callback and runs the queue. */
  public void deliver(Runnable callback) {
    queue.add(callback);
    drain();
  }

  /**
   * Runs {@code callback} at once on this thread when nothing else is queued or running (its
   * arguments need not outlive the call), and returns true; else returns false and the caller
   * queues a copy.
   */
  public boolean runInlineIfIdle(Runnable callback) {
    if (!queue.isEmpty() || !draining.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (!terminalRan) {
        callback.run();
      }
    } catch (RuntimeException e) {
      log.warn("transport listener threw", e);
    } finally {
      draining.set(false);
    }
    if (!queue.isEmpty()) {
      drain();
    }
    return true;
  }

  /** Runs queued callbacks one at a time, unless another thread is already running them. */
  public void drain() {
    while (draining.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = queue.poll()) != null) {
          if (terminalRan) {
            continue;
          }
          boolean terminal = next instanceof Terminal;
          if (terminal) {
            terminalRan = true;
          }
          try {
            next.run();
          } catch (RuntimeException e) {
            log.warn("transport listener threw", e);
          }
          if (terminal) {
            queue.clear();
            afterTerminal.run();
          }
        }
      } finally {
        draining.set(false);
      }
      if (queue.isEmpty()) {
        return;
      }
    }
  }

  /** Whether the terminal callback has run. */
  public boolean terminalRan() {
    return terminalRan;
  }

  private record Terminal(Runnable call) implements Runnable {
    @Override
    public void run() {
      call.run();
    }
  }
}
