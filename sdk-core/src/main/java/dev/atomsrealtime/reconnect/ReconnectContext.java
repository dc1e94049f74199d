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
 * <h2>The streak</h2>
 *
 * <p>Attempts are counted over a <em>streak</em>: it starts when a healthy connection is lost,
 * and it ends only when a session has stayed open for {@link
 * dev.atomsrealtime.SessionOptions#reconnectBackoffResetAfter()} (10 s by default). A session that
 * opens ({@code session.created}) and fails soon after does not end the streak: a server that
 * accepts every connection and then fails every session at once (a crash loop) is met with a
 * growing delay and, with the default policy, a bounded number of attempts, instead of a new
 * billed call every half second forever. {@link #sessionsOpened()} tells a policy how many such
 * short-lived sessions the streak has seen.
 *
 * @param attempt the number of the reconnect attempt about to be made, from 1 for the first
 *     reconnect of a streak
 * @param elapsed the time since the streak started (the loss of the last healthy connection),
 *     measured on the session's clock; zero or positive
 * @param cause the failure that ended the previous connection (or the previous attempt)
 * @param sessionsOpened how many sessions of this streak opened and then failed before they were
 *     healthy (the one whose loss started the streak included); 0 when every attempt failed to
 *     connect; at most {@code attempt}
 */
public record ReconnectContext(int attempt, Duration elapsed, AtomsException cause,
    int sessionsOpened) {

  /**
   * Validates the components.
   *
   * @param attempt the number of the reconnect attempt about to be made, from 1 for the first
   *     reconnect of a streak
   * @param elapsed the time since the streak started (the loss of the last healthy connection),
   *     measured on the session's clock; zero or positive
   * @param cause the failure that ended the previous connection (or the previous attempt)
   * @param sessionsOpened how many sessions of this streak opened and then failed before they were
   *     healthy (the one whose loss started the streak included); 0 when every attempt failed to
   *     connect; at most {@code attempt}
   * @throws IllegalArgumentException if {@code attempt} is less than 1, {@code elapsed} is
   *     negative, or {@code sessionsOpened} is negative or greater than {@code attempt}
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
    if (sessionsOpened < 0 || sessionsOpened > attempt) {
      throw new IllegalArgumentException("sessionsOpened must be 0.." + attempt
          + " for attempt " + attempt + ", was " + sessionsOpened);
    }
  }

  /**
   * A context of a streak in which no session opened.
   *
   * @param attempt the attempt number, from 1
   * @param elapsed the time since the connection was lost
   * @param cause the underlying failure, or null
   */
  public ReconnectContext(int attempt, Duration elapsed, AtomsException cause) {
    this(attempt, elapsed, cause, 0);
  }
}
