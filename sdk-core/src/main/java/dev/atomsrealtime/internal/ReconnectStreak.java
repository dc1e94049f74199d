package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.reconnect.ReconnectContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's reconnect bookkeeping: the attempts of the current streak, how many of its sessions
 * opened and failed before they were healthy, and when it started. A streak ends only when a
 * session has stayed open for {@link SessionOptions#reconnectBackoffResetAfter()}, so a server
 * that fails every session at once meets a growing delay and the policy's attempt cap.
 *
 * <p>Not thread-safe: the session's serial context only.
 */
final class ReconnectStreak {
  private static final Logger log = LoggerFactory.getLogger(ReconnectStreak.class);

  private final long sessionId;
  private final SessionOptions options;
  private int attempts;
  private int sessionsOpened;
  private long startNanos;

  ReconnectStreak(long sessionId, SessionOptions options) {
    this.sessionId = sessionId;
    this.options = options;
  }

  /**
   * A connection ended with a retryable {@code cause}: counts it into the streak and asks the
   * policy for the delay before the next attempt (empty: give up).
   *
   * @param openNanos how long the connection's session was open; negative if it never opened
   * @param now the session's clock
   */
  Optional<Duration> nextDelay(long openNanos, AtomsException cause, long now) {
    if (openNanos >= 0) {
      if (openNanos >= options.reconnectBackoffResetAfter().toNanos()) {
        attempts = 0;
        sessionsOpened = 0;
      } else {
        sessionsOpened++;
      }
    }
    if (attempts == 0) {
      startNanos = now;
    }
    int next = attempts + 1;
    try {
      return options.reconnectPolicy().nextDelay(new ReconnectContext(next,
          Duration.ofNanos(Math.max(0, now - startNanos)), cause, Math.min(sessionsOpened, next)));
    } catch (RuntimeException e) {
      log.warn("session {}: the reconnect policy threw; giving up", sessionId, e);
      return Optional.empty();
    }
  }

  /** The policy allowed another attempt: returns its number. */
  int attemptScheduled() {
    return ++attempts;
  }

  /** Attempts made in this streak so far. */
  int attempts() {
    return attempts;
  }
}
