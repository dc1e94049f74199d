package dev.atomsrealtime.reconnect;

import dev.atomsrealtime.AtomsException;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ReconnectPolicy} is told before each reconnect attempt. Created by the session;
 * tests and custom policies may create it too.
 *
 * <p>The session builds a context only for causes that {@link RetryClassifier#isRetryable} accepts;
 * a policy never sees an authentication failure or a normal end.
 *
 * @param attempt the number of the reconnect attempt about to be made, starting at 1 for the first
 *     reconnect after a connection is lost, and starting at 1 again after a session has opened
 *     ({@code session.created}) on a later attempt
 * @param elapsed the time since the connection was lost (since the first failure of the current
 *     streak), measured on the session's clock; zero or positive
 * @param cause the failure that ended the previous connection (or the previous attempt)
 */
public record ReconnectContext(int attempt, Duration elapsed, AtomsException cause) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code attempt} is less than 1 or {@code elapsed} is
   *     negative
   * @throws NullPointerException if {@code elapsed} or {@code cause} is null
   */
  public ReconnectContext {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more (1-based), was " + attempt);
    }
    Objects.requireNonNull(elapsed, "elapsed");
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must not be negative, was " + elapsed);
    }
    Objects.requireNonNull(cause, "cause");
  }
}
