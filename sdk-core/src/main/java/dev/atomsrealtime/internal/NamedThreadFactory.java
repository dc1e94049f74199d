package dev.atomsrealtime.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code atoms-<role>-<n>}. Thread-safe. */
final class NamedThreadFactory implements ThreadFactory {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  public NamedThreadFactory(String role) {
    this.prefix = "atoms-" + role + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + next.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** A unique number for naming a new pool. */
  static int nextPoolId() {
    return POOL_IDS.incrementAndGet();
  }
}
