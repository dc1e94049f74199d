package dev.atomsrealtime.audio.javasound;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves an SDK thread ({@code atoms-*}) alive: after each test, waits for such
 * threads to end (joining them, at most 2 s in all), then reports those still alive.
 */
public final class NoLeakedThreadsExtension implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (Thread thread : atomsThreads()) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMillis > 0) {
        thread.join(leftMillis);
      }
    }
    List<String> alive = new ArrayList<>();
    for (Thread thread : atomsThreads()) {
      alive.add(thread.getName());
    }
    if (!alive.isEmpty()) {
      throw new AssertionError("Test left SDK threads running: " + alive);
    }
  }

  /** Live threads whose name starts with {@code atoms-}. */
  static List<Thread> atomsThreads() {
    List<Thread> result = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith("atoms-")) {
        result.add(thread);
      }
    }
    return result;
  }
}
