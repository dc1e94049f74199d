package dev.atomsrealtime;

import dev.atomsrealtime.internal.Backports;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to open one session: the agent, mode, sample rate, prompt variables, where the credential
 * goes, and the time bounds. Build with {@link #builder()}.
 *
 * <pre>{@code
 * SessionOptions options = SessionOptions.builder()
 *     .agentId("agent-123")
 *     .sampleRateHz(16_000)
 *     .variable("customer_name", "Ana")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class SessionOptions {
  /** Rates the protocol supports. */
  public static final int[] SUPPORTED_SAMPLE_RATES = {8_000, 16_000, 24_000, 48_000};

  private final String agentId;
  private final Mode mode;
  private final int sampleRateHz;
  private final Map<String, Object> variables;
  private final AuthPlacement authPlacement;
  private final Duration connectTimeout;
  private final Duration sessionCreatedTimeout;
  private final Duration closeTimeout;
  private final ReconnectPolicy reconnectPolicy;
  private final Duration reconnectBackoffResetAfter;
  private final Duration keepaliveInterval;
  private final Duration idleTimeout;
  private final int maxQueuedAudioMillis;
  private final int maxPendingListenerEvents;

  private SessionOptions(Builder b) {
    this.agentId = b.agentId;
    this.mode = b.mode;
    this.sampleRateHz = b.sampleRateHz;
    this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(b.variables));
    this.authPlacement = b.authPlacement;
    this.connectTimeout = b.connectTimeout;
    this.sessionCreatedTimeout = b.sessionCreatedTimeout;
    this.closeTimeout = b.closeTimeout;
    this.reconnectPolicy = b.reconnectPolicy;
    this.reconnectBackoffResetAfter = b.reconnectBackoffResetAfter;
    this.keepaliveInterval = b.keepaliveInterval;
    this.idleTimeout = b.idleTimeout;
    this.maxQueuedAudioMillis = b.maxQueuedAudioMillis;
    this.maxPendingListenerEvents = b.maxPendingListenerEvents;
    if (idleTimeout.compareTo(keepaliveInterval) <= 0) {
      throw new IllegalArgumentException("idleTimeout (" + idleTimeout
          + ") must be longer than keepaliveInterval (" + keepaliveInterval + ")");
    }
  }

  /** {@return a new builder holding the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder holding this object's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.agentId = agentId;
    b.mode = mode;
    b.sampleRateHz = sampleRateHz;
    b.variables.putAll(variables);
    b.authPlacement = authPlacement;
    b.connectTimeout = connectTimeout;
    b.sessionCreatedTimeout = sessionCreatedTimeout;
    b.closeTimeout = closeTimeout;
    b.reconnectPolicy = reconnectPolicy;
    b.reconnectBackoffResetAfter = reconnectBackoffResetAfter;
    b.keepaliveInterval = keepaliveInterval;
    b.idleTimeout = idleTimeout;
    b.maxQueuedAudioMillis = maxQueuedAudioMillis;
    b.maxPendingListenerEvents = maxPendingListenerEvents;
    return b;
  }

  /** {@return the agent to talk to, or null (a call token already names it)} */
  public String agentId() {
    return agentId;
  }

  /** {@return voice or text conversation (default voice)} */
  public Mode mode() {
    return mode;
  }

  /** {@return the requested rate; the server's {@code session.created} has the one really used} */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** {@return prompt variables (string, number or boolean values), in insertion order} */
  public Map<String, Object> variables() {
    return variables;
  }

  /** {@return where the credential goes in the upgrade request (default the header)} */
  public AuthPlacement authPlacement() {
    return authPlacement;
  }

  /**
   * {@return bound on connecting: TCP, TLS and the WebSocket upgrade; and, before that, on getting
   * the attempt's credential from the {@link CredentialProvider} (each phase has the whole bound)}
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@return bound on waiting for {@code session.created} after the upgrade} */
  public Duration sessionCreatedTimeout() {
    return sessionCreatedTimeout;
  }

  /** {@return bound on a graceful close, from {@code session.close} to the closed connection} */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * {@return what to do when the connection is lost with a retryable cause} Off by default ({@link
   * ReconnectPolicy#never()}): every reconnect starts a new call (new session and call ids, the
   * greeting again), which an application should choose knowingly.
   */
  public ReconnectPolicy reconnectPolicy() {
    return reconnectPolicy;
  }

  /**
   * {@return how long a session must stay open before a later loss starts a new reconnect streak
   * (attempt 1, the shortest delay, the full attempt budget)} A session that ends sooner counts as
   * one more failed attempt of the current streak, so that a server that accepts every connection
   * and fails every session at once is retried with a growing delay and a bounded number of
   * attempts. Default 10 s. See {@link dev.atomsrealtime.reconnect.ReconnectContext}.
   */
  public Duration reconnectBackoffResetAfter() {
    return reconnectBackoffResetAfter;
  }

  /** {@return how often a WebSocket ping is sent to keep the connection alive and prove it} */
  public Duration keepaliveInterval() {
    return keepaliveInterval;
  }

  /** {@return how long a connection may stay silent (no frame, no pong) before it is lost} */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * {@return most user audio, in milliseconds, waiting to be written to the socket} Beyond it the
   * oldest queued audio is dropped (and counted): under sustained pressure fresh audio beats stale
   * audio. Control events are never dropped.
   */
  public int maxQueuedAudioMillis() {
    return maxQueuedAudioMillis;
  }

  /**
   * {@return most events waiting for a slow listener} Beyond it audio deltas are no longer given to
   * the listener (they still play) and are counted; other events are always delivered.
   */
  public int maxPendingListenerEvents() {
    return maxPendingListenerEvents;
  }

  @Override
  public String toString() {
    return "SessionOptions[agentId=" + agentId + ", mode=" + mode + ", sampleRateHz="
        + sampleRateHz + ", variables=" + variables.keySet() + ", authPlacement=" + authPlacement
        + "]";
  }

  /** Builder for {@link SessionOptions}. Not thread-safe. */
  public static final class Builder {
    private String agentId;
    private Mode mode = Mode.WEBCALL;
    private int sampleRateHz = 24_000;
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private AuthPlacement authPlacement = AuthPlacement.HEADER;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration sessionCreatedTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(2);
    private ReconnectPolicy reconnectPolicy = ReconnectPolicy.never();
    private Duration reconnectBackoffResetAfter = Duration.ofSeconds(10);
    private Duration keepaliveInterval = Duration.ofSeconds(15);
    private Duration idleTimeout = Duration.ofSeconds(45);
    private int maxQueuedAudioMillis = 2_000;
    private int maxPendingListenerEvents = 10_000;

    private Builder() {}

    /**
     * The agent id (required with an {@code sk_} API key; ignored with a call token).
     * @param agentId the agent to talk to
     * @return this builder
     */
    public Builder agentId(String agentId) {
      if (agentId != null && Backports.isBlank(agentId)) {
        throw new IllegalArgumentException("agentId must not be blank");
      }
      this.agentId = agentId;
      return this;
    }

    /**
     * Voice or text conversation (default voice).
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * 8000, 16000, 24000 (default) or 48000.
     * @param sampleRateHz the sample rate in Hz
     * @return this builder
     */
    public Builder sampleRateHz(int sampleRateHz) {
      for (int rate : SUPPORTED_SAMPLE_RATES) {
        if (rate == sampleRateHz) {
          this.sampleRateHz = sampleRateHz;
          return this;
        }
      }
      throw new IllegalArgumentException(
          "sampleRateHz must be 8000, 16000, 24000 or 48000, got " + sampleRateHz);
    }

    /**
     * Adds a prompt variable; the value must be a String, Number or Boolean.
     * @param name the name
     * @param value the value
     * @return this builder
     */
    public Builder variable(String name, Object value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new IllegalArgumentException("variable '" + name
            + "' must be a String, Number or Boolean, got " + value.getClass().getName());
      }
      if (value instanceof Double d && (d.isNaN() || d.isInfinite())
          || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
        throw new IllegalArgumentException("variable '" + name + "' must be a finite number");
      }
      variables.put(name, value);
      return this;
    }

    /**
     * Replaces all prompt variables.
     * @param variables the variables by name
     * @return this builder
     */
    public Builder variables(Map<String, ?> variables) {
      this.variables.clear();
      variables.forEach(this::variable);
      return this;
    }

    /**
     * Where the credential goes in the upgrade request (default the {@code Authorization} header).
     * @param authPlacement the auth placement
     * @return this builder
     */
    public Builder authPlacement(AuthPlacement authPlacement) {
      this.authPlacement = Objects.requireNonNull(authPlacement, "authPlacement");
      return this;
    }

    /**
     * See {@link SessionOptions#connectTimeout()}.
     * @param connectTimeout the connect timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * See {@link SessionOptions#sessionCreatedTimeout()}.
     * @param sessionCreatedTimeout the session created timeout
     * @return this builder
     */
    public Builder sessionCreatedTimeout(Duration sessionCreatedTimeout) {
      this.sessionCreatedTimeout = positive(sessionCreatedTimeout, "sessionCreatedTimeout");
      return this;
    }

    /**
     * See {@link SessionOptions#closeTimeout()}.
     * @param closeTimeout the close timeout
     * @return this builder
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = positive(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * See {@link SessionOptions#reconnectPolicy()}; default never.
     * @param reconnectPolicy the reconnect policy
     * @return this builder
     */
    public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
      this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
      return this;
    }

    /**
     * See {@link SessionOptions#reconnectBackoffResetAfter()}; positive, default 10 s.
     * @param reconnectBackoffResetAfter the reconnect backoff reset after
     * @return this builder
     */
    public Builder reconnectBackoffResetAfter(Duration reconnectBackoffResetAfter) {
      this.reconnectBackoffResetAfter =
          positive(reconnectBackoffResetAfter, "reconnectBackoffResetAfter");
      return this;
    }

    /**
     * See {@link SessionOptions#keepaliveInterval()}; default 15 s.
     * @param keepaliveInterval the keepalive interval
     * @return this builder
     */
    public Builder keepaliveInterval(Duration keepaliveInterval) {
      this.keepaliveInterval = positive(keepaliveInterval, "keepaliveInterval");
      return this;
    }

    /**
     * See {@link SessionOptions#idleTimeout()}; default 45 s; longer than the ping interval.
     * @param idleTimeout the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * See {@link SessionOptions#maxQueuedAudioMillis()}; 100 to 60000, default 2000.
     * @param maxQueuedAudioMillis the max queued audio in milliseconds
     * @return this builder
     */
    public Builder maxQueuedAudioMillis(int maxQueuedAudioMillis) {
      if (maxQueuedAudioMillis < 100 || maxQueuedAudioMillis > 60_000) {
        throw new IllegalArgumentException(
            "maxQueuedAudioMillis must be 100..60000, got " + maxQueuedAudioMillis);
      }
      this.maxQueuedAudioMillis = maxQueuedAudioMillis;
      return this;
    }

    /**
     * See {@link SessionOptions#maxPendingListenerEvents()}; at least 100, default 10000.
     * @param maxPendingListenerEvents the max pending listener events
     * @return this builder
     */
    public Builder maxPendingListenerEvents(int maxPendingListenerEvents) {
      if (maxPendingListenerEvents < 100) {
        throw new IllegalArgumentException(
            "maxPendingListenerEvents must be at least 100, got " + maxPendingListenerEvents);
      }
      this.maxPendingListenerEvents = maxPendingListenerEvents;
      return this;
    }

    /** {@return the options} */
    public SessionOptions build() {
      return new SessionOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
