package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.CredentialSupplier;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.transport.SerialContext;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt of a session: getting a credential, connecting, waiting for {@code
 * session.created}, then keeping the connection alive until it ends. The object's identity is the
 * attempt's: a callback or timer of an attempt that is no longer the session's current one is
 * ignored, so a late event from a dropped connection can never touch the next.
 *
 * <p>Bounds, all on the client's clock and scheduler: the credential and the connection each get
 * {@link SessionOptions#connectTimeout()}, the wait for {@code session.created} {@link
 * SessionOptions#sessionCreatedTimeout()}; once open, a ping every {@link
 * SessionOptions#keepaliveInterval()} and the connection declared lost as soon as it has been
 * {@link SessionOptions#idleTimeout()} without a frame or pong. When the session gives up on a connection
 * (a timeout, the idle limit, a close handshake that does not finish), it aborts the transport and
 * ends the attempt at once: it never waits for the transport to report, so a transport whose
 * threads died cannot keep a session open.
 *
 * <p>Threads: the {@link Transport.Listener} methods run on the transport's threads; they decode,
 * hand frames to the session's read-thread hooks, and hand the rest to the session's serial
 * context. Every other method runs in that context.
 */
final class ConnectionAttempt implements Transport.Listener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionAttempt.class);
  /** After a close frame is sent, how long the peer has to finish the closing handshake. */
  static final Duration CLOSE_HANDSHAKE_BOUND = Duration.ofSeconds(1);

  /** What an attempt needs from its session; fixed for the session's life. */
  record Env(long sessionId, SessionOptions options, CredentialSupplier credentials, URI baseUrl,
      TransportFactory transportFactory, SSLContext sslContext, ClientResources resources,
      SerialContext context) {

    /** Runs {@code task} in the session's context after {@code delay}; null if shutting down. */
    SerialContext.ScheduledHandle schedule(Duration delay, Runnable task) {
      try {
        return context.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS,
            resources.scheduler());
      } catch (RejectedExecutionException e) {
        log.debug("session {}: the client is shutting down; timer not scheduled", sessionId);
        return null;
      }
    }

    static void cancel(SerialContext.ScheduledHandle timer) {
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  /** The session's side. */
  interface Owner {
    /** Read thread: a decoded frame. */
    void received(ConnectionAttempt attempt, ServerEvent event);

    /** Read thread: a frame that could not be decoded. */
    void invalid(ConnectionAttempt attempt, InvalidFrameException error);

    /**
     * Context, once per attempt: the attempt is over.
     *
     * @param code the close code, or -1 if the connection never opened
     * @param cause what the attempt itself knows went wrong (a timeout, a transport failure), or
     *     null when the close code and the server's events are all there is to go on
     */
    void ended(ConnectionAttempt attempt, int code, String reason, AtomsException cause);
  }

  private final Env env;
  private final Owner owner;
  private final int number;
  private final EventCodec codec = EventCodec.INSTANCE;

  // Context only.
  private Transport transport;
  private boolean upgraded;
  private boolean open;
  private boolean ended;
  private long openedAtNanos;
  private SerialContext.ScheduledHandle phaseTimer;
  // Set in the context once open; read by the transport's threads.
  private volatile Liveness liveness;
  private SerialContext.ScheduledHandle closeTimer;
  private SerialContext.ScheduledHandle serverCloseTimer;
  /** The last {@code error} event and {@code session.closed} reason on this connection. */
  ErrorEvent lastError;
  String closedReason;


  ConnectionAttempt(Env env, Owner owner, int number) {
    this.env = env;
    this.owner = owner;
    this.number = number;
  }

  /**
   * Context. Asks for a credential: a fixed API key at once; an application's supplier (which may
   * mint a token over the network) on the blocking pool, bounded by the connect timeout.
   */
  void begin() {
    if (env.credentials() instanceof FixedCredential fixed) {
      connect(fixed.get());
      return;
    }
    phaseTimer = env.schedule(env.options().connectTimeout(), () -> timedOut(
        "waiting for the credential supplier"));
    try {
      env.resources().blocking().execute(this::fetchCredential);
    } catch (RejectedExecutionException e) {
      end(-1, "", new ConnectionException("the client is closed", false, e));
    }
  }

  /** Blocking pool: the supplier is application code and may mint a token over the network. */
  private void fetchCredential() {
    String credential;
    try {
      credential = env.credentials().get();
    } catch (RuntimeException e) {
      AtomsException failure = Failures.fromCredentialSupplier(e);
      env.context().execute(() -> end(-1, "", failure));
      return;
    }
    if (credential == null || Backports.isBlank(credential)) {
      env.context().execute(() -> end(-1, "", Failures.missingCredential()));
      return;
    }
    env.context().execute(() -> connect(credential));
  }

  /** Context. Creates and starts the transport. */
  private void connect(String credential) {
    if (ended) {
      return; // timed out or closed while the credential was minted
    }
    Env.cancel(phaseTimer);
    TransportRequest request =
        ConnectRequests.build(env.options(), credential, env.baseUrl(), env.sslContext());
    phaseTimer = env.schedule(env.options().connectTimeout(),
        () -> timedOut("connecting to " + env.baseUrl().getHost()));
    log.info("session {} connecting to {} (attempt {})", env.sessionId(), request.redactedUri(),
        number);
    try {
      transport = env.transportFactory().create(request, this);
      transport.start();
    } catch (RuntimeException e) {
      if (transport != null) {
        transport.abort();
      }
      end(-1, "", Failures.fromTransportFailure(e, env.baseUrl()));
    }
  }

  /** Context. {@code session.created} arrived: the session is open on this connection. */
  void opened() {
    open = true;
    openedAtNanos = now();
    Env.cancel(phaseTimer);
    liveness = new Liveness(env, transport, openedAtNanos, this::abort);
  }

  /** Context. How long the session has been open on this connection; zero if it never opened. */
  long openNanos() {
    return open ? now() - openedAtNanos : 0;
  }

  boolean wasOpen() {
    return open;
  }

  boolean isUpgraded() {
    return upgraded;
  }

  /** Context. The open transport, or null before the upgrade. */
  Transport transport() {
    return upgraded ? transport : null;
  }

  int number() {
    return number;
  }

  /**
   * Context. Starts the closing handshake with 1000 and bounds it: if the connection has not ended
   * within {@link #CLOSE_HANDSHAKE_BOUND}, it is aborted and the attempt ends.
   */
  void closeWithHandshake(String reason) {
    if (ended || closeTimer != null) {
      return;
    }
    if (transport == null || !upgraded) {
      abort(null);
      return;
    }
    closeTimer = env.schedule(CLOSE_HANDSHAKE_BOUND, () -> {
      log.debug("session {}: the closing handshake did not finish; dropping the connection",
          env.sessionId());
      abort(null);
    });
    transport.close(1000, reason);
  }

  /**
   * Context. Calls {@link #closeWithHandshake} after {@code delay} unless the attempt ended first
   * (the server said {@code session.closed} and should close the connection itself).
   */
  void closeAfter(Duration delay, String reason) {
    if (!ended && serverCloseTimer == null) {
      serverCloseTimer = env.schedule(delay, () -> closeWithHandshake(reason));
    }
  }

  /**
   * Context. Gives up on the connection now: the transport is aborted and the attempt ends at once
   * (code 1006 if the connection had opened, else -1), with {@code cause} if not null.
   */
  void abort(AtomsException cause) {
    if (ended) {
      return;
    }
    if (transport != null) {
      transport.abort();
    }
    end(upgraded ? 1006 : -1, upgraded ? "aborted by client" : "", cause);
  }

  private void timedOut(String what) {
    Duration bound = upgraded ? env.options().sessionCreatedTimeout()
        : env.options().connectTimeout();
    String phase = upgraded ? "waiting for session.created after the upgrade" : what;
    log.info("session {}: timed out after {} ms {}", env.sessionId(), bound.toMillis(), phase);
    abort(new AtomsTimeoutException("timed out after " + bound.toMillis() + " ms " + phase));
  }

  /** Context, once. */
  private void end(int code, String reason, AtomsException cause) {
    if (ended) {
      return;
    }
    ended = true;
    Env.cancel(phaseTimer);
    if (liveness != null) {
      liveness.stop();
    }
    Env.cancel(closeTimer);
    Env.cancel(serverCloseTimer);
    owner.ended(this, code, reason == null ? "" : reason, cause);
  }



  private long now() {
    return env.resources().ticker().nanoTime();
  }

  /** Any thread: the connection proved alive (a frame or a pong). */
  private void heard() {
    Liveness l = liveness;
    if (l != null) {
      l.heard(now());
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Transport.Listener: the transport's threads

  @Override
  public void onOpen() {
    heard();
    env.context().execute(() -> {
      if (ended) {
        return;
      }
      upgraded = true;
      Env.cancel(phaseTimer);
      phaseTimer = env.schedule(env.options().sessionCreatedTimeout(),
          () -> timedOut("waiting for session.created"));
      log.debug("session {} upgraded; waiting for session.created", env.sessionId());
    });
  }

  @Override
  public void onText(String text) {
    heard();
    ServerEvent event;
    try {
      event = codec.decodeServer(text);
    } catch (Throwable t) {
      undecodable(t);
      return;
    }
    deliver(event);
  }

  @Override
  public void onText(byte[] utf8, int offset, int length) {
    heard();
    ServerEvent event;
    try {
      event = codec.decodeServer(utf8, offset, length);
    } catch (Throwable t) {
      undecodable(t);
      return;
    }
    deliver(event);
  }

  @Override
  public void onBinary(ByteBuffer bytes) {
    heard();
    ServerEvent event;
    try {
      event = codec.decodeServer(bytes);
    } catch (Throwable t) {
      undecodable(t);
      return;
    }
    deliver(event);
  }

  /** A frame that did not decode: reported and skipped, unless the SDK itself failed. */
  private void undecodable(Throwable t) {
    if (t instanceof InvalidFrameException invalid) {
      owner.invalid(this, invalid);
    } else {
      failedReceiving(t);
    }
  }

  private void deliver(ServerEvent event) {
    try {
      owner.received(this, event);
    } catch (Throwable t) {
      failedReceiving(t);
    }
  }

  /**
   * Handling a frame failed in the SDK itself (an {@link Error} such as running out of memory on a
   * huge frame, or a bug). The connection is given up and the session told, and the throwable is
   * not rethrown: the transport's thread then ends the connection cleanly instead of dying with
   * its other threads left behind.
   */
  private void failedReceiving(Throwable t) {
    log.error("session {}: handling a received frame failed; dropping the connection",
        env.sessionId(), t);
    AtomsException cause = new ConnectionException(
        "the SDK failed to handle a received frame: " + t.getClass().getName(), false, t);
    env.context().execute(() -> abort(cause));
  }

  @Override
  public void onPong() {
    heard();
  }

  @Override
  public void onClosed(int code, String reason, boolean remote) {
    env.context().execute(() -> end(code, reason, null));
  }

  @Override
  public void onFailure(Throwable error) {
    env.context().execute(() -> end(-1, "", Failures.fromTransportFailure(error, env.baseUrl())));
  }

  @Override
  public String toString() {
    return "ConnectionAttempt[session=" + env.sessionId() + ", number=" + number + "]";
  }
}
