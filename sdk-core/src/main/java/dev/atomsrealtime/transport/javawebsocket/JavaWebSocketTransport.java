package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.HandshakeRefusedException;
import dev.atomsrealtime.transport.OrderedCallbacks;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One connection attempt over Java-WebSocket. See {@link Transport} for the contract. */
final class JavaWebSocketTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketTransport.class);

  private final TransportRequest request;
  private final Transport.Listener listener;
  private final RefusalCapturingDraft draft;
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
    this.draft = new RefusalCapturingDraft(this::deliverText);
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
    long total = 0;
    try {
      for (ByteBuffer b : client.getConnectionQueue()) {
        total += b.remaining();
      }
    } catch (RuntimeException e) {
      return 0;
    }
    return total;
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
    Client(URI uri, int connectTimeoutMillis) {
      super(uri, draft, null, connectTimeoutMillis);
      setDaemon(true);
    }

    java.util.Collection<ByteBuffer> getConnectionQueue() {
      return ((org.java_websocket.WebSocketImpl) getConnection()).outQueue;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
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
      ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
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

    @Override
    public void onClose(int code, String reason, boolean remote) {
      if (!terminated.compareAndSet(false, true)) {
        return;
      }
      Runnable terminal = terminalCallback(code, reason, remote);
      callbacks.addTerminal(terminal);
      callbacks.drain();
    }

    private Runnable terminalCallback(int code, String reason, boolean remote) {
      if (opened) {
        if (aborted) {
          return () -> listener.onClosed(1006, "aborted by client", false);
        }
        String safeReason = reason == null ? "" : reason;
        return () -> listener.onClosed(code, safeReason, remote);
      }
      int status = draft.refusedStatus();
      if (status > 0) {
        HandshakeRefusedException refused =
            new HandshakeRefusedException(status, draft.refusedBody());
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
