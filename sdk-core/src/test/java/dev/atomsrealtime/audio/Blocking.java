package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Bounded waits for another thread to block, without sleeping. */
final class Blocking {
  private Blocking() {}

  /** Spins (bounded, 5 s) until the supplied thread is parked or waiting. */
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
      Thread.onSpinWait();
    }
    fail("thread did not block within 5 s");
  }
}
