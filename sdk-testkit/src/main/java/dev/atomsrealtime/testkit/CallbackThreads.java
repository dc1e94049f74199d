package dev.atomsrealtime.testkit;

import dev.atomsrealtime.transport.SerialContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own threads ({@code atoms-fakeserver-N}, daemon): a cached pool that runs each
 * connection's callbacks through a {@link #newSerialExecutor() serial executor}. Remembers every
 * thread it made so that {@link #shutdown} can wait until they are gone, not just idle.
 */
final class CallbackThreads {
  private static final Logger log = LoggerFactory.getLogger(CallbackThreads.class);

  /** Numbers threads across all servers of the JVM, so names stay unique. */
  private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor pool;

  CallbackThreads() {
    pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            1,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
              Thread t =
                  new Thread(runnable, "atoms-fakeserver-" + THREAD_NUMBERS.incrementAndGet());
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
  }

  /**
   * An executor that runs its tasks one at a time, in submission order, on the pool: the SDK's
   * serial context. Once the server shuts down, tasks are dropped.
   */
  Executor newSerialExecutor() {
    Executor dropping = task -> {
      try {
        pool.execute(task);
      } catch (RejectedExecutionException e) {
        log.debug("callback dropped: server closed");
      }
    };
    return SerialContext.onExecutor(dropping, (thread, error) ->
        log.warn("callback task failed", error));
  }

  /**
   * Stops accepting tasks, lets queued ones finish until {@code deadlineNanos}, then interrupts
   * what is left and waits (still bounded) for every thread to end. Never waits for the calling
   * thread itself.
   *
   * @return true if every thread ended
   */
  boolean shutdown(long deadlineNanos) throws InterruptedException {
    pool.shutdown();
    // Called from a callback (our own thread), the pool cannot terminate before we return.
    boolean ownThread = threads.contains(Thread.currentThread());
    if (!ownThread && !pool.awaitTermination(remaining(deadlineNanos), TimeUnit.NANOSECONDS)) {
      log.warn("callbacks still running at shutdown; interrupting them");
      pool.shutdownNow();
    }
    boolean allEnded = true;
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      TimeUnit.NANOSECONDS.timedJoin(t, Math.max(remaining(deadlineNanos), 1_000_000L));
      if (t.isAlive()) {
        pool.shutdownNow();
        TimeUnit.MILLISECONDS.timedJoin(t, 100);
      }
      allEnded &= !t.isAlive();
    }
    return allEnded;
  }

  private static long remaining(long deadlineNanos) {
    return Math.max(0, deadlineNanos - System.nanoTime());
  }
}
