package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.HandshakeRefusedException;
import dev.atomsrealtime.transport.OrderedCallbacks;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One connection attempt over Java-WebSocket. See {@link Transport} for the contract. */
final class JavaWebSocketTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketTransport.class);

  /**
   * How long the read thread keeps reading, once this side has sent its close frame (or its answer
   * to the server's), for the server to close the TCP connection. See {@link Client#isClosing()}.
   */
  static final long CLOSE_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final TransportRequest request;
  private final Transport.Listener listener;
  private final ClientDraft draft;
  private final Client client;
  private final AtomicBoolean started = new AtomicBoolean();
  // Set on the read thread; read when the terminal callback is decided (read or write thread)
  // and by close() (any thread).
  private volatile boolean opened;
  private volatile Exception firstError;
  private final AtomicBoolean terminated = new AtomicBoolean();
  // The connection's socket; closed by abort() from any thread.
  private final Socket socket;
  // Set by abort() (any thread); read on the read thread when the terminal callback is decided.
  private volatile boolean aborted;
  // Listener callbacks: the library calls back from its read thread and, when a write fails,
  // from its write thread (onClose via eot()); they run one at a time, nothing after the terminal.
  private final OrderedCallbacks callbacks = OrderedCallbacks.create("Java-WebSocket callbacks");

  JavaWebSocketTransport(TransportRequest request, Transport.Listener listener) {
    this.request = request;
    this.listener = listener;
    this.draft = new ClientDraft(this::deliverText);
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, request.connectTimeout().toMillis());
    this.client = new Client(request.uri(), timeoutMillis);
    request.headers().forEach(client::addHeader);
    client.setTcpNoDelay(true);
    // The session runs keepalive itself on a shared scheduler; the library's timer would add a
    // thread per connection.
    client.setConnectionLostTimeout(0);
    // We create the socket ourselves (rather than a socket factory the library calls later) so
    // that abort() can close it in every phase, connecting included.
    this.socket = newSocket(request);
    client.setSocket(socket);
  }

  private static Socket newSocket(TransportRequest request) {
    if (!"wss".equalsIgnoreCase(request.uri().getScheme())) {
      return new Socket();
    }
    try {
      SSLContext ssl =
          request.sslContext() != null ? request.sslContext() : SSLContext.getDefault();
      // Unconnected: the library connects it and turns on HTTPS hostname verification
      // (WebSocketClient.onSetSSLParameters), as it does for sockets from a factory.
      return ssl.getSocketFactory().createSocket();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context on this platform", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a TLS socket", e);
    }
  }

  @Override
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a transport is started once");
    }
    log.debug("connecting to {}", request.redactedUri());
    client.connect();
  }

  @Override
  public boolean sendText(byte[] utf8) {
    TextFrame frame = new TextFrame();
    frame.setPayload(ByteBuffer.wrap(utf8));
    frame.setFin(true);
    try {
      client.sendFrame(frame);
      return true;
    } catch (WebsocketNotConnectedException e) {
      return false;
    }
  }

  @Override
  public void sendPing() {
    try {
      client.sendPing();
    } catch (WebsocketNotConnectedException e) {
      // not open: nothing to ping
    }
  }

  @Override
  public long queuedBytes() {
    // The output queue's length is a lock-free read; the frames in it are the newest ones built.
    return draft.sent.ofLast(client.getConnectionQueue().size());
  }

  @Override
  public void close(int code, String reason) {
    if (!opened) {
      // No closing handshake before the upgrade: the library would mark the connection closed
      // without stopping its threads.
      abort();
      return;
    }
    client.close(code, reason);
  }

  /**
   * Closes the socket, so the library's read thread ends the connection itself and every callback
   * stays on that thread. (The library's closeConnection would call onClose on the caller's thread,
   * racing frames still being delivered, and before the upgrade it leaves the write thread
   * running.)
   */
  @Override
  public void abort() {
    aborted = true;
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing the socket on abort: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "JavaWebSocketTransport[" + request.redactedUri() + "]";
  }

  private final class Client extends WebSocketClient {
    // A connection that never opened: the close and the end of the read thread, both needed.
    private final java.util.concurrent.atomic.AtomicInteger beforeUpgradeSteps =
        new java.util.concurrent.atomic.AtomicInteger();
    private volatile int closeCode;
    private volatile String closeReason;
    // The library's read thread, seen in onOpen (which it calls); the only caller that isClosing()
    // answers differently.
    private volatile Thread readThread;
    // Read thread only: when its loop first found the connection closing (System.nanoTime()).
    private long closingSinceNanos;
    private boolean closingSeen;

    Client(URI uri, int connectTimeoutMillis) {
      super(uri, draft, null, connectTimeoutMillis);
      setDaemon(true);
    }

    java.util.concurrent.BlockingQueue<ByteBuffer> getConnectionQueue() {
      return ((org.java_websocket.WebSocketImpl) getConnection()).outQueue;
    }

    /**
     * Keeps the library's read loop reading while the closing handshake finishes, until the server
     * closes the TCP connection (the read loop then sees the end of the stream), for at most
     * {@link JavaWebSocketTransport#CLOSE_HANDSHAKE_TIMEOUT_NANOS}.
     *
     * <p>Why: the library's read loop runs {@code while (!isClosing() && ...) read}, so as soon as
     * this side has queued its close frame (our {@code close()}, or the library answering the
     * server's close frame) the loop stops and ends the connection, and ending it interrupts the
     * library's write thread. That thread loops {@code while (!Thread.interrupted()) { take();
     * write; flush; }}: interrupted while it writes an earlier frame (audio still streaming), it
     * leaves the loop without writing what is still queued, and our close frame is lost although
     * the session sees a clean 1000. The same happens when {@code close()} runs on the read thread
     * itself (inside a message callback, as the session does on {@code session.closed}): the loop
     * ends right after the callback. Closing the socket first also risks a reset: the server's
     * close frame, still unread, makes the kernel send RST instead of FIN, and a server that has
     * not read our close frame yet loses it.
     *
     * <p>So, on the read thread, a closing connection is reported as not closing yet: the loop reads
     * on (the library discards what arrives in that state, and {@link InboundFrames} keeps
     * a close frame arriving alongside instead of letting the library end the connection), the
     * write thread writes the close frame behind the frames queued before it, and the server,
     * having read it, closes the TCP connection; the loop then ends with the stream, and only then
     * is the write thread interrupted, with nothing left to write. A server that never closes is
     * bounded by a read timeout on the socket: the read fails after the handshake timeout and the
     * library ends the connection as before. Any other caller gets the library's answer.
     */
    @Override
    public boolean isClosing() {
      if (!super.isClosing() || Thread.currentThread() != readThread) {
        return super.isClosing();
      }
      long now = System.nanoTime();
      if (!closingSeen) {
        closingSeen = true;
        closingSinceNanos = now;
      }
      long left = CLOSE_HANDSHAKE_TIMEOUT_NANOS - (now - closingSinceNanos);
      if (left <= 0) {
        return true;
      }
      try {
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (SocketException e) {
        return true; // the socket is closed already: stop reading
      }
      return false;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      readThread = Thread.currentThread();
      opened = true;
      deliver(listener::onOpen);
    }

    @Override
    public void onMessage(String message) {
      deliver(() -> listener.onText(message));
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      // Copied: the callback may run after this method returned (see deliver).
      ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes);
      ((Buffer) copy).flip();
      deliver(() -> listener.onBinary(copy));
    }

    @Override
    public void onWebsocketPong(org.java_websocket.WebSocket conn, Framedata f) {
      deliver(listener::onPong);
    }

    @Override
    public void onError(Exception ex) {
      if (firstError == null) {
        firstError = ex;
      }
      log.debug("transport error: {}", ex.toString());
    }

    /**
     * The library's read thread. Wrapped so that a connection that never opened is reported only
     * once this thread is done: the library may end such a connection from its write thread (a
     * write failing under a TLS handshake that the read side is still failing) before the read
     * thread has reported the real error through {@link #onError}, and a rejected certificate
     * would then be reported as a plain connection failure, which is retryable.
     */
    @Override
    public void run() {
      try {
        super.run();
      } finally {
        failedBeforeUpgradeStep();
      }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      if (!terminated.compareAndSet(false, true)) {
        return;
      }
      if (!opened) {
        closeCode = code;
        closeReason = reason;
        failedBeforeUpgradeStep();
        return;
      }
      callbacks.addTerminal(terminalCallback(code, reason, remote));
      callbacks.drain();
    }

    /** The second of "closed before the upgrade" and "read thread done" delivers the failure. */
    private void failedBeforeUpgradeStep() {
      if (beforeUpgradeSteps.incrementAndGet() == 2) {
        callbacks.addTerminal(terminalCallback(closeCode, closeReason, false));
        callbacks.drain();
      }
    }

    private Runnable terminalCallback(int code, String reason, boolean remote) {
      if (opened) {
        if (aborted) {
          return () -> listener.onClosed(1006, "aborted by client", false);
        }
        CloseFrame answer = draft.inbound.closeAnswer();
        if (answer != null) {
          // What the library reports when the server's close frame answers ours.
          String answerReason = answer.getMessage() == null ? "" : answer.getMessage();
          return () -> listener.onClosed(answer.getCloseCode(), answerReason, true);
        }
        String safeReason = reason == null ? "" : reason;
        return () -> listener.onClosed(code, safeReason, remote);
      }
      int status = draft.refusal.status();
      if (status > 0) {
        HandshakeRefusedException refused =
            new HandshakeRefusedException(status, draft.refusal.body());
        return () -> listener.onFailure(refused);
      }
      Exception error = firstError;
      if (aborted) {
        error = new IOException("connection aborted by the client before the upgrade completed");
      } else if (error == null) {
        error = new IOException("connection closed before the upgrade completed (code " + code
            + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")");
      }
      Exception failure = error;
      return () -> listener.onFailure(failure);
    }
  }

  /**
   * Delivers a text frame's bytes: inline and without a copy when no other callback is running or
   * waiting (the usual case, on the read thread), else as a queued copy.
   */
  private void deliverText(byte[] utf8, int offset, int length) {
    if (!callbacks.deliverIfIdle(() -> listener.onText(utf8, offset, length))) {
      byte[] copy = java.util.Arrays.copyOfRange(utf8, offset, offset + length);
      callbacks.deliver(() -> listener.onText(copy, 0, copy.length));
    }
  }

  private void deliver(Runnable callback) {
    callbacks.deliver(callback);
  }
}
