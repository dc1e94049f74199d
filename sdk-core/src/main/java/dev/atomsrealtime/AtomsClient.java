package dev.atomsrealtime;

import dev.atomsrealtime.internal.Backports;
import dev.atomsrealtime.internal.ClientResources;
import dev.atomsrealtime.internal.FixedCredential;
import dev.atomsrealtime.internal.RealAtomsSession;
import dev.atomsrealtime.internal.RestClientImpl;
import dev.atomsrealtime.internal.SupplierCredentials;
import dev.atomsrealtime.internal.UrlConnectionHttp;
import dev.atomsrealtime.rest.AtomsRestClient;
import dev.atomsrealtime.rest.CallTokenCredentials;
import java.time.Duration;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.javawebsocket.JavaWebSocketTransportFactory;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;

/**
 * The entry point: holds the credential, base URL, transport and the shared threads, and opens
 * {@link AtomsSession}s. Build it once and share it; it is immutable and thread-safe, and one
 * client serves any number of concurrent sessions.
 *
 * <pre>{@code
 * try (AtomsClient client = AtomsClient.builder().apiKey(System.getenv("ATOMS_API_KEY")).build()) {
 *   AtomsSession session = client.newSession(
 *       SessionOptions.builder().agentId("agent-123").build(), listener);
 *   session.connect().join();
 *   ...
 *   session.close();
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * The client owns a pool of daemon threads named {@code atoms-events-N} that deliver listener
 * callbacks (one session's callbacks are serial), one {@code atoms-scheduler-N} thread for
 * timers, and a cached pool {@code atoms-blocking-N} for work that may block (calling the {@link
 * CredentialProvider}, REST requests, tool handlers by default, releasing audio devices). All start when first needed and end after a
 * minute idle. Each connection also uses the transport's own threads. {@link #close()} closes open
 * sessions and stops the client's threads. {@code sdk-core/CONCURRENCY.md} says which thread runs
 * what.
 *
 * <h2>Time</h2>
 *
 * Every timeout, keepalive, reconnect backoff, stale-audio gate, half-duplex tail and paced file
 * source of the client's sessions runs on one {@link Ticker} and one scheduler: by default the
 * system clock and the client's own timer thread. {@link Builder#scheduler(ScheduledExecutorService,
 * Ticker)} replaces both, for example with a virtual clock in tests, so that a test moves time
 * instead of waiting for it.
 */
public final class AtomsClient implements AutoCloseable {
  /** The production service. */
  public static final URI DEFAULT_BASE_URL = URI.create("wss://api.smallest.ai");

  /** Path of the agent WebSocket under the base URL. */
  public static final String CONNECT_PATH = "/atoms/v1/agent/connect";

  private final CredentialProvider credentials;
  private final URI baseUrl;
  private final TransportFactory transportFactory;
  private final SSLContext sslContext;
  private final ClientResources resources;
  private final AtomsRestClient rest;

