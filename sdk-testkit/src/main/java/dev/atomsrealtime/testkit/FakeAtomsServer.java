package dev.atomsrealtime.testkit;

import dev.atomsrealtime.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Atoms realtime server on the loopback interface, for testing clients offline: it accepts
 * WebSocket upgrades on {@code 127.0.0.1} at an ephemeral port, validates them like the Atoms
 * gateway, opens a session, records every frame the client sends, answers like the real server, and
 * lets the test script the rest (agent events, audio, errors, closes, dropped connections, refused
 * handshakes). It has no test-framework dependency.
 *
 * <pre>{@code
 * try (FakeAtomsServer server =
 *     FakeAtomsServer.builder().credential("sk_test_123").agentId("agent-1").build().start()) {
 *   // Point the client at server.uri() (ws://127.0.0.1:<port>) instead of wss://api.smallest.ai;
 *   // it connects to <uri>/atoms/v1/agent/connect?agent_id=agent-1 with "Bearer sk_test_123".
 *   startMyApp(server.uri());
 *
 *   FakeConnection connection = server.awaitConnection(Duration.ofSeconds(5));
 *   // session.created (24000 Hz unless the client asked for another rate) is already sent.
 *   InputTextSendEvent text =
 *       connection.awaitReceived(InputTextSendEvent.class, Duration.ofSeconds(5));
 *   connection.send(new AgentStartTalkingEvent(null));
 *   connection.sendAudio(pcm16le);
 *   connection.send(new AgentStopTalkingEvent(null));
 *   connection.sendErrorAndClose("internal_error", "worker crashed"); // error, then close 4000
 *   connection.awaitClosed(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <h2>Handshakes</h2>
 *
 * <p>Upgrades are checked in this order, and refused with a plain HTTP response carrying the
 * gateway's JSON body ({@code {"status":false,"errors":["..."]}}) before any WebSocket frame:
 *
 * <ol>
 *   <li>a refusal scripted with {@link #refuseNextHandshakes} (any status, any body);
 *   <li>the path must be {@code /atoms/v1/agent/connect}, else 404;
 *   <li>a malformed query string: 400;
 *   <li>both {@code Authorization} and a {@code token} query parameter: 400 (never send both);
 *   <li>no credential, a non-Bearer {@code Authorization}, an empty one, or one other than {@link
 *       Builder#credential}: 401;
 *   <li>for {@code sk_} style credentials (anything not starting {@code wct_}): {@code agent_id}
 *       other than {@link Builder#agentId} (when set): 401; {@code mode} not {@code webcall} or
 *       {@code chat}: 400; {@code sample_rate} not 8000, 16000, 24000 or 48000: 400; {@code
 *       variables} not a JSON object: 400. A {@code wct_} call token fixes agent, mode and rate, so
 *       these parameters are ignored with it, as the real server does.
 * </ol>
 *
 * <p>Every handshake, accepted or refused, is kept in {@link #handshakes()}.
 *
 * <h2>REST: call tokens and call logs</h2>
 *
 * <p>A second listener ({@link #restUri()}) serves the REST calls of PROTOCOL.md §5. {@code POST
 * /atoms/v1/conversation/register-call} (with {@code Authorization: Bearer} the {@link
 * Builder#credential} or, when none is set, any key not starting {@code wct_}) mints a {@code wct_}
 * call token for the body's {@code agent_id} (400 if missing, 404 if not {@link Builder#agentId}),
 * {@code mode} and {@code variables}, answering 201 {@code {"status":true,"data":{"access_token",
 * "expires_in":30,"sample_rate"}}}. Such a token opens one WebSocket session within {@value
 * #TOKEN_LIFETIME_SECONDS} s on {@link Builder#ticker}: presented again, or later, the upgrade is
 * refused with 401; accepted, the session's agent, mode and rate are the token's ({@link
 * FakeConnection#mode()}, {@link FakeConnection#agentId()}), whatever the query says.
 *
 * <p>Every session gets a call log, {@code GET /atoms/v1/conversation/{call_id}}: {@code
 * in_progress} while the call runs, {@code processing} for {@link Builder#callLogProcessingTime}
 * after it ended, then {@code completed} with the duration, a recording URL, the transcript (the
 * final {@code transcript} events the server sent, such as a {@link SimulatedAgent}'s turns, as
 * {@code agent}/{@code user} turns), turn latencies (user transcript to agent start) and a cost. An
 * unknown call is 404. {@link #failNextRestCalls} scripts errors; {@link #restRequests()} records
 * every request.
 *
 * <h2>Closing</h2>
 *
 * <p>The server closes connections like the real one: it sends its close frame, keeps reading what
 * the client still sends (frames sent before the client saw the close are received as usual) until
 * the client's close frame or the end of the stream arrives, and only then closes the TCP
 * connection, so the client never loses a frame to a connection reset. A client that does not
 * answer within 2 seconds has its connection closed anyway. {@link CloseRecord#clientCloseCode()}
 * tells whether the client's close frame arrived. Nothing is sent after the close frame, and the
 * server never sends a second one (a client's close frame that answers the server's is not echoed).
 *
 * <h2>Threads</h2>
 *
 * <p>Thread-safe. The server runs Java-WebSocket's selector thread ({@code WebSocketSelector-*})
 * and two decoder threads ({@code WebSocketWorker-*}) plus a pool of its own ({@code
 * atoms-fakeserver-N}) where each connection's {@link ServerBehavior} callbacks and default replies
 * run serially; all are daemon threads. {@link #close()} stops every one of them and returns when
 * they have ended (bounded by {@link Builder#closeTimeout}, 5 s by default).
 */
public final class FakeAtomsServer implements AutoCloseable {
  /** The path clients connect to. */
  public static final String CONNECT_PATH = HandshakeCheck.CONNECT_PATH;

  /** How long a call token minted by the REST side stays valid, in seconds (as on the service). */
  public static final long TOKEN_LIFETIME_SECONDS = 30;

  private static final Logger log = LoggerFactory.getLogger(FakeAtomsServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

  /** How long a connection the server closes waits for the client's close frame. */
  static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

  private static final int DECODER_THREADS = 2;

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  /** Attached to a refused socket until Java-WebSocket has flushed the refusal. */
  private record Refused(HttpRefusal refusal) {}

  private final HandshakeCheck check;
  private final Ticker ticker;
  private final CallTokenRegistry tokens;
  private final CallLogBook callLogs;
  private final String restCredential;
  private final String restAgentId;
  private final int tokenRateHz;
  private volatile FakeRestApi rest;
  private final boolean sessionCreatedAutomatically;
  private final ServerBehavior behavior;
  private final Duration closeTimeout;
  private final SSLContext tls;
  private final boolean retainClientAudio;
  private final Endpoint endpoint;
  private final CallbackThreads callbackThreads = new CallbackThreads();
  private final CloseTimer closeTimer = new CloseTimer();
  private final CompletableFuture<Void> listening = new CompletableFuture<>();

  private final AtomicReference<HttpRefusal> scriptedRefusal = new AtomicReference<>();
  private volatile boolean silentAfterUpgrade;
  private final AtomicInteger connectionIds = new AtomicInteger();
  private final BlockingQueue<FakeConnection> unclaimed = new LinkedBlockingQueue<>();
  private final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
  // Appended together under handshakes' lock, so the two lists stay in step.
  private final List<HandshakeRecord> handshakes = new CopyOnWriteArrayList<>();
  private final List<Long> handshakeNanos = new CopyOnWriteArrayList<>();
  private final List<Throwable> behaviorFailures = new CopyOnWriteArrayList<>();

  /** Written by the selector thread in onStart, read by close(). */
  private volatile Thread selectorThread;

  /** Set by close(): no new TCP connection is accepted from then on. */
  private volatile boolean stopAccepting;

  private State state = State.NEW; // guarded by this

  private FakeAtomsServer(Builder builder) {
    this.ticker = builder.ticker;
    this.tokens = new CallTokenRegistry(builder.ticker);
    this.callLogs = new CallLogBook(builder.ticker, builder.callLogProcessingTime);
    this.restCredential = builder.credential;
    this.restAgentId = builder.agentId;
    this.tokenRateHz = builder.sampleRateHz != null ? builder.sampleRateHz
        : HandshakeCheck.DEFAULT_SAMPLE_RATE_HZ;
    this.check = new HandshakeCheck(builder.credential, builder.agentId, builder.sampleRateHz,
        tokens);
    this.sessionCreatedAutomatically = builder.sessionCreatedAutomatically;
    this.behavior = builder.behavior;
    this.closeTimeout = builder.closeTimeout;
    this.silentAfterUpgrade = builder.silentAfterUpgrade;
    this.tls = builder.tls;
    this.retainClientAudio = builder.retainClientAudio;
    this.endpoint = new Endpoint();
  }

  /**
   * A builder with the defaults: any non-empty credential, any agent, automatic session.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds {@code 127.0.0.1} on an ephemeral port and waits (at most 5 s) until it is listening.
   *
   * @return this server
   * @throws IllegalStateException if called twice, after {@link #close()}, or if the server could
   *     not listen
   */
  public FakeAtomsServer start() {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException("a FakeAtomsServer can be started only once");
      }
      state = State.STARTED;
    }
    endpoint.start();
    try {
      listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      close();
      throw new IllegalStateException(
          "FakeAtomsServer could not listen on 127.0.0.1", e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException("FakeAtomsServer did not start within " + START_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting FakeAtomsServer", e);
    }
    try {
      FakeRestApi api = new FakeRestApi(tls, restCredential, restAgentId, tokenRateHz, tokens,
          callLogs);
      api.start();
      rest = api;
    } catch (IOException e) {
      close();
      throw new IllegalStateException("FakeAtomsServer could not serve REST on 127.0.0.1", e);
    }
    log.info("FakeAtomsServer listening on {} (REST on {})", uri(), restUri());
    return this;
  }

  /**
   * The REST base URL, {@code http://127.0.0.1:<port>} on a second listener ({@code
   * https://localhost:<port>} with {@link Builder#tls}); give it to {@code
   * AtomsClient.Builder.restBaseUrl}. It serves {@code POST /atoms/v1/conversation/register-call}
   * and {@code GET /atoms/v1/conversation/{call_id}} (see the class documentation).
   *
   * @return the REST base URL
   * @throws IllegalStateException if the server has not been started
   */
  public URI restUri() {
    FakeRestApi api = rest;
    if (api == null) {
      throw new IllegalStateException("FakeAtomsServer is not listening; call start() first");
    }
    return URI.create((tls != null ? "https://localhost:" : "http://127.0.0.1:") + api.port());
  }

  /**
   * Every REST request received so far, in arrival order, with the status it got.
   *
   * @return the requests
   */
  public List<RestRequest> restRequests() {
    FakeRestApi api = rest;
    return api == null ? List.of() : api.requests();
  }

  /**
   * Answers every following REST request with {@code httpStatus} and {@code body} (sent as is)
   * until {@link #acceptRestCalls()}.
   *
   * @param httpStatus the status, 200-599
   * @param body the body
   */
  public void failNextRestCalls(int httpStatus, String body) {
    restApi().failNext(new FakeRestApi.Answer(httpStatus, body == null ? "" : body));
  }

  /** Ends {@link #failNextRestCalls}: REST requests are answered normally again. */
  public void acceptRestCalls() {
    restApi().failNext(null);
  }

  /**
   * The call ids of every session this server created (each has a call log), in no particular
   * order.
   *
   * @return the call ids
   */
  public List<String> callIds() {
    return callLogs.callIds();
  }

  private FakeRestApi restApi() {
    FakeRestApi api = rest;
    if (api == null) {
      throw new IllegalStateException("FakeAtomsServer is not listening; call start() first");
    }
    return api;
  }

  CallLogBook callLogs() {
    return callLogs;
  }

  /**
   * The base URL, {@code ws://127.0.0.1:<port>}, or {@code wss://localhost:<port>} with {@link
   * Builder#tls} (a host name, so that clients verify it against the certificate; the server still
   * listens on 127.0.0.1 only); clients connect to it plus {@link #CONNECT_PATH}.
   *
   * @return the base URL, {@code ws://127.0.0.1:<port>}, or {@code wss://localhost:<port>} with
   *     {@link Builder#tls} (a host name, so that clients verify it against the certificate; the
   *     server still listens on 127.0.0.1 only); clients connect to it plus {@link #CONNECT_PATH}
   */
  public URI uri() {
    return URI.create((tls != null ? "wss://localhost:" : "ws://127.0.0.1:") + port());
  }

  /** Whether connections keep the client's audio frames ({@link Builder#retainClientAudio}). */
  boolean retainsClientAudio() {
    return retainClientAudio;
  }

  /** {@return whether this server speaks TLS ({@link Builder#tls})} */
  public boolean isTls() {
    return tls != null;
  }

  /**
   * The full connect URL with {@code rawQuery} appended as given (it must already be
   * percent-encoded), for tests that drive a plain WebSocket client.
   *
   * @param rawQuery the raw query
   * @return the full connect URL with {@code rawQuery} appended as given (it must already be
   *     percent-encoded), for tests that drive a plain WebSocket client
   */
  public URI connectUri(String rawQuery) {
    String query = rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery;
    return URI.create(uri() + CONNECT_PATH + query);
  }

  /**
   * The port the server listens on.
   *
   * @return the port the server listens on
   * @throws IllegalStateException if the server has not been started
   */
  public int port() {
    if (!listening.isDone() || listening.isCompletedExceptionally()) {
      throw new IllegalStateException("FakeAtomsServer is not listening; call start() first");
    }
    return endpoint.getPort();
  }

  /**
   * Refuses every following upgrade with {@code httpStatus} and {@code body} (sent as is, as {@code
   * application/json} when it looks like JSON, else as text) until {@link #acceptHandshakes()}.
   * Connections already open are not affected.
   *
   * @param httpStatus 200-599, not 101
   * @param body the response body
   */
  public void refuseNextHandshakes(int httpStatus, String body) {
    scriptedRefusal.set(new HttpRefusal(httpStatus, body));
  }

  /** Ends {@link #refuseNextHandshakes}: upgrades are validated normally again. */
  public void acceptHandshakes() {
    scriptedRefusal.set(null);
  }

  /**
   * For connections accepted from now on: when true, accept the upgrade and then send nothing on
   * our own, neither {@code session.created} nor default replies (a hung agent). Scripts can still
   * send through the {@link FakeConnection}.
   *
   * @param silent true to stay silent after the upgrade, false to speak again
   */
  public void silentAfterUpgrade(boolean silent) {
    this.silentAfterUpgrade = silent;
  }

  /**
   * Returns the next accepted connection not yet returned by this method, in the order they were
   * accepted, waiting for it if needed.
   *
   * @param timeout how long to wait at most
   * @return the next accepted connection not yet returned by this method, in the order they were
   *     accepted, waiting for it if needed
   * @throws AwaitTimeoutException if none is accepted within {@code timeout}
   * @throws IllegalStateException if interrupted (the interrupt flag is set again)
   */
  public FakeConnection awaitConnection(Duration timeout) {
    try {
      FakeConnection connection = unclaimed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (connection == null) {
        throw new AwaitTimeoutException(
            "no connection accepted within "
                + timeout
                + "; handshakes seen: "
                + handshakes.size()
                + (handshakes.isEmpty() ? "" : ", last: " + handshakes.get(handshakes.size() - 1)));
      }
      return connection;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a connection", e);
    }
  }

  /**
   * Every accepted connection so far, open or closed, in the order accepted. A connection is listed
   * from the moment its upgrade is accepted, just before it opens; prefer {@link #awaitConnection}
   * to get one to talk to.
   *
   * @return every accepted connection so far, open or closed, in the order accepted
   */
  public List<FakeConnection> connections() {
    return List.copyOf(connections);
  }

  /**
   * How many upgrades have been accepted since the server started (counted before the 101 is sent,
   * so a client that has seen its upgrade succeed is always included).
   *
   * @return how many upgrades have been accepted since the server started (counted before the 101
   *     is sent, so a client that has seen its upgrade succeed is always included)
   */
  public int connectionCount() {
    return connections.size();
  }

  /** {@return every handshake seen so far, accepted or refused, in arrival order} */
  public List<HandshakeRecord> handshakes() {
    synchronized (handshakes) {
      return List.copyOf(handshakes);
    }
  }

  /**
   * When each handshake in {@link #handshakes()} arrived, as {@link System#nanoTime()}, in the same
   * order (for tests of reconnect timing, such as jitter).
   *
   * @return when each handshake in {@link #handshakes()} arrived, as {@link System#nanoTime()}, in
   *     the same order (for tests of reconnect timing, such as jitter)
   */
  public List<Long> handshakeArrivalNanos() {
    synchronized (handshakes) {
      return List.copyOf(handshakeNanos);
    }
  }

  /**
   * {@return exceptions thrown by {@link ServerBehavior} callbacks (tests may assert this is
   * empty)}
   */
  public List<Throwable> behaviorFailures() {
    return List.copyOf(behaviorFailures);
  }

  /**
   * Stops accepting connections, closes every open one with 1001 and waits for the clients' close
   * frames (for at most 2 seconds or half the close timeout, whichever is shorter), stops listening,
   * and waits until every thread the server started has ended, for at most the close timeout.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    boolean interrupted = false;
    stopAccepting = true;
    for (FakeConnection connection : connections) {
      connection.closingByServer(CloseFrame.GOING_AWAY, "server closed");
      if (connection.closeRecord() == null) {
        connection.close(CloseFrame.GOING_AWAY, "server closed");
      }
    }
    long handshakesDeadline =
        System.nanoTime()
            + Math.min(CLOSE_HANDSHAKE_TIMEOUT.toNanos(), remaining(deadline) / 2);
    for (FakeConnection connection : connections) {
      if (!connection.awaitClosedQuietly(remaining(handshakesDeadline))) {
        break; // the rest is forced below
      }
    }
    try {
      endpoint.stop(
          (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline)) / 2),
          "server closed");
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (RuntimeException e) {
      // Java-WebSocket's stop() can race its own selector shutting down (for example
      // ClosedSelectorException while it writes close frames); what is left is forced below.
      log.debug("FakeAtomsServer: the WebSocket server's stop failed: {}", e.toString());
    }
    for (FakeConnection connection : connections) {
      connection.forceClosed();
    }
    List<Thread> socketThreads = new ArrayList<>(endpoint.workers());
    if (selectorThread != null) {
      socketThreads.add(selectorThread);
    }
    boolean allEnded = true;
    try {
      for (Thread t : socketThreads) {
        if (t != Thread.currentThread()) {
          t.interrupt(); // workers only end on interrupt; the selector has stopped by now
          TimeUnit.NANOSECONDS.timedJoin(t, Math.max(remaining(deadline), 1_000_000L));
          allEnded &= !t.isAlive();
        }
      }
      allEnded &= callbackThreads.shutdown(deadline);
      FakeRestApi api = rest;
      if (api != null) {
        allEnded &= api.stop(deadline);
      }
      allEnded &= closeTimer.shutdown(deadline);
    } catch (InterruptedException e) {
      interrupted = true;
      allEnded = false;
    }
    if (!allEnded) {
      log.warn(
          "FakeAtomsServer closed but some of its threads were still running after {}",
          closeTimeout);
    } else {
      log.info("FakeAtomsServer closed");
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FakeAtomsServer["
        + (listening.isDone() ? "port=" + endpoint.getPort() : "not started")
        + ", connections="
        + connections.size()
        + ", handshakes="
        + handshakes.size()
        + "]";
  }

  void behaviorFailed(FakeConnection connection, String callback, RuntimeException e) {
    log.warn("ServerBehavior.{} failed on connection {}", callback, connection.id(), e);
    behaviorFailures.add(e);
  }

  private static long remaining(long deadlineNanos) {
    return Math.max(0, deadlineNanos - System.nanoTime());
  }

  /** The Java-WebSocket server; its callbacks run on the selector and worker threads. */
  private final class Endpoint extends WebSocketServer {
    Endpoint() {
      super(new InetSocketAddress("127.0.0.1", 0), DECODER_THREADS, List.of(new AtomsDraft()));
      setDaemon(true);
      setReuseAddr(true);
      // Like a real gateway: without it, Nagle's algorithm and delayed ACKs hold small frames
      // back by up to tens of milliseconds and swamp any latency a test measures.
      setTcpNoDelay(true);
      // The server never pings: no extra timer thread, and clients decide liveness themselves.
      setConnectionLostTimeout(0);
      // Over TLS the channels cannot pause: FakeConnection.stopReading then does nothing.
      setWebSocketFactory(
          tls != null
              ? new TlsServerWebSockets(tls)
              : new PausableChannels(closeTimer, CLOSE_HANDSHAKE_TIMEOUT));
    }

    @Override
    protected boolean onConnect(SelectionKey key) {
      // Refused, the library stops accepting altogether (it cancels the listening key).
      return !stopAccepting;
    }

    /**
     * Answers pings while the connection is open; once the server has sent its close frame it
     * sends nothing more (the library would try, and fail on the closed connection).
     */
    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
      if (conn.isOpen()) {
        try {
          super.onWebsocketPing(conn, f);
        } catch (WebsocketNotConnectedException e) {
          // closed meanwhile: no pong
        }
      }
    }

    List<? extends Thread> workers() {
      return decoders;
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
        WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
      long arrivedNanos = System.nanoTime();
      HandshakeCheck.Verdict verdict;
      try {
        verdict = check.check(request, scriptedRefusal.get());
      } catch (RuntimeException e) {
        log.warn("handshake check failed", e);
        HttpRefusal refusal = HandshakeCheck.error(500, "Internal server error");
        conn.setAttachment(new Refused(refusal));
        return refusal;
      }
      synchronized (handshakes) {
        handshakes.add(verdict.record());
        handshakeNanos.add(arrivedNanos);
      }
      if (verdict.refusal() != null) {
        log.debug("handshake refused with {}", verdict.refusal().status());
        conn.setAttachment(new Refused(verdict.refusal()));
        return verdict.refusal();
      }
      log.debug("handshake accepted");
      FakeConnection connection =
          new FakeConnection(
              FakeAtomsServer.this,
              conn,
              connectionIds.incrementAndGet(),
              verdict.record(),
              verdict.sampleRateHz(),
              verdict.grant(),
              silentAfterUpgrade,
              behavior,
              callbackThreads.newSerialExecutor());
      conn.setAttachment(connection);
      // Counted before the 101 goes out, so a client that sees its upgrade succeed also sees
      // connectionCount() include it. awaitConnection() hands it out only once it is open.
      connections.add(connection);
      return new HandshakeImpl1Server();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      Object attachment = conn.getAttachment();
      if (attachment instanceof FakeConnection connection) {
        connection.opened(sessionCreatedAutomatically);
        unclaimed.add(connection);
      } else {
        // A refusal went out instead of the 101: flush it, then close the TCP connection.
        ((WebSocketImpl) conn).flushAndClose(CloseFrame.NEVER_CONNECTED, "refused", false);
      }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      if (conn.getAttachment() instanceof FakeConnection connection) {
        connection.closed(code, reason, remote);
      }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      if (conn.getAttachment() instanceof FakeConnection connection) {
        connection.frameReceived(message, null);
      }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      if (conn.getAttachment() instanceof FakeConnection connection) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        connection.frameReceived(null, bytes);
      }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      if (conn == null && !listening.isDone()) {
        listening.completeExceptionally(ex);
      } else {
        log.debug("socket error", ex);
      }
    }

    @Override
    public void onStart() {
      selectorThread = Thread.currentThread();
      listening.complete(null);
    }
  }

  /** The TLS socket factory, with connections that close like {@link PausableChannels}' do. */
  private final class TlsServerWebSockets extends DefaultSSLWebSocketServerFactory {
    TlsServerWebSockets(SSLContext context) {
      super(context);
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
      return new ServerWebSocket(adapter, drafts, closeTimer, CLOSE_HANDSHAKE_TIMEOUT);
    }
  }

  /**
   * Configures a {@link FakeAtomsServer}. Not thread-safe; build once. The defaults accept any
   * non-empty credential and any agent, send {@code session.created} right after the upgrade, and
   * announce the requested {@code sample_rate} (24000 when none).
   */
  public static final class Builder {
    private String credential;
    private String agentId;
    private boolean sessionCreatedAutomatically = true;
    private Integer sampleRateHz;
    private ServerBehavior behavior = ServerBehavior.NONE;
    private boolean silentAfterUpgrade;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private SSLContext tls;
    private boolean retainClientAudio = true;
    private Ticker ticker = Ticker.system();
    private Duration callLogProcessingTime = Duration.ZERO;

    private Builder() {}

    /**
     * The clock of the server's REST side: call tokens expire {@value FakeAtomsServer#TOKEN_LIFETIME_SECONDS} s
     * after they were minted on it, and call logs stay {@code processing} on it (default the system
     * clock). Give the client's virtual clock (such as a {@link ManualScheduler}) to test expiry
     * and waiting without waiting.
     *
     * @param ticker the clock
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * How long a call log reads {@code processing} after its call ended, on the {@link #ticker}
     * (default zero: {@code completed} at once).
     *
     * @param processing the time, zero or more
     * @return this builder
     */
    public Builder callLogProcessingTime(Duration processing) {
      if (processing.isNegative()) {
        throw new IllegalArgumentException("callLogProcessingTime must not be negative");
      }
      this.callLogProcessingTime = processing;
      return this;
    }

    /**
     * Whether each {@link FakeConnection} keeps the {@code input_audio_buffer.append} frames it
     * receives (default true). Set false for long simulations: audio is then only counted ({@link
     * FakeConnection#audioChunksReceived}, {@link FakeConnection#audioBytesReceived}) and not
     * returned by {@code received()} or {@code awaitReceived()}, so memory stays flat however long
     * the client streams.
     *
     * @param retain whether to keep the client's audio (false: count it only)
     * @return this builder
     */
    public Builder retainClientAudio(boolean retain) {
      this.retainClientAudio = retain;
      return this;
    }

    /**
     * Serves {@code wss://} with {@code serverContext} (its key manager holds the server's
     * certificate): {@link FakeAtomsServer#uri()} becomes {@code wss://localhost:<port>}, so use a
     * certificate for {@code localhost} (or another one, to test that clients refuse it). Null (the
     * default) serves plain {@code ws://}. {@link FakeConnection#stopReading} has no effect on a
     * TLS server.
     *
     * @param serverContext the server's TLS context
     * @return this builder
     */
    public Builder tls(SSLContext serverContext) {
      this.tls = serverContext;
      return this;
    }

    /**
     * The only credential accepted ({@code Authorization: Bearer <credential>} or {@code
     * ?token=<credential>}); null (the default) accepts any non-empty credential.
     *
     * @param credential the credential
     * @return this builder
     */
    public Builder credential(String credential) {
      this.credential = credential;
      return this;
    }

    /**
     * The agent clients must name in {@code agent_id} (else 401); null (the default) accepts any.
     * Not checked for {@code wct_} call tokens, which name the agent themselves.
     *
     * @param agentId the agent to talk to
     * @return this builder
     */
    public Builder agentId(String agentId) {
      this.agentId = agentId;
      return this;
    }

    /**
     * Whether to send {@code session.created} right after the upgrade (default true). When false,
     * the test or a {@link ServerBehavior} calls {@link FakeConnection#sendSessionCreated()}.
     *
     * @param automatic whether to send it right after the upgrade
     * @return this builder
     */
    public Builder sessionCreatedAutomatically(boolean automatic) {
      this.sessionCreatedAutomatically = automatic;
      return this;
    }

    /**
     * The rate to announce in {@code session.created}, whatever the client asked for (the real
     * server may do the same); null (the default) announces the requested {@code sample_rate}, or
     * 24000 when none was requested.
     *
     * @param sampleRateHz the sample rate in Hz
     * @return this builder
     */
    public Builder sampleRateHz(Integer sampleRateHz) {
      if (sampleRateHz != null && sampleRateHz <= 0) {
        throw new IllegalArgumentException("sampleRateHz must be positive: " + sampleRateHz);
      }
      this.sampleRateHz = sampleRateHz;
      return this;
    }

    /**
     * Scripted behaviour for every connection (default {@link ServerBehavior#NONE}).
     *
     * @param behavior what the server does on each connection
     * @return this builder
     */
    public Builder behavior(ServerBehavior behavior) {
      this.behavior = Objects.requireNonNull(behavior, "behavior");
      return this;
    }

    /**
     * The initial value of {@link FakeAtomsServer#silentAfterUpgrade} (default false).
     *
     * @param silent true to stay silent after the upgrade, false to speak again
     * @return this builder
     */
    public Builder silentAfterUpgrade(boolean silent) {
      this.silentAfterUpgrade = silent;
      return this;
    }

    /**
     * The most {@link FakeAtomsServer#close()} waits for its threads to end (default 5 s).
     *
     * @param closeTimeout the close timeout
     * @return this builder
     */
    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout.isNegative() || closeTimeout.isZero()) {
        throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Builds the server; call {@link FakeAtomsServer#start()} next.
     *
     * @return the fake atoms server
     */
    public FakeAtomsServer build() {
      return new FakeAtomsServer(this);
    }
  }
}
