package dev.atomsrealtime;

/**
 * A source of monotonic time in nanoseconds: what the SDK measures every timeout, backoff, idle
 * period, stale-audio gate and latency against. The default is {@link #system()}; tests inject a
 * virtual one together with a matching scheduler through {@link
 * AtomsClient.Builder#scheduler(java.util.concurrent.ScheduledExecutorService, Ticker)}, so that
 * time only moves when the test moves it.
 *
 * <p>Values are only meaningful as differences, compared by subtraction (as {@link
 * System#nanoTime()}). Implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface Ticker {

  /** {@return the current time in nanoseconds, from an arbitrary origin} */
  long nanoTime();

  /** {@return {@link System#nanoTime()}} */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The JVM's monotonic clock. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
