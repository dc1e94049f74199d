package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@code AtomsClient} shares among its sessions: its time (a ticker and a scheduler,
 * either its own or the application's), its threads and the set of its live sessions. Threads
 * start lazily and idle ones end after a minute, so an idle client holds no threads. Thread-safe.
 *
 * <ul>
 *   <li>{@code atoms-events-N}: listener callbacks (each session's serial), a fixed-size pool;
 *   <li>{@code atoms-scheduler-N}: timers only, one thread (unless the application gave its own
 *       scheduler); timer tasks are short and never block;
 *   <li>{@code atoms-blocking-N}: work that may block (the credential supplier, releasing audio
 *       devices), a cached pool, so that it never runs on a socket's read thread or the scheduler.
 *   <li>write retries under back-pressure run on the wall clock, whatever the session's clock:
 *       they wait for a socket to drain, which real time does. On the client's own scheduler;
 *       with an application's scheduler, on a thread {@code atoms-io-N} started only when a
 *       connection is backed up.
 * </ul>
 */
public final class ClientResources {
  private static final Logger log = LoggerFactory.getLogger(ClientResources.class);

  private final ThreadPoolExecutor events;
  private final ThreadPoolExecutor blocking;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final ScheduledThreadPoolExecutor io; // null: the client's own scheduler serves
  private final Ticker ticker;
  private final Set<AtomsSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param scheduler the application's scheduler (not shut down by {@link #close()}), or null for
   *     one of the client's own
   * @param ticker the clock matching {@code scheduler}
   */
  public ClientResources(ScheduledExecutorService scheduler, Ticker ticker) {
    int pool = NamedThreadFactory.nextPoolId();
    // Unbounded queue with a fixed core size: per-session order comes from each session's serial
    // context, and the pool only bounds how many sessions run callbacks at the same moment.
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    this.events = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new NamedThreadFactory("events-" + pool));
    events.allowCoreThreadTimeOut(true);
    // Idle threads end after 10 s: a burst of reconnects (each asking a slow supplier) leaves no
    // crowd of idle threads behind for long.
    this.blocking = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new NamedThreadFactory("blocking-" + pool));
    if (scheduler == null) {
      ScheduledThreadPoolExecutor own =
          new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("scheduler-" + pool));
      own.setRemoveOnCancelPolicy(true);
      own.setKeepAliveTime(60, TimeUnit.SECONDS);
      own.allowCoreThreadTimeOut(true);
      this.scheduler = own;
      this.ownScheduler = true;
      this.io = null;
    } else {
      this.scheduler = scheduler;
      this.ownScheduler = false;
      this.io = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("io-" + pool));
      io.setRemoveOnCancelPolicy(true);
      io.setKeepAliveTime(1, TimeUnit.SECONDS);
      io.allowCoreThreadTimeOut(true);
    }
    this.ticker = ticker;
  }

  /** Listener callbacks. */
  public ExecutorService events() {
    return events;
  }

  /** Work that may block; never the read thread or the scheduler. */
  public ExecutorService blocking() {
    return blocking;
  }

  /** Timers; tasks must not block. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** A scheduler on the wall clock, for I/O retries (never session time). */
  public ScheduledExecutorService ioScheduler() {
    return io != null ? io : scheduler;
  }

  /** The clock the scheduler runs on. */
  public Ticker ticker() {
    return ticker;
  }

  /** Registers a new session, refusing if the client is closed. */
  public <S extends AtomsSession> S register(S session) {
    if (closed) {
      throw new IllegalStateException("the AtomsClient is closed");
    }
    sessions.add(session);
    return session;
  }

  /** Forgets a session that has ended. */
  public void unregister(AtomsSession session) {
    sessions.remove(session);
  }

  /** Live sessions now. */
  public int liveSessions() {
    return sessions.size();
  }

  /**
   * Closes live sessions (bounded), then stops the client's own threads and waits for them
   * (bounded). An application's scheduler is left running. Idempotent.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<?>> ends = new ArrayList<>();
    for (AtomsSession s : new ArrayList<>(sessions)) {
      ends.add(s.closeAsync());
    }
    try {
      CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("sessions did not all close within 5 s; stopping the client anyway");
    }
    // Let the terminal callbacks and releases already queued run, then stop.
    events.shutdown();
    blocking.shutdown();
    if (ownScheduler) {
      scheduler.shutdownNow();
    } else {
      io.shutdownNow();
    }
    try {
      if (!events.awaitTermination(5, TimeUnit.SECONDS)) {
        events.shutdownNow();
      }
      if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
        blocking.shutdownNow();
      }
      (ownScheduler ? scheduler : io).awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
