package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.HandshakeRefusedException;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.io.IOException;
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
  // Set on the read thread; read when the terminal callback is decided (same thread).
  private volatile boolean opened;
  private volatile Exception firstError;
  private final AtomicBoolean terminated = new AtomicBoolean();

  JavaWebSocketTransport(TransportRequest request, Transport.Listener listener) {
    this.request = request;
    this.listener = listener;
    this.draft = new RefusalCapturingDraft(listener::onText);
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, request.connectTimeout().toMillis());
    this.client = new Client(request.uri(), timeoutMillis);
    request.headers().forEach(client::addHeader);
    client.setTcpNoDelay(true);
    // The session runs keepalive itself on a shared scheduler; the library's timer would add a
    // thread per connection.
    client.setConnectionLostTimeout(0);
    if ("wss".equalsIgnoreCase(request.uri().getScheme())) {
      SSLContext ssl = request.sslContext();
      try {
        client.setSocketFactory(
            ssl != null ? ssl.getSocketFactory() : SSLContext.getDefault().getSocketFactory());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default TLS context on this platform", e);
      }
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
    client.close(code, reason);
  }

  @Override
  public void abort() {
    // closeConnection skips the closing handshake and closes the socket.
    client.closeConnection(1006, "aborted by client");
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
      listener.onOpen();
    }

    @Override
    public void onMessage(String message) {
      listener.onText(message);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      listener.onBinary(bytes);
    }

    @Override
    public void onWebsocketPong(org.java_websocket.WebSocket conn, Framedata f) {
      listener.onPong();
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
      if (opened) {
        listener.onClosed(code, reason == null ? "" : reason, remote);
        return;
      }
      int status = draft.refusedStatus();
      if (status > 0) {
        listener.onFailure(new HandshakeRefusedException(status, draft.refusedBody()));
        return;
      }
      Exception error = firstError;
      if (error == null) {
        error = new IOException("connection closed before the upgrade completed (code " + code
            + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")");
      }
      listener.onFailure(error);
    }
  }
}
