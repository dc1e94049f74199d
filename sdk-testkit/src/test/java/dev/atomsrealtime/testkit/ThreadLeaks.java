package dev.atomsrealtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asserts that no WebSocket or SDK thread outlives a test (bounded wait, no sleeping). */
final class ThreadLeaks {
  private ThreadLeaks() {}

  static List<Thread> matching() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("WebSocket") || t.getName().startsWith("atoms-"))
        .toList();
  }

  static void assertNoneAlive() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    for (Thread t : matching()) {
      TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1_000_000L, deadline - System.nanoTime()));
    }
    assertEquals(
        List.of(),
        matching().stream().filter(Thread::isAlive).map(Thread::getName).toList(),
        "threads left alive");
  }
}
