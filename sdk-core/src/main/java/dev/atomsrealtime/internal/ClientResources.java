package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads one {@code AtomsClient} shares among its sessions, and the set of its live sessions.
 * Threads start lazily and idle ones end after a minute, so an idle client holds no threads.
 * Thread-safe.
 */
public final class ClientResources {
  private static final Logger log = LoggerFactory.getLogger(ClientResources.class);

  private final ThreadPoolExecutor events;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Set<AtomsSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public ClientResources() {
    int pool = NamedThreadFactory.nextPoolId();
    // Unbounded queue with a fixed core size: per-session order comes from SerialExecutor, and
    // the pool only bounds how many sessions run callbacks at the same moment.
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    this.events =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory("events-" + pool));
    events.allowCoreThreadTimeOut(true);
    this.scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("scheduler-" + pool));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setKeepAliveTime(60, TimeUnit.SECONDS);
    scheduler.allowCoreThreadTimeOut(true);
  }

  public ExecutorService events() {
    return events;
  }

  public ScheduledExecutorService scheduler() {
    return scheduler;
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

  /** Closes live sessions (bounded), then stops the threads and waits for them (bounded). */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<AtomsSession> live = new ArrayList<>(sessions);
    List<java.util.concurrent.CompletableFuture<?>> ends = new ArrayList<>();
    for (AtomsSession s : live) {
      ends.add(s.closeAsync());
    }
    try {
      java.util.concurrent.CompletableFuture.allOf(ends.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("sessions did not all close within 5 s; stopping the client anyway");
    }
    // Let the terminal callbacks already queued run, then stop.
    events.shutdown();
    scheduler.shutdownNow();
    try {
      if (!events.awaitTermination(5, TimeUnit.SECONDS)) {
        events.shutdownNow();
      }
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
