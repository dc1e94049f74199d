package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Bounded waits for another thread to block. A thread blocking on a lock or condition inside the
 * code under test announces nothing, so its state is checked once a millisecond, parking in
 * between: no core is burnt on a 2-core machine.
 */
final class Blocking {
  private Blocking() {}

  /** Waits (bounded, 5 s) until the supplied thread is parked or waiting. */
  static void awaitParked(Supplier<Thread> thread) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread t = thread.get();
      if (t != null) {
        Thread.State state = t.getState();
        if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
          return;
        }
      }
      LockSupport.parkNanos(1_000_000L);
    }
    fail("thread did not block within 5 s");
  }
}
