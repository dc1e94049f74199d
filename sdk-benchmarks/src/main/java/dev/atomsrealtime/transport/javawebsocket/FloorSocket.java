package dev.atomsrealtime.transport.javawebsocket;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ServerHandshake;

/**
 * The load harness's floor on Java-WebSocket: one library client with the transport's own draft
 * (so outgoing frames are masked the way the transport does it, and whole text frames arrive as
 * UTF-8 bytes without a {@code String}), and nothing else: no session, no callback ordering, no
 * queue accounting. In this package to reach the package-private draft; not part of the SDK.
 */
public final class FloorSocket {
  /** Receives whole text frames as UTF-8 bytes, valid during the call. */
  public interface Frames {
    /**
     * A text frame arrived.
     *
     * @param utf8 the array holding the frame
     * @param offset where it starts
     * @param length its length
     */
    void onText(byte[] utf8, int offset, int length);

    /** The connection ended. */
    void onClosed();
  }

  private final Client client;

  /**
   * A connected-to-be socket.
   *
   * @param uri the server's connect URI, query included
   * @param headers upgrade headers
   * @param frames where frames go
   */
  public FloorSocket(URI uri, Map<String, String> headers, Frames frames) {
    client = new Client(uri, new ClientDraft(frames::onText), frames);
    headers.forEach(client::addHeader);
    client.setTcpNoDelay(true);
    client.setConnectionLostTimeout(0);
  }

  /** Starts connecting (the library's read and write threads). */
  public void connect() {
    client.connect();
  }

  /**
   * Sends one text frame whose UTF-8 is {@code frame} (read during the call only: masking copies
   * it).
   *
   * @param frame the frame's bytes
   */
  public void send(byte[] frame) {
    TextFrame text = new TextFrame();
    text.setPayload(ByteBuffer.wrap(frame));
    text.setFin(true);
    client.sendFrame(text);
  }

  /** Closes the connection. */
  public void close() {
    client.close();
  }

  private static final class Client extends WebSocketClient {
    private final Frames frames;

    Client(URI uri, ClientDraft draft, Frames frames) {
      super(uri, draft);
      this.frames = frames;
      setDaemon(true);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {
      byte[] utf8 = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      frames.onText(utf8, 0, utf8.length); // fragmented frames only; the server sends none
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      frames.onClosed();
    }

    @Override
    public void onError(Exception ex) {}
  }
}
