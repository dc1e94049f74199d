package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.reconnect.ReconnectContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the reconnect streak tells the policy: the attempt number, the time since the streak began,
 * and how many sessions opened and failed before they were healthy; and when a streak ends.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReconnectStreakTest {
  private static final long SECOND = 1_000_000_000L;
  private static final ConnectionException LOST = new ConnectionException("lost", true, null);

  private final List<ReconnectContext> asked = new ArrayList<>();
  private final ReconnectStreak streak = new ReconnectStreak(1, SessionOptions.builder()
      .reconnectBackoffResetAfter(Duration.ofSeconds(10))
      .reconnectPolicy(context -> {
        asked.add(context);
        return context.attempt() > 3 ? Optional.empty() : Optional.of(Duration.ofMillis(100));
      }).build());

  private ReconnectContext last() {
    return asked.get(asked.size() - 1);
  }

  @Test
  void attemptsCountUpAndElapsedTimeRunsFromTheFirstLoss() {
    assertEquals(0, streak.attempts());
    assertEquals(Optional.of(Duration.ofMillis(100)), streak.nextDelay(-1, LOST, 100 * SECOND));
    assertEquals(new ReconnectContext(1, Duration.ZERO, LOST, 0), last());
    assertSame(LOST, last().cause());
    assertEquals(1, streak.attemptScheduled());
    assertEquals(1, streak.attempts());
    streak.nextDelay(-1, LOST, 103 * SECOND); // the attempt failed before opening
    assertEquals(new ReconnectContext(2, Duration.ofSeconds(3), LOST, 0), last());
    assertEquals(2, streak.attemptScheduled());
    streak.nextDelay(-1, LOST, 104 * SECOND);
    assertEquals(new ReconnectContext(3, Duration.ofSeconds(4), LOST, 0), last());
    streak.attemptScheduled();
    assertEquals(Optional.empty(), streak.nextDelay(-1, LOST, 105 * SECOND), "the policy gave up");
    assertEquals(3, streak.attempts());
  }

  @Test
  void aSessionThatFailsBeforeItIsHealthyCountsIntoTheStreak() {
    streak.nextDelay(-1, LOST, 0);
    streak.attemptScheduled();
    // The new session opened, but failed after 10 s minus a nanosecond: still the same streak.
    streak.nextDelay(10 * SECOND - 1, LOST, 20 * SECOND);
    assertEquals(new ReconnectContext(2, Duration.ofSeconds(20), LOST, 1), last());
    streak.attemptScheduled();
    streak.nextDelay(SECOND, LOST, 22 * SECOND);
    assertEquals(new ReconnectContext(3, Duration.ofSeconds(22), LOST, 2), last());
  }

  @Test
  void aHealthySessionStartsANewStreak() {
    streak.nextDelay(-1, LOST, 0);
    streak.attemptScheduled();
    streak.nextDelay(-1, LOST, SECOND);
    streak.attemptScheduled();
    // Open for exactly the reset time: healthy.
    streak.nextDelay(10 * SECOND, LOST, 50 * SECOND);
    assertEquals(new ReconnectContext(1, Duration.ZERO, LOST, 0), last());
    assertEquals(0, streak.attempts());
    streak.attemptScheduled();
    streak.nextDelay(-1, LOST, 53 * SECOND);
    assertEquals(new ReconnectContext(2, Duration.ofSeconds(3), LOST, 0), last(),
        "elapsed runs from the new streak's start");
  }

  @Test
  void sessionsOpenedNeverExceedsTheAttempt() {
    // A session that never opened (-1) does not count as opened; opened ones count up to the
    // attempt number at most.
    streak.nextDelay(SECOND, LOST, 0);
    assertEquals(1, last().sessionsOpened());
    assertEquals(1, last().attempt());
  }

  @Test
  void aPolicyThatThrowsGivesUp() {
    ReconnectStreak broken = new ReconnectStreak(2, SessionOptions.builder()
        .reconnectPolicy(context -> {
          throw new IllegalStateException("bug in the policy");
        }).build());
    assertTrue(broken.nextDelay(-1, LOST, 0).isEmpty());
  }
}
