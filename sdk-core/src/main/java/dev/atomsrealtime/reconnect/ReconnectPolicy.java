package dev.atomsrealtime.reconnect;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides how long to wait before the next reconnect attempt, or that the session should give up. A
 * pure function of the {@link ReconnectContext}: attempt number, time since the connection was
 * lost, and the failure. It does not sleep, schedule, or keep state between calls; the session does
 * the waiting on its own scheduler, so the policy can be shared by every session of a client and
 * tested without a clock.
 *
 * <h2>What a reconnect is</h2>
 *
 * <p>The Atoms protocol has no session resumption (PROTOCOL.md §3). Every reconnect is a
 * <strong>new session</strong>: a new {@code session_id} and {@code call_id}, the agent greets
 * again, tools are declared again, and audio captured while disconnected is dropped, never
 * replayed. The credential is fetched again from the {@link dev.atomsrealtime.CredentialSupplier}
 * for every attempt; a {@code wct_} call token is single-use and lives 30 seconds, so a supplier
 * that hands out call tokens must mint a fresh one on every call.
 *
 * <h2>Who decides what</h2>
 *
 * <p>Whether a failure is worth retrying at all is not the policy's business: the session asks
 * {@link RetryClassifier#shouldReconnect(dev.atomsrealtime.SessionEnd)} first and consults the
 * policy only for retryable causes. A normal end (close 1000, the agent ended the call) and an end
 * the client asked for are never retried. A policy may still look at {@link
 * ReconnectContext#cause()}, for example to wait longer after a 503.
 *
 * <h2>Attempt numbering</h2>
 *
 * <p>{@link ReconnectContext#attempt()} is 1 for the first reconnect after a connection is lost and
 * grows by one with each failed attempt. The streak is over, and the next loss starts again at 1,
 * only once a session has stayed open for {@link
 * dev.atomsrealtime.SessionOptions#reconnectBackoffResetAfter()}: a session that opens and fails
 * at once counts as a failed attempt, so a server in a crash loop meets a growing delay and the
 * attempt cap (see {@link ReconnectContext}).
 *
 * <h2>Implementing</h2>
 *
 * <p>Implementations must be thread-safe and fast: the session calls {@link #nextDelay} on its own
 * thread, and sessions of one client may call it concurrently. They should not throw; a session
 * treats an exception from a policy as giving up, and ends with the original cause.
 *
 * <pre>{@code
 * ReconnectPolicy patient = ExponentialBackoff.builder()
 *     .initialDelay(Duration.ofSeconds(1))
 *     .maxDelay(Duration.ofMinutes(1))
 *     .maxElapsed(Duration.ofMinutes(10))
 *     .build();
 * }</pre>
 *
 * @see ExponentialBackoff
 * @see RetryClassifier
 */
@FunctionalInterface
public interface ReconnectPolicy {

  /**
   * The delay before reconnect attempt {@code context.attempt()}, or empty to give up and end the
   * session with {@code context.cause()}. A zero delay means "reconnect at once".
   *
   * @param context the attempt about to be made, the time since the connection was lost, and why
   * @return the delay (never negative), or empty to give up
   */
  Optional<Duration> nextDelay(ReconnectContext context);

  /**
   * The documented default backoff (PROTOCOL.md §3): first delay 500 ms, doubling, capped at 30 s,
   * with ±20 % uniform jitter applied after the cap, and at most 10 attempts, with no bound on the
   * elapsed time.
   *
   * <p>The nominal delays are 0.5, 1, 2, 4, 8, 16, 30, 30, 30 and 30 seconds (each then jittered by
   * up to ±20 %), about 2.5 minutes in all before the session gives up. Jitter comes after the cap
   * so that clients that lost their connections together (a server restart) do not all retry in the
   * same instant once their delays reach the cap; capped delays therefore range from 24 to 36 s.
   * Randomness comes from {@link java.util.concurrent.ThreadLocalRandom}; use {@link
   * ExponentialBackoff#builder()} to inject a seeded generator or change any value.
   *
   * @return the shared default policy; thread-safe
   */
  static ReconnectPolicy exponentialBackoff() {
    return ExponentialBackoff.DEFAULT;
  }

  /**
   * An exponential backoff: {@code min(initial * multiplier^(attempt - 1), max)}, then multiplied
   * by a uniform random factor in {@code [1 - jitterFraction, 1 + jitterFraction)}, giving up after
   * {@code maxAttempts} attempts. Randomness comes from {@link
   * java.util.concurrent.ThreadLocalRandom}; see {@link ExponentialBackoff#builder()} for more
   * options (an elapsed-time bound, an injected random generator).
   *
   * @param initial the nominal delay before attempt 1; positive
   * @param multiplier the growth factor per attempt; at least 1 and finite
   * @param max the cap on the nominal delay, before jitter; at least {@code initial}
   * @param jitterFraction the jitter as a fraction of the capped delay, in {@code [0, 1)}; 0 for
   *     none
   * @param maxAttempts the number of attempts before giving up; at least 1
   * @return a new thread-safe policy
   * @throws IllegalArgumentException if an argument is out of range
   * @throws NullPointerException if {@code initial} or {@code max} is null
   */
  static ReconnectPolicy exponentialBackoff(
      Duration initial, double multiplier, Duration max, double jitterFraction, int maxAttempts) {
    return ExponentialBackoff.builder()
        .initialDelay(initial)
        .multiplier(multiplier)
        .maxDelay(max)
        .jitterFraction(jitterFraction)
        .maxAttempts(maxAttempts)
        .build();
  }

  /**
   * Never reconnects: every failure ends the session. Use it when the application runs its own
   * retry logic, or when a new session (and a new greeting) is never wanted.
   *
   * @return the shared policy that always gives up
   */
  static ReconnectPolicy never() {
    return NeverReconnect.INSTANCE;
  }
}
