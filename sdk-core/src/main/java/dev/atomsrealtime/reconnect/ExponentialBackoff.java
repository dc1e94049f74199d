package dev.atomsrealtime.reconnect;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter applied after the cap: the default {@link
 * ReconnectPolicy}.
 *
 * <p>For attempt {@code n} (1-based) the nominal delay is {@code min(initialDelay * multiplier^(n -
 * 1), maxDelay)}. The delay returned is the nominal delay times a uniform random factor in {@code
 * [1 - jitterFraction, 1 + jitterFraction)}. The policy gives up (returns empty) when {@code n >
 * maxAttempts}, or, if {@link Builder#maxElapsed(Duration) maxElapsed} is set, when the attempt
 * would start later than {@code maxElapsed} after the connection was lost ({@code elapsed + delay >
 * maxElapsed}).
 *
 * <p><b>Why jitter after the cap.</b> When a server restarts, every client loses its connection at
 * the same moment. Jitter keeps their attempts apart. If the jittered delay were capped afterwards
 * (as resilience4j's {@code ofExponentialRandomBackoff} does), every client whose delay reached the
 * cap would wait exactly {@code maxDelay} and they would all return in step, attempt after attempt.
 * Applying the jitter to the capped delay (as grpc-java's {@code ExponentialBackoffPolicy} does)
 * keeps them spread: with the defaults, capped delays fall anywhere in 24-36 s. A delay may
 * therefore exceed {@code maxDelay} by up to {@code jitterFraction}.
 *
 * <table>
 *   <caption>Defaults (PROTOCOL.md §3)</caption>
 *   <tr><th>setting</th><th>default</th><th>why</th></tr>
 *   <tr><td>{@code initialDelay}</td><td>500 ms</td><td>documented by the service; a quick first
 *       retry covers a dropped connection or a single draining gateway</td></tr>
 *   <tr><td>{@code multiplier}</td><td>2</td><td>documented by the service</td></tr>
 *   <tr><td>{@code maxDelay}</td><td>30 s</td><td>documented by the service; longer waits leave
 *       a user in silence for too long</td></tr>
 *   <tr><td>{@code jitterFraction}</td><td>0.2 (±20 %)</td><td>the service asks for jitter; 20 %
 *       is grpc's choice and spreads capped delays over 12 s</td></tr>
 *   <tr><td>{@code maxAttempts}</td><td>10</td><td>about 2.5 minutes of nominal waiting; every
 *       attempt is a new, billed session, so the SDK does not retry forever</td></tr>
 *   <tr><td>{@code maxElapsed}</td><td>none</td><td>the attempt cap already bounds the
 *       time</td></tr>
 *   <tr><td>random generator</td><td>{@link ThreadLocalRandom}</td><td>no shared state or
 *       contention between sessions</td></tr>
 * </table>
 *
 * <p>The policy ignores {@link ReconnectContext#cause()}: retryability is decided by {@link
 * RetryClassifier} before the policy is asked.
 *
 * <p>Instances are immutable. They are thread-safe if the injected jitter source is (the default
 * one is; {@code new Random(seed)::nextDouble} is; {@code new SplittableRandom(seed)::nextDouble}
 * is not).
 */
public final class ExponentialBackoff implements ReconnectPolicy {

  static final ExponentialBackoff DEFAULT = builder().build();

  private final Duration initialDelay;
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitterFraction;
  private final int maxAttempts;
  private final Duration maxElapsed; // null: unbounded
  private final DoubleSupplier random;
  private final boolean defaultRandom;

  private ExponentialBackoff(Builder b) {
    this.initialDelay = b.initialDelay;
    this.multiplier = b.multiplier;
    this.maxDelay = b.maxDelay;
    this.jitterFraction = b.jitterFraction;
    this.maxAttempts = b.maxAttempts;
    this.maxElapsed = b.maxElapsed;
    this.random = b.random != null ? b.random : CurrentThreadRandom.INSTANCE;
    this.defaultRandom = b.random == null;
  }

  /**
   * A builder holding the defaults listed in the class documentation.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this policy's settings, to derive a variant.
   *
   * @return a new builder holding this policy's settings
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.initialDelay = initialDelay;
    b.multiplier = multiplier;
    b.maxDelay = maxDelay;
    b.jitterFraction = jitterFraction;
    b.maxAttempts = maxAttempts;
    b.maxElapsed = maxElapsed;
    b.random = defaultRandom ? null : random;
    return b;
  }

  @Override
  public Optional<Duration> nextDelay(ReconnectContext context) {
    int attempt = context.attempt();
    if (attempt > maxAttempts) {
      return Optional.empty();
    }
    Duration delay = Duration.ofNanos(jitteredNanos(nominalNanos(attempt)));
    if (maxElapsed != null && context.elapsed().plus(delay).compareTo(maxElapsed) > 0) {
      return Optional.empty();
    }
    return Optional.of(delay);
  }

  /**
   * The delay before {@code attempt} before jitter: {@code min(initialDelay * multiplier^(attempt -
   * 1), maxDelay)}. Does not look at {@code maxAttempts}.
   *
   * @param attempt the attempt number, from 1
   * @return the delay before {@code attempt} before jitter: {@code min(initialDelay *
   *     multiplier^(attempt - 1), maxDelay)}
   * @throws IllegalArgumentException if {@code attempt} is less than 1
   */
  public Duration nominalDelay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more (1-based), was " + attempt);
    }
    return Duration.ofNanos(nominalNanos(attempt));
  }

  private long nominalNanos(int attempt) {
    // Doubles: an exponent that overflows becomes infinity, which the cap absorbs.
    double nanos = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
    return (long) Math.min(nanos, (double) maxDelay.toNanos());
  }

  private long jitteredNanos(long nominalNanos) {
    if (jitterFraction == 0) {
      return nominalNanos;
    }
    double u = random.getAsDouble(); // [0, 1)
    double factor = 1 + jitterFraction * (2 * u - 1); // [1 - jitter, 1 + jitter)
    return Math.max(0, Math.round(nominalNanos * factor));
  }

  /** {@return the nominal delay before the first attempt} */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** {@return the growth factor per attempt} */
  public double multiplier() {
    return multiplier;
  }

  /** {@return the cap on the nominal delay; jitter may take a delay above it} */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** {@return the jitter as a fraction of the capped delay, in {@code [0, 1)}} */
  public double jitterFraction() {
    return jitterFraction;
  }

  /** {@return the number of attempts after which the policy gives up} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** {@return the bound on the time since the connection was lost, if one was set} */
  public Optional<Duration> maxElapsed() {
    return Optional.ofNullable(maxElapsed);
  }

  @Override
  public String toString() {
    return "ExponentialBackoff{initialDelay="
        + initialDelay
        + ", multiplier="
        + multiplier
        + ", maxDelay="
        + maxDelay
        + ", jitterFraction="
        + jitterFraction
        + ", maxAttempts="
        + maxAttempts
        + (maxElapsed == null ? "" : ", maxElapsed=" + maxElapsed)
        + "}";
  }

  /**
   * Builds an {@link ExponentialBackoff}. Starts from the defaults; each setter validates its
   * argument at once and throws {@link IllegalArgumentException} naming the setting and the
   * rejected value. Not thread-safe.
   */
  public static final class Builder {
    /** Keeps {@code (1 + jitter) * delay} well inside a long of nanoseconds. */
    private static final Duration MAX_DURATION = Duration.ofDays(365);

    private Duration initialDelay = Duration.ofMillis(500);
    private double multiplier = 2.0;
    private Duration maxDelay = Duration.ofSeconds(30);
    private double jitterFraction = 0.2;
    private int maxAttempts = 10;
    private Duration maxElapsed;
    private DoubleSupplier random;

    private Builder() {}

    /**
     * The nominal delay before attempt 1. Positive. Default 500 ms.
     *
     * @param initialDelay the initial delay
     * @return this builder
     */
    public Builder initialDelay(Duration initialDelay) {
      Objects.requireNonNull(initialDelay, "initialDelay");
      if (initialDelay.isNegative() || initialDelay.isZero()) {
        throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
      }
      checkNanos("initialDelay", initialDelay);
      this.initialDelay = initialDelay;
      return this;
    }

    /**
     * The growth factor per attempt. At least 1 (1 means a constant delay). Default 2.
     *
     * @param multiplier the growth factor
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException(
            "multiplier must be finite and at least 1, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * The cap on the nominal delay, applied before jitter. At least {@code initialDelay} (checked
     * by {@link #build()}). Default 30 s.
     *
     * @param maxDelay the max delay
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (maxDelay.isNegative() || maxDelay.isZero()) {
        throw new IllegalArgumentException("maxDelay must be positive, was " + maxDelay);
      }
      checkNanos("maxDelay", maxDelay);
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * The jitter as a fraction of the capped delay: each delay is multiplied by a uniform random
     * factor in {@code [1 - jitterFraction, 1 + jitterFraction)}. In {@code [0, 1)}; 0 turns jitter
     * off. Default 0.2.
     *
     * @param jitterFraction the jitter fraction
     * @return this builder
     */
    public Builder jitterFraction(double jitterFraction) {
      if (!(jitterFraction >= 0.0 && jitterFraction < 1.0)) {
        throw new IllegalArgumentException(
            "jitterFraction must be at least 0 and less than 1, was " + jitterFraction);
      }
      this.jitterFraction = jitterFraction;
      return this;
    }

    /**
     * The number of reconnect attempts before giving up. At least 1 ({@link
     * ReconnectPolicy#never()} is the policy with none); {@link Integer#MAX_VALUE} means no limit.
     * Default 10.
     *
     * @param maxAttempts the max attempts
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "maxAttempts must be at least 1 (use ReconnectPolicy.never() for none), was "
                + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * A bound on the time since the connection was lost: the policy gives up rather than return a
     * delay that would start an attempt later than this. Positive. Default: no bound.
     *
     * @param maxElapsed the max elapsed
     * @return this builder
     */
    public Builder maxElapsed(Duration maxElapsed) {
      Objects.requireNonNull(maxElapsed, "maxElapsed");
      if (maxElapsed.isNegative() || maxElapsed.isZero()) {
        throw new IllegalArgumentException("maxElapsed must be positive, was " + maxElapsed);
      }
      this.maxElapsed = maxElapsed;
      return this;
    }

    /**
     * The source of jitter: a uniform value in {@code [0, 1)}, asked for once per delay when jitter
     * is on, such as {@code new Random(seed)::nextDouble}. Inject a seeded generator for
     * reproducible delays in tests. The policy is only as thread-safe as this source. Default:
     * {@link ThreadLocalRandom} of the calling thread.
     *
     * @param random returns uniform values in {@code [0, 1)}
     * @return this builder
     */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if {@code maxDelay} is less than {@code initialDelay}
     */
    public ExponentialBackoff build() {
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay ("
                + maxDelay
                + ") must not be less than initialDelay ("
                + initialDelay
                + ")");
      }
      return new ExponentialBackoff(this);
    }

    private static void checkNanos(String name, Duration value) {
      if (value.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            name + " must be at most " + MAX_DURATION.toDays() + " days, was " + value);
      }
    }
  }

  /** Delegates to the calling thread's {@link ThreadLocalRandom}; holds no state itself. */
  private static final class CurrentThreadRandom implements DoubleSupplier {
    static final CurrentThreadRandom INSTANCE = new CurrentThreadRandom();

    @Override
    public double getAsDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }
}