  private AtomsClient(Builder b) {
    this.baseUrl = b.baseUrl;
    this.transportFactory = b.transportFactory;
    this.sslContext = b.sslContext;
    this.resources = new ClientResources(b.scheduler, b.ticker);
    URI restBase = b.restBaseUrl != null ? b.restBaseUrl : restBaseOf(b.baseUrl);
    this.rest = b.apiKey == null ? null : new RestClientImpl(b.apiKey, restBase,
        new UrlConnectionHttp(b.sslContext), resources, b.restTimeout);
    if (b.credentials != null) {
      this.credentials = b.credentials;
    } else if (b.callTokenPerAttempt) {
      this.credentials = new CallTokenCredentials(rest);
    } else {
      this.credentials = new FixedCredential(b.apiKey);
    }
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The REST calls around a call (minting call tokens, reading call logs), with this client's API
   * key, base URL ({@code wss} taken as {@code https}, or {@link Builder#restBaseUrl}), TLS
   * context, threads and clock.
   *
   * @return the REST client
   * @throws IllegalStateException if the client was built without {@link Builder#apiKey}
   */
  public AtomsRestClient rest() {
    if (rest == null) {
      throw new IllegalStateException(
          "REST calls need an API key: build the client with AtomsClient.Builder.apiKey(...)");
    }
    return rest;
  }

  private static URI restBaseOf(URI webSocketBase) {
    String s = webSocketBase.toString();
    return URI.create(s.startsWith("wss") ? "https" + s.substring(3) : "http" + s.substring(2));
  }

  /** {@return the base URL sessions connect to} */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * Creates a session; it does not connect until {@link AtomsSession#connect()}.
   *
   * @param options the settings
   * @param listener receives the events
   * @return the new session, not yet connected
   * @throws IllegalStateException if this client is closed
   */
  public AtomsSession newSession(SessionOptions options, SessionListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    return resources.register(
        new RealAtomsSession(
            options, listener, credentials, baseUrl, transportFactory, sslContext, resources));
  }

  /**
   * Creates a session and connects it. The future completes with the open session, or fails like
   * {@link AtomsSession#connect()}.
   *
   * @param options the settings
   * @param listener receives the events
   * @return a future completed with the open session
   */
  public CompletableFuture<AtomsSession> connect(SessionOptions options, SessionListener listener) {
    AtomsSession session = newSession(options, listener);
    return session.connect().thenApply(info -> session);
  }

  /** Closes every open session (gracefully, bounded) and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    resources.close();
  }

  /** Never shows the credential. */
  @Override
  public String toString() {
    return "AtomsClient[baseUrl=" + baseUrl + ", transport=" + transportFactory + ", sessions="
        + resources.liveSessions() + "]";
  }

  /** Builder for {@link AtomsClient}. Not thread-safe. */
  public static final class Builder {
    private String apiKey;
    private CredentialProvider credentials;
    private boolean callTokenPerAttempt;
    private URI restBaseUrl;
    private Duration restTimeout = Duration.ofSeconds(15);
    private URI baseUrl = DEFAULT_BASE_URL;
    private TransportFactory transportFactory = new JavaWebSocketTransportFactory();
    private SSLContext sslContext;
    private ScheduledExecutorService scheduler;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * The {@code sk_} API key: the credential of the REST calls ({@link AtomsClient#rest()}), and
     * of every session unless {@link #credentialProvider}, {@link #credentials} or {@link
     * #callTokenPerAttempt()} is set. (A call token here serves a single session, no REST.)
     *
     * @param apiKey the key
     * @return this builder
     * @throws IllegalArgumentException if the key is blank
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.trim().isEmpty()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * A credential per connection attempt, without context (for example single-use call tokens
     * minted elsewhere); see {@link #credentialProvider} for the form that knows the agent, the
     * attempt and why. Replaces an earlier provider.
     *
     * @param credentials the supplier, called on the client's blocking pool
     * @return this builder
     */
    public Builder credentials(CredentialSupplier credentials) {
      this.credentials = new SupplierCredentials(Objects.requireNonNull(credentials, "credentials"));
      return this;
    }

    /**
     * A credential per connection attempt, told the agent, the attempt number and why it is asked,
     * and free to answer asynchronously. Sessions use it instead of the API key. Replaces an
     * earlier supplier.
     *
     * @param provider the provider, called on the client's blocking pool
     * @return this builder
     */
    public Builder credentialProvider(CredentialProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Every connection attempt of every session connects with a fresh call token minted with the
     * {@link #apiKey API key} through {@code register-call} (for the session's agent, mode and
     * variables), so the key itself never goes over the WebSocket. Needs {@link #apiKey}; a
     * {@link #credentialProvider} given as well takes precedence.
     *
     * @return this builder
     */
    public Builder callTokenPerAttempt() {
      this.callTokenPerAttempt = true;
      return this;
    }

    /**
     * Where REST calls go: {@code https://host[:port]} (or {@code http://} for a local test
     * server), without a path. Default: the {@link #baseUrl} with {@code wss} read as {@code
     * https} ({@code ws} as {@code http}).
     *
     * @param restBaseUrl the REST base URL
     * @return this builder
     * @throws IllegalArgumentException if the scheme is not http or https
     */
    public Builder restBaseUrl(URI restBaseUrl) {
      Objects.requireNonNull(restBaseUrl, "restBaseUrl");
      String scheme = restBaseUrl.getScheme() == null ? ""
          : restBaseUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || restBaseUrl.getHost() == null) {
        throw new IllegalArgumentException("restBaseUrl must be https://host or http://host");
      }
      this.restBaseUrl = restBaseUrl;
      return this;
    }

    /**
     * How long one REST request may take to connect, and then to answer (default 15 s); on the
     * wall clock, as it bounds a socket.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder restTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("restTimeout must be positive");
      }
      this.restTimeout = timeout;
      return this;
    }

    /**
     * The server: {@code wss://host[:port]} or {@code ws://} (for local test servers), without
     * the path. Defaults to {@link #DEFAULT_BASE_URL}.
     *
     * @param baseUrl the base URL of the service
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme();
      if (scheme == null) {
        throw new IllegalArgumentException("baseUrl needs a scheme (wss:// or ws://)");
      }
      String s = scheme.toLowerCase(java.util.Locale.ROOT);
      if (s.equals("https")) {
        baseUrl = URI.create("wss" + baseUrl.toString().substring(5));
      } else if (s.equals("http")) {
        baseUrl = URI.create("ws" + baseUrl.toString().substring(4));
      } else if (!s.equals("wss") && !s.equals("ws")) {
        throw new IllegalArgumentException("baseUrl scheme must be wss or ws, got " + scheme);
      }
      if (baseUrl.getHost() == null) {
        throw new IllegalArgumentException("baseUrl needs a host");
      }
      if (baseUrl.getRawQuery() != null || baseUrl.getRawUserInfo() != null) {
        throw new IllegalArgumentException("baseUrl must not carry a query or user info");
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Convenience for {@link #baseUrl(URI)}.
     *
     * @param baseUrl the base URL of the service
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      return baseUrl(URI.create(baseUrl));
    }

    /**
     * The transport; defaults to Java-WebSocket.
     *
     * @param transportFactory creates the connection of each session
     * @return this builder
     */
    public Builder transportFactory(TransportFactory transportFactory) {
      this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
      return this;
    }

    /**
     * The TLS context for {@code wss://} (custom trust material, client certificates). Hostname
     * verification stays on whatever the context.
     *
     * @param sslContext the TLS context to use
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * The clock and the scheduler every session of the client times itself with: connect, {@code
     * session.created} and close timeouts, keepalive and idle detection, reconnect backoff, the
     * stale-delta timeout, the half-duplex tail, silence after a source ends and the pacing of
     * file sources. The two must agree: a task scheduled with a delay {@code d} runs when {@code
     * ticker} has advanced by {@code d}.
     *
     * <p>Defaults: the system clock and a single timer thread of the client's own. The client
     * never shuts down a scheduler given here. Tasks the SDK schedules are short and never block.
     *
     * <p>For tests: a virtual scheduler (such as the testkit's {@code ManualScheduler}, which is
     * both) makes timeouts and backoff run when the test moves time, with no wall-clock waits.
     *
     * @param scheduler the scheduler to run timers on
     * @param ticker the clock to read
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler, Ticker ticker) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Builds the client; its threads start when first needed.
     *
     * @return the client
     * @throws IllegalStateException if no credential was given
     */
    public AtomsClient build() {
      if (credentials == null && apiKey == null) {
        throw new IllegalStateException(
            "a credential is required: apiKey(...), credentialProvider(...) or credentials(...)");
      }
      return new AtomsClient(this);
    }
  }
}
