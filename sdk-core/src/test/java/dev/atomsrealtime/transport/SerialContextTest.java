package dev.atomsrealtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The serial context's promises: tasks in order, one at a time, never re-entered, on the calling
 * thread when idle (without queueing) and on the draining thread otherwise; failures reported and
 * the rest still run; a signal coalesces.
 */
@Timeout(10)
class SerialContextTest {
  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  private final SerialContext context = SerialContext.create((t, e) -> failures.add(e));

  @Test
  void anIdleContextRunsTheTaskAtOnceOnTheCallingThread() {
    AtomicReference<Thread> ran = new AtomicReference<>();
    int[] pendingDuring = {-1};
    boolean[] inContext = {false};
    context.execute(() -> {
      ran.set(Thread.currentThread());
      pendingDuring[0] = context.pending();
      inContext[0] = context.isCurrentThread();
    });
    assertSame(Thread.currentThread(), ran.get());
    assertEquals(0, pendingDuring[0]);
    assertTrue(inContext[0]);
    assertFalse(context.isCurrentThread(), "the claim is released after the task");
  }

  @Test
  void aTaskThatExecutesAnotherOnlyQueuesIt() {
    List<String> order = new ArrayList<>();
    context.execute(() -> {
      order.add("outer start");
      context.execute(() -> order.add("inner"));
      assertEquals(1, context.pending(), "queued, not run inside the outer task");
      order.add("outer end");
    });
    assertEquals(List.of("outer start", "outer end", "inner"), order);
    assertEquals(0, context.pending());
  }

  @Test
  void aTaskExecutedWhileAnotherThreadDrainsRunsOnThatThreadAfterItsTask() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Thread> secondRanOn = new AtomicReference<>();
    Thread drainer = new Thread(() -> context.execute(() -> {
      running.countDown();
      await(release);
      order.add("first");
    }), "drainer");
    drainer.start();
    assertTrue(running.await(5, TimeUnit.SECONDS));
    context.execute(() -> {
      secondRanOn.set(Thread.currentThread());
      order.add("second");
    });
    assertEquals(List.of(), order, "execute returned at once: the other thread is draining");
    assertEquals(1, context.pending());
    assertFalse(context.runIfIdle(() -> order.add("never")), "not idle");
    release.countDown();
    drainer.join(5_000);
    assertEquals(List.of("first", "second"), order);
    assertSame(drainer, secondRanOn.get());
  }

  @Test
  void aFailingTaskIsReportedAndTheNextStillRuns() {
    List<String> order = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    context.execute(() -> {
      context.execute(() -> {
        throw boom;
      });
      context.execute(() -> order.add("after"));
    });
    context.execute(() -> {
      throw boom; // the idle path reports too
    });
    assertEquals(List.of("after"), order);
    assertEquals(List.of(boom, boom), failures);
    assertFalse(context.isCurrentThread());
    context.execute(() -> order.add("still usable"));
    assertEquals(List.of("after", "still usable"), order);
  }

  @Test
  void aContextOnAnExecutorNeverRunsOnTheCallingThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "pool"));
    try {
      SerialContext onPool = SerialContext.onExecutor(pool, (t, e) -> failures.add(e));
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Thread> ran = new AtomicReference<>();
      onPool.execute(() -> {
        ran.set(Thread.currentThread());
        done.countDown();
      });
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals("pool", ran.get().getName());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSignalRaisedDuringItsStepRunsOnceMoreNotOncePerRaise() {
    int[] steps = {0};
    SerialContext.Signal[] signal = new SerialContext.Signal[1];
    signal[0] = context.newSignal(() -> {
      steps[0]++;
      if (steps[0] == 1) {
        signal[0].raise();
        signal[0].raise();
        signal[0].raise();
      }
    });
    signal[0].raise();
    assertEquals(2, steps[0]);
    signal[0].raise();
    assertEquals(3, steps[0]);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
