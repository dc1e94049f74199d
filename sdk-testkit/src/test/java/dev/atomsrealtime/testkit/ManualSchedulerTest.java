package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class ManualSchedulerTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void nothingLeftBehind() {
    scheduler.assertNoPendingTasks();
  }

  private Runnable record(String name) {
    return new Runnable() {
      @Override
      public void run() {
        log.add(name + "@" + scheduler.nanoTime() / 1_000_000);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  @Test
  void nothingRunsUntilTimeIsForwarded() {
    scheduler.schedule(record("a"), 100, MILLISECONDS);
    assertEquals(0, scheduler.runDueTasks());
    assertEquals(1, scheduler.numPendingTasks());
    assertEquals(0, scheduler.forwardTime(Duration.ofMillis(99)));
    assertEquals(List.of(), log);
    assertEquals(1, scheduler.forwardNanos(1_000_000));
    assertEquals(List.of("a@100"), log);
    assertEquals(100_000_000, scheduler.nanoTime());
  }

  @Test
  void tasksRunInDueOrderAndSeeTheirDueTime() {
    scheduler.schedule(record("late"), 300, MILLISECONDS);
    scheduler.schedule(record("early"), 100, MILLISECONDS);
    scheduler.schedule(record("tie-1"), 200, MILLISECONDS);
    scheduler.schedule(record("tie-2"), 200, MILLISECONDS);
    assertEquals(4, scheduler.forwardTime(Duration.ofSeconds(1)));
    assertEquals(List.of("early@100", "tie-1@200", "tie-2@200", "late@300"), log);
    assertEquals(1_000_000_000, scheduler.nanoTime(), "time ends at the target");
  }

  @Test
  void tasksScheduledByTasksRunWithinTheSameForward() {
    scheduler.schedule(
        () -> {
          record("first").run();
          scheduler.schedule(record("second"), 50, MILLISECONDS);
          scheduler.execute(record("now"));
        },
        100,
        MILLISECONDS);
    scheduler.forwardTime(Duration.ofMillis(200));
    assertEquals(List.of("first@100", "now@100", "second@150"), log);
  }

  @Test
  void executeAndZeroDelaysWaitForRunDueTasks() {
    scheduler.execute(record("x"));
    Future<String> submitted = scheduler.submit(() -> "y");
    assertEquals(2, scheduler.numPendingTasks());
    assertEquals(List.of(), log);
    assertEquals(2, scheduler.runDueTasks());
    assertEquals(List.of("x@0"), log);
    assertTrue(submitted.isDone());
    assertEquals(0, scheduler.nanoTime());
  }

  @Test
  void callableResultsAndFailuresGoToTheFuture() throws Exception {
    ScheduledFuture<Integer> ok = scheduler.schedule(() -> 42, 1, SECONDS);
    ScheduledFuture<Integer> bad =
        scheduler.schedule(
            () -> {
              throw new IllegalStateException("boom");
            },
            1,
            SECONDS);
    assertFalse(ok.isDone());
    assertThrows(TimeoutException.class, () -> ok.get(0, MILLISECONDS));
    scheduler.forwardTime(Duration.ofSeconds(1));
    assertEquals(42, ok.get());
    ExecutionException e = assertThrows(ExecutionException.class, bad::get);
    assertInstanceOf(IllegalStateException.class, e.getCause());
    Future<String> withResult = scheduler.submit(record("r"), "done");
    scheduler.runDueTasks();
    assertEquals("done", withResult.get());
  }

  @Test
  void executedTaskFailuresReachTheTest() {
    scheduler.execute(
        () -> {
          throw new IllegalArgumentException("bug in a task");
        });
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, scheduler::runDueTasks);
    assertEquals("bug in a task", e.getMessage());
  }

  @Test
  void cancelledTasksDoNotRun() {
    ScheduledFuture<?> f = scheduler.schedule(record("never"), 1, SECONDS);
    assertTrue(f.cancel(false));
    assertTrue(f.isCancelled());
    assertTrue(f.isDone());
    assertThrows(CancellationException.class, f::get);
    assertEquals(0, scheduler.numPendingTasks());
    scheduler.forwardTime(Duration.ofSeconds(2));
    assertEquals(List.of(), log);
    assertFalse(f.cancel(false), "already cancelled");
  }

  @Test
  void fixedRateRunsOncePerPeriodCrossed() {
    ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(record("tick"), 100, 250, MILLISECONDS);
    assertEquals(4, scheduler.forwardTime(Duration.ofMillis(850)));
    assertEquals(List.of("tick@100", "tick@350", "tick@600", "tick@850"), log);
    assertEquals(250, f.getDelay(MILLISECONDS));
    f.cancel(false);
  }

  @Test
  void fixedDelayRunsOncePerDelay() {
    ScheduledFuture<?> f =
        scheduler.scheduleWithFixedDelay(
            () -> {
              record("run").run();
              if (log.size() == 2) {
                scheduler.execute(record("side"));
              }
            },
            0,
            1,
            SECONDS);
    scheduler.forwardTime(Duration.ofMillis(2500));
    assertEquals(List.of("run@0", "run@1000", "side@1000", "run@2000"), log);
    assertEquals(500, f.getDelay(MILLISECONDS));
    f.cancel(true);
  }

  @Test
  void periodicTaskThatThrowsStops() {
    int[] runs = {0};
    ScheduledFuture<?> f =
        scheduler.scheduleAtFixedRate(
            () -> {
              if (++runs[0] == 2) {
                throw new IllegalStateException("second run fails");
              }
            },
            0,
            1,
            SECONDS);
    scheduler.forwardTime(Duration.ofSeconds(5));
    assertEquals(2, runs[0]);
    assertTrue(f.isDone());
    assertThrows(ExecutionException.class, f::get);
  }

  @Test
  void forwardToNextTaskReportsTheDelay() {
    scheduler.schedule(record("a"), 1500, MILLISECONDS);
    scheduler.schedule(record("b"), 4, SECONDS);
    assertEquals(Duration.ofMillis(1500), scheduler.forwardToNextTask());
    assertEquals(Duration.ofMillis(2500), scheduler.forwardToNextTask());
    assertEquals(List.of("a@1500", "b@4000"), log);
    assertThrows(AssertionError.class, scheduler::forwardToNextTask);
  }

  @Test
  void pendingTasksAreListedInRunOrderWithTheirDelays() {
    ScheduledFuture<?> later = scheduler.schedule(record("later"), 2, SECONDS);
    ScheduledFuture<?> sooner = scheduler.schedule(record("sooner"), 1, SECONDS);
    assertEquals(List.of(sooner, later), scheduler.pendingTasks());
    assertEquals(1, sooner.getDelay(SECONDS));
    assertTrue(sooner.compareTo(later) < 0);
    assertEquals(1, scheduler.numDueWithin(Duration.ofSeconds(1)));
    AssertionError e = assertThrows(AssertionError.class, scheduler::assertNoPendingTasks);
    assertTrue(e.getMessage().contains("2 task(s)"), e.getMessage());
    assertTrue(
        e.getMessage().contains("sooner") && e.getMessage().contains("PT1S"), e.getMessage());
    scheduler.forwardTime(Duration.ofSeconds(2));
  }

  @Test
  void shutdownRejectsNewTasksCancelsPeriodicOnesAndKeepsDelayedOnes() {
    ScheduledFuture<?> periodic = scheduler.scheduleAtFixedRate(record("tick"), 1, 1, SECONDS);
    ScheduledFuture<?> delayed = scheduler.schedule(record("delayed"), 2, SECONDS);
    scheduler.shutdown();
    assertTrue(scheduler.isShutdown());
    assertTrue(periodic.isCancelled());
    assertFalse(delayed.isDone());
    assertFalse(scheduler.isTerminated());
    assertFalse(scheduler.awaitTermination(1, SECONDS));
    assertThrows(RejectedExecutionException.class, () -> scheduler.execute(record("late")));
    assertThrows(
        RejectedExecutionException.class, () -> scheduler.schedule(record("late"), 1, SECONDS));
    scheduler.forwardTime(Duration.ofSeconds(3));
    assertEquals(List.of("delayed@2000"), log);
    assertTrue(scheduler.isTerminated());
    assertTrue(scheduler.awaitTermination(0, SECONDS));
  }

  @Test
  void shutdownNowCancelsEverythingAndReturnsTheCommands() {
    Runnable a = record("a");
    scheduler.schedule(a, 1, SECONDS);
    ScheduledFuture<?> b = scheduler.scheduleWithFixedDelay(record("b"), 2, 1, SECONDS);
    List<Runnable> notRun = scheduler.shutdownNow();
    assertEquals(2, notRun.size());
    assertSame(a, notRun.get(0));
    assertTrue(b.isCancelled());
    assertTrue(scheduler.isTerminated());
    scheduler.forwardTime(Duration.ofSeconds(5));
    assertEquals(List.of(), log);
  }

  @Test
  void blockingBulkMethodsAreUnsupported() {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class, () -> scheduler.invokeAll(List.of(() -> 1)));
    assertTrue(e.getMessage().contains("invokeAll"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> scheduler.invokeAny(List.of(() -> 1)));
    assertThrows(
        UnsupportedOperationException.class,
        () -> scheduler.invokeAll(List.of(() -> 1), 1, SECONDS));
    assertThrows(
        UnsupportedOperationException.class,
        () -> scheduler.invokeAny(List.of(() -> 1), 1, SECONDS));
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> scheduler.forwardNanos(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> scheduler.scheduleAtFixedRate(record("x"), 0, 0, SECONDS));
    assertThrows(NullPointerException.class, () -> scheduler.execute(null));
  }

  @Test
  void tasksMayNotForwardTheScheduler() {
    scheduler.execute(() -> scheduler.forwardTime(Duration.ofSeconds(1)));
    IllegalStateException e = assertThrows(IllegalStateException.class, scheduler::runDueTasks);
    assertTrue(e.getMessage().contains("must not run or forward"), e.getMessage());
    // The scheduler is usable again afterwards.
    scheduler.execute(record("ok"));
    assertEquals(1, scheduler.runDueTasks());
  }

  @Test
  void clockThatWrapsAroundStillOrdersTasks() {
    ManualScheduler wrapping = new ManualScheduler(Long.MAX_VALUE - 1_000_000_000L);
    List<String> order = new ArrayList<>();
    wrapping.schedule(() -> order.add("after-wrap"), 3, SECONDS);
    wrapping.schedule(() -> order.add("before-wrap"), 500, MILLISECONDS);
    assertEquals(Duration.ofMillis(500), wrapping.forwardToNextTask());
    wrapping.forwardTime(Duration.ofSeconds(5));
    assertEquals(List.of("before-wrap", "after-wrap"), order);
    long elapsed = wrapping.nanoTime() - (Long.MAX_VALUE - 1_000_000_000L);
    assertEquals(Duration.ofMillis(5500), Duration.ofNanos(elapsed));
    assertEquals(wrapping.nanoTime(), wrapping.nanoClock().getAsLong());
    wrapping.assertNoPendingTasks();
  }

  @Test
  void otherThreadsMayScheduleWhileTheTestForwards() throws Exception {
    Thread other = new Thread(() -> scheduler.schedule(record("from-other"), 1, SECONDS));
    other.start();
    other.join(5_000);
    scheduler.forwardTime(Duration.ofSeconds(1));
    assertEquals(List.of("from-other@1000"), log);
  }
}
