package dev.atomsrealtime.testing;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves SDK ({@code atoms-*}) or WebSocket library threads running. Threads
 * that existed before the test are ignored; new ones get a bounded grace period to end.
 */
public final class ThreadLeakExtension implements BeforeEachCallback, AfterEachCallback {
  private static final long GRACE_NANOS = 3_000_000_000L;
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ThreadLeakExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("before", watched());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterEach(ExtensionContext context) throws InterruptedException {
    Set<Thread> before = (Set<Thread>) context.getStore(NS).get("before");
    long deadline = System.nanoTime() + GRACE_NANOS;
    Set<Thread> leaked;
    while (true) {
      leaked = watched();
      leaked.removeAll(before);
      leaked.removeIf(t -> !t.isAlive());
      if (leaked.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      // Bounded wait for the first leaked thread to end; re-check the whole set after.
      leaked.iterator().next().join(50);
    }
    throw new AssertionError("threads leaked by the test: "
        + leaked.stream().map(Thread::getName).sorted().collect(Collectors.joining(", ")));
  }

  /** Live threads the SDK or the WebSocket library started. */
  public static Set<Thread> watched() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (t.isAlive() && (n.startsWith("atoms-") || n.startsWith("WebSocket"))) {
        out.add(t);
      }
    }
    return out;
  }
}
