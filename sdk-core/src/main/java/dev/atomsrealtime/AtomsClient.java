package dev.atomsrealtime;

import dev.atomsrealtime.internal.Backports;
import dev.atomsrealtime.internal.ClientResources;
import dev.atomsrealtime.internal.FixedCredential;
import dev.atomsrealtime.internal.RealAtomsSession;
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
 * CredentialSupplier}, releasing audio devices). All start when first needed and end after a
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

  private final CredentialSupplier credentials;
  private final URI baseUrl;
  private final TransportFactory transportFactory;
  private final SSLContext sslContext;
  private final ClientResources resources;

  private AtomsClient(Builder b) {
    this.credentials = b.credentials;
    this.baseUrl = b.baseUrl;
    this.transportFactory = b.transportFactory;
    this.sslContext = b.sslContext;
    this.resources = new ClientResources(b.scheduler, b.ticker);
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
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
    private CredentialSupplier credentials;
    private URI baseUrl = DEFAULT_BASE_URL;
    private TransportFactory transportFactory = new JavaWebSocketTransportFactory();
    private SSLContext sslContext;
    private ScheduledExecutorService scheduler;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * A fixed credential: an {@code sk_} API key (or a call token for a single session).
     *
     * @param apiKey the API key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (Backports.isBlank(apiKey)) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.credentials = new FixedCredential(apiKey);
      return this;
    }

    /**
     * A credential per connection attempt, for single-use call tokens.
     *
     * @param credentials supplies the credential for each connection
     * @return this builder
     */
    public Builder credentials(CredentialSupplier credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
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
      if (credentials == null) {
        throw new IllegalStateException("a credential is required: apiKey(...) or credentials(...)");
      }
      return new AtomsClient(this);
    }
  }
}
