package dev.atomsrealtime.reconnect;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.ConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(value = 10, unit = SECONDS)
class ExponentialBackoffTest {
  private static final AtomsException LOST =
      new ConnectionException("the connection was lost (close code 1006)", true, null);

  private static ReconnectContext attempt(int n) {
    return new ReconnectContext(n, Duration.ZERO, LOST);
  }

  private static ReconnectContext attempt(int n, Duration elapsed) {
    return new ReconnectContext(n, elapsed, LOST);
  }

  private static Duration delay(ReconnectPolicy policy, int attempt) {
    Optional<Duration> d = policy.nextDelay(attempt(attempt));
    assertTrue(d.isPresent(), "attempt " + attempt + " gave up");
    return d.get();
  }

  private static void assertNanosClose(double expectedNanos, Duration actual) {
    assertEquals(expectedNanos, actual.toNanos(), 1.0, "delay " + actual);
  }

  @Test
  void defaultWithoutJitterDoublesFrom500MillisAndCapsAt30Seconds() {
    ReconnectPolicy policy = ExponentialBackoff.builder().jitterFraction(0).build();
    List<Long> millis = new ArrayList<>();
    for (int n = 1; n <= 10; n++) {
      millis.add(delay(policy, n).toMillis());
    }
    assertEquals(
        List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L, 30000L), millis);
    assertEquals(Optional.empty(), policy.nextDelay(attempt(11)));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ExponentialBackoff policy = (ExponentialBackoff) ReconnectPolicy.exponentialBackoff();
    assertEquals(Duration.ofMillis(500), policy.initialDelay());
    assertEquals(2.0, policy.multiplier());
    assertEquals(Duration.ofSeconds(30), policy.maxDelay());
    assertEquals(0.2, policy.jitterFraction());
    assertEquals(10, policy.maxAttempts());
    assertEquals(Optional.empty(), policy.maxElapsed());
    assertSame(policy, ReconnectPolicy.exponentialBackoff());
    assertEquals(Duration.ofSeconds(30), policy.nominalDelay(7));
    assertEquals(Duration.ofSeconds(30), policy.nominalDelay(Integer.MAX_VALUE));
  }

  @Test
  void defaultDelaysStayWithinTwentyPercentOfNominal() {
    ExponentialBackoff policy = (ExponentialBackoff) ReconnectPolicy.exponentialBackoff();
    for (int round = 0; round < 200; round++) {
      for (int n = 1; n <= 10; n++) {
        long nominal = policy.nominalDelay(n).toNanos();
        long actual = delay(policy, n).toNanos();
        assertTrue(actual >= nominal * 0.8 && actual <= nominal * 1.2, n + ": " + actual);
      }
    }
    assertEquals(Optional.empty(), policy.nextDelay(attempt(11)));
  }

  @Test
  void jitterIsAppliedAfterTheCapSoCappedDelaysSpreadAroundIt() {
    // u = 0 -> factor 0.8; u = 0.5 -> 1.0; u = 0.75 -> 1.1; u -> 1 -> almost 1.2.
    ScriptedRandom random = new ScriptedRandom(0.0, 0.5, 0.75, 0.999_999);
    ReconnectPolicy policy = ExponentialBackoff.builder().random(random).build();
    assertNanosClose(24e9, delay(policy, 7));
    assertNanosClose(30e9, delay(policy, 8));
    assertNanosClose(33e9, delay(policy, 9));
    Duration top = delay(policy, 10);
    assertTrue(top.compareTo(Duration.ofSeconds(30)) > 0, "above the cap: " + top);
    assertTrue(top.compareTo(Duration.ofSeconds(36)) < 0, "below cap + 20%: " + top);
    assertEquals(0, random.remaining());
  }

  @Test
  void jitterAlsoSpreadsDelaysBelowTheCap() {
    ScriptedRandom random = new ScriptedRandom(0.0, 0.75, 0.25, 0.5);
    ReconnectPolicy policy = ExponentialBackoff.builder().random(random).build();
    assertNanosClose(400e6, delay(policy, 1)); // 500 ms * 0.8
    assertNanosClose(1100e6, delay(policy, 2)); // 1 s * 1.1
    assertNanosClose(1800e6, delay(policy, 3)); // 2 s * 0.9
    assertNanosClose(4000e6, delay(policy, 4)); // 4 s * 1.0
  }

  @Test
  void withoutJitterNoRandomnessIsDrawn() {
    ScriptedRandom random = new ScriptedRandom();
    ReconnectPolicy policy = ExponentialBackoff.builder().jitterFraction(0).random(random).build();
    // The nominal delays exactly (ScriptedRandom fails the test if a value is drawn).
    long[] expectedMillis = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000};
    for (int n = 1; n <= 10; n++) {
      assertEquals(Duration.ofMillis(expectedMillis[n - 1]), delay(policy, n), "attempt " + n);
    }
    assertEquals(0, random.remaining());
  }

  @Test
  void givesUpAfterMaxAttempts() {
    ReconnectPolicy policy =
        ReconnectPolicy.exponentialBackoff(Duration.ofSeconds(1), 1.5, Duration.ofSeconds(5), 0, 3);
    assertEquals(Duration.ofSeconds(1), delay(policy, 1));
    assertEquals(Duration.ofMillis(1500), delay(policy, 2));
    assertEquals(Duration.ofMillis(2250), delay(policy, 3));
    assertEquals(Optional.empty(), policy.nextDelay(attempt(4)));
    assertEquals(Optional.empty(), policy.nextDelay(attempt(Integer.MAX_VALUE)));
  }

  @Test
  void unlimitedAttemptsStayAtTheCapWithoutOverflow() {
    ReconnectPolicy policy =
        ExponentialBackoff.builder().jitterFraction(0).maxAttempts(Integer.MAX_VALUE).build();
    assertEquals(Duration.ofSeconds(30), delay(policy, 1_000));
    assertEquals(Duration.ofSeconds(30), delay(policy, Integer.MAX_VALUE));
  }

  @Test
  void maxElapsedGivesUpRatherThanStartAnAttemptPastTheBound() {
    ReconnectPolicy policy =
        ExponentialBackoff.builder()
            .jitterFraction(0)
            .maxAttempts(100)
            .maxElapsed(Duration.ofSeconds(60))
            .build();
    // Attempt 7 waits 30 s: allowed up to exactly 60 s after the loss, not beyond.
    assertEquals(
        Optional.of(Duration.ofSeconds(30)), policy.nextDelay(attempt(7, Duration.ofSeconds(30))));
    assertEquals(Optional.empty(), policy.nextDelay(attempt(7, Duration.ofMillis(30_001))));
    assertEquals(Optional.empty(), policy.nextDelay(attempt(1, Duration.ofSeconds(60))));
    assertEquals(
        Optional.of(Duration.ofMillis(500)),
        policy.nextDelay(attempt(1, Duration.ofMillis(59_500))));
  }

  @Test
  void maxElapsedIsCheckedAgainstTheJitteredDelay() {
    ReconnectPolicy policy =
        ExponentialBackoff.builder()
            .random(new ScriptedRandom(0.999, 0.0))
            .maxElapsed(Duration.ofSeconds(40))
            .build();
    // Nominal 30 s at the cap; jittered to almost 36 s with u = 0.999 -> over the bound.
    assertEquals(Optional.empty(), policy.nextDelay(attempt(8, Duration.ofSeconds(5))));
    // Jittered down to 24 s with u = 0 -> 29 s, within the bound.
    assertTrue(policy.nextDelay(attempt(8, Duration.ofSeconds(5))).isPresent());
  }

  @Test
  void neverAlwaysGivesUp() {
    ReconnectPolicy never = ReconnectPolicy.never();
    assertEquals(Optional.empty(), never.nextDelay(attempt(1)));
    assertEquals(Optional.empty(), never.nextDelay(attempt(1000, Duration.ofHours(1))));
    assertSame(never, ReconnectPolicy.never());
    assertEquals("ReconnectPolicy.never()", never.toString());
  }

  /**
   * 1000 clients lose their connections at the same moment (a gateway restart). With jitter after
   * the cap their later attempts spread out instead of arriving together.
   */
  @Test
  void reconnectStormSpreadsClientsOut() {
    int clients = 1000;
    SplittableRandom seeds = new SplittableRandom(20240611L);
    long[][] delaysMillis = new long[clients][];
    long[] tenthAttemptAtMillis = new long[clients];
    for (int c = 0; c < clients; c++) {
      ReconnectPolicy policy =
          ExponentialBackoff.builder().random(seeds.split()::nextDouble).build();
      long at = 0;
      delaysMillis[c] = new long[11];
      for (int n = 1; n <= 10; n++) {
        long d = delay(policy, n).toMillis();
        delaysMillis[c][n] = d;
        at += d;
      }
      tenthAttemptAtMillis[c] = at;
    }
    for (int n = 6; n <= 10; n++) {
      long nominal = n == 6 ? 16_000 : 30_000;
      long[] column = new long[clients];
      int aboveNominal = 0;
      for (int c = 0; c < clients; c++) {
        column[c] = delaysMillis[c][n];
        if (column[c] > nominal) {
          aboveNominal++;
        }
      }
      // Uniform over +-20%: standard deviation 0.4 * nominal / sqrt(12) = 0.115 * nominal.
      double sd = standardDeviation(column);
      assertTrue(sd > 0.09 * nominal, "attempt " + n + " sd " + sd);
      assertTrue(max(column) - min(column) > 0.35 * nominal, "attempt " + n + " range");
      assertTrue(aboveNominal > 400 && aboveNominal < 600, "attempt " + n + ": " + aboveNominal);
      // 1000 clients over a 6.4 s (attempt 6) or 12 s window of 100 ms buckets: about 16 or 8 per
      // bucket on average. Capping after the jitter would put about half of them in one bucket.
      int crowd = largestBucket(column, 100);
      int limit = n == 6 ? 40 : 30; // at most 4 % / 3 % of the clients
      assertTrue(crowd <= limit, "attempt " + n + ": " + crowd + " clients in one 100 ms bucket");
    }
    assertTrue(standardDeviation(tenthAttemptAtMillis) > 5_000);
    assertTrue(largestBucket(tenthAttemptAtMillis, 100) <= 20);
  }

  @Test
  void sameSeedGivesTheSameDelays() {
    ReconnectPolicy a =
        ExponentialBackoff.builder().random(new SplittableRandom(7)::nextDouble).build();
    ReconnectPolicy b =
        ExponentialBackoff.builder().random(new SplittableRandom(7)::nextDouble).build();
    ReconnectPolicy c =
        ExponentialBackoff.builder().random(new SplittableRandom(8)::nextDouble).build();
    List<Duration> da = new ArrayList<>();
    List<Duration> db = new ArrayList<>();
    List<Duration> dc = new ArrayList<>();
    for (int n = 1; n <= 10; n++) {
      da.add(delay(a, n));
      db.add(delay(b, n));
      dc.add(delay(c, n));
    }
    assertEquals(da, db);
    assertNotEquals(da, dc);
  }

  @Test
  void toBuilderKeepsSettingsAndRandom() {
    ScriptedRandom random = new ScriptedRandom(0.0);
    ExponentialBackoff base =
        ExponentialBackoff.builder().random(random).maxElapsed(Duration.ofMinutes(2)).build();
    ExponentialBackoff derived = base.toBuilder().maxAttempts(3).build();
    assertEquals(3, derived.maxAttempts());
    assertEquals(Optional.of(Duration.ofMinutes(2)), derived.maxElapsed());
    assertNanosClose(400e6, delay(derived, 1));
    assertTrue(derived.toString().contains("maxAttempts=3"), derived.toString());
  }

  @Test
  void rejectsInvalidArgumentsWithClearMessages() {
    assertRejected(
        "initialDelay must be positive, was PT0S",
        () -> ExponentialBackoff.builder().initialDelay(Duration.ZERO));
    assertRejected(
        "initialDelay must be positive, was PT-1S",
        () -> ExponentialBackoff.builder().initialDelay(Duration.ofSeconds(-1)));
    assertRejected(
        "initialDelay must be at most 365 days",
        () -> ExponentialBackoff.builder().initialDelay(Duration.ofDays(400)));
    assertRejected(
        "multiplier must be finite and at least 1, was 0.5",
        () -> ExponentialBackoff.builder().multiplier(0.5));
    assertRejected(
        "multiplier must be finite and at least 1, was NaN",
        () -> ExponentialBackoff.builder().multiplier(Double.NaN));
    assertRejected(
        "multiplier must be finite and at least 1, was Infinity",
        () -> ExponentialBackoff.builder().multiplier(Double.POSITIVE_INFINITY));
    assertRejected(
        "maxDelay must be positive, was PT0S",
        () -> ExponentialBackoff.builder().maxDelay(Duration.ZERO));
    assertRejected(
        "maxDelay (PT0.1S) must not be less than initialDelay (PT0.5S)",
        () -> ExponentialBackoff.builder().maxDelay(Duration.ofMillis(100)).build());
    assertRejected(
        "jitterFraction must be at least 0 and less than 1, was 1.0",
        () -> ExponentialBackoff.builder().jitterFraction(1.0));
    assertRejected(
        "jitterFraction must be at least 0 and less than 1, was -0.1",
        () -> ExponentialBackoff.builder().jitterFraction(-0.1));
    assertRejected(
        "jitterFraction must be at least 0 and less than 1, was NaN",
        () -> ExponentialBackoff.builder().jitterFraction(Double.NaN));
    assertRejected(
        "maxAttempts must be at least 1 (use ReconnectPolicy.never() for none), was 0",
        () -> ExponentialBackoff.builder().maxAttempts(0));
    assertRejected(
        "maxElapsed must be positive, was PT0S",
        () -> ExponentialBackoff.builder().maxElapsed(Duration.ZERO));
    assertRejected(
        "multiplier must be finite and at least 1, was 0.9",
        () ->
            ReconnectPolicy.exponentialBackoff(
                Duration.ofMillis(500), 0.9, Duration.ofSeconds(30), 0.2, 10));
    assertThrows(NullPointerException.class, () -> ExponentialBackoff.builder().random(null));
    assertThrows(NullPointerException.class, () -> ExponentialBackoff.builder().initialDelay(null));
    assertThrows(
        NullPointerException.class,
        () -> ReconnectPolicy.exponentialBackoff(null, 2, Duration.ofSeconds(1), 0, 1));
    assertRejected(
        "attempt must be 1 or more (1-based), was 0",
        () -> ExponentialBackoff.builder().build().nominalDelay(0));
  }

  @Test
  void contextRejectsImpossibleValues() {
    assertRejected(
        "attempt must be 1 or more (1-based), was 0",
        () -> new ReconnectContext(0, Duration.ZERO, LOST));
    assertRejected(
        "elapsed must not be negative, was PT-0.001S",
        () -> new ReconnectContext(1, Duration.ofMillis(-1), LOST));
    assertThrows(NullPointerException.class, () -> new ReconnectContext(1, null, LOST));
    assertThrows(NullPointerException.class, () -> new ReconnectContext(1, Duration.ZERO, null));
  }

  @Test
  void policyIgnoresTheCause() {
    ReconnectPolicy policy = ExponentialBackoff.builder().jitterFraction(0).build();
    AtomsException other = new AtomsException("anything", false);
    assertEquals(
        policy.nextDelay(attempt(3)),
        policy.nextDelay(new ReconnectContext(3, Duration.ZERO, other)));
    assertFalse(policy.nextDelay(new ReconnectContext(11, Duration.ZERO, other)).isPresent());
  }

  private static void assertRejected(String message, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  private static double standardDeviation(long[] values) {
    double mean = 0;
    for (long v : values) {
      mean += v;
    }
    mean /= values.length;
    double squares = 0;
    for (long v : values) {
      squares += (v - mean) * (v - mean);
    }
    return Math.sqrt(squares / values.length);
  }

  private static long max(long[] values) {
    long m = Long.MIN_VALUE;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static long min(long[] values) {
    long m = Long.MAX_VALUE;
    for (long v : values) {
      m = Math.min(m, v);
    }
    return m;
  }

  private static int largestBucket(long[] millis, long bucketMillis) {
    Map<Long, Integer> buckets = new HashMap<>();
    int largest = 0;
    for (long v : millis) {
      largest = Math.max(largest, buckets.merge(v / bucketMillis, 1, Integer::sum));
    }
    return largest;
  }
}
