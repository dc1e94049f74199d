package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.testing.VirtualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's threads: named {@code atoms-<role>-<n>}, ending when idle (the README: "all ending
 * when idle and on close()") and on {@code close()}; an application's scheduler is never shut
 * down.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientResourcesTest {

  /** Runs a task on {@code pool} and returns the thread that ran it. */
  private static Thread threadOf(Executor pool) throws Exception {
    CompletableFuture<Thread> t = new CompletableFuture<>();
    pool.execute(() -> t.complete(Thread.currentThread()));
    return t.get(10, TimeUnit.SECONDS);
  }

  @Test
  void idleThreadsEndAfterTheirKeepAlive() throws Exception {
    ClientResources r = new ClientResources(null, Ticker.system());
    try {
      ThreadPoolExecutor events = (ThreadPoolExecutor) r.events();
      ThreadPoolExecutor blocking = (ThreadPoolExecutor) r.blocking();
      ScheduledThreadPoolExecutor scheduler = (ScheduledThreadPoolExecutor) r.scheduler();
      // The documented idle limits: a minute for callbacks and timers, 10 s for blocking work.
      assertEquals(60, events.getKeepAliveTime(TimeUnit.SECONDS));
      assertTrue(events.allowsCoreThreadTimeOut());
      assertEquals(10, blocking.getKeepAliveTime(TimeUnit.SECONDS));
      assertEquals(0, blocking.getCorePoolSize());
      assertEquals(60, scheduler.getKeepAliveTime(TimeUnit.SECONDS));
      assertTrue(scheduler.allowsCoreThreadTimeOut());
      assertSame(scheduler, r.ioScheduler(), "the client's own scheduler serves I/O retries");
      // Shortened, the same pools really let their threads go while the client stays open.
      for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] {events, blocking, scheduler}) {
        pool.setKeepAliveTime(20, TimeUnit.MILLISECONDS);
        Thread t = threadOf(pool);
        assertTrue(t.getName().matches("atoms-(events|blocking|scheduler)-\\d+-\\d+"),
            t.getName());
        assertTrue(t.isDaemon(), t.getName());
        t.join(10_000);
        assertFalse(t.isAlive(), t.getName() + " still alive while idle");
      }
    } finally {
      r.close();
    }
  }

  @Test
  void closeEndsEveryThreadButLeavesTheApplicationsScheduler() throws Exception {
    VirtualScheduler app = new VirtualScheduler();
    ClientResources r = new ClientResources(app, app);
    ScheduledThreadPoolExecutor io = (ScheduledThreadPoolExecutor) r.ioScheduler();
    assertNotSame(app, io);
    assertEquals(1, io.getKeepAliveTime(TimeUnit.SECONDS));
    assertTrue(io.allowsCoreThreadTimeOut());
    Thread events = threadOf(r.events());
    Thread blocking = threadOf(r.blocking());
    Thread ioThread = threadOf(io);
    assertTrue(ioThread.getName().startsWith("atoms-io-"), ioThread.getName());
    r.close();
    for (Thread t : new Thread[] {events, blocking, ioThread}) {
      t.join(10_000);
      assertFalse(t.isAlive(), t.getName());
    }
    assertFalse(app.isShutdown(), "an application's scheduler is not ours to stop");
    assertSame(app, r.scheduler());
  }
}
