package dev.atomsrealtime.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.Handshakedata;

/**
 * RFC 6455 draft that, when the server answers the upgrade with anything but 101, keeps the HTTP
 * status and body (the library itself reports only a generic protocol error). It waits for the
 * whole body when a {@code Content-Length} says how long it is.
 *
 * <p>It also keeps the connection from ending the moment the server's close frame answers ours:
 * see {@link #processFrame}.
 *
 * <p>Used by one client connection; touched only by that connection's read thread, except the
 * volatile results.
 */
final class RefusalCapturingDraft extends Draft_6455 {
  private static final int MAX_BODY_BYTES = 8 * 1024;

  private volatile int refusedStatus = -1;
  private volatile String refusedBody = "";
  // Written on the read thread: the server's close frame that arrived after ours was sent, if any.
  private volatile org.java_websocket.framing.CloseFrame closeAnswer;
  // Read thread only: whether a fragmented message is in progress (then the library assembles).
  private boolean inFragmentedMessage;
  private final TextBytesHandler textBytes;
  private final ClientFrames frames = new ClientFrames(new java.security.SecureRandom());

  /** Receives whole, unfragmented text frames as bytes. */
  interface TextBytesHandler {
    void onText(byte[] utf8, int offset, int length);
  }

  RefusalCapturingDraft(TextBytesHandler textBytes) {
    this.textBytes = textBytes;
  }

  /**
   * Hands a complete text frame's UTF-8 payload straight to the transport, without the
   * library's decode to {@code String} (which the codec would only encode back to bytes).
   * Fragmented messages, control and binary frames take the library's own path.
   *
   * <p>One exception: a close frame that arrives once this side has sent its own (the connection
   * is closing) is kept here instead of reaching the library, which would end the connection on
   * the spot and so could cut off our close frame, still queued for the write thread (see {@code
   * JavaWebSocketTransport.Client#isClosing}). The read thread then reads on until the server
   * closes the TCP connection; {@link #closeAnswer()} gives the code and reason to report. Nothing
   * that arrives after it is processed.
   */
  @Override
  public void processFrame(org.java_websocket.WebSocketImpl conn,
      org.java_websocket.framing.Framedata frame)
      throws org.java_websocket.exceptions.InvalidDataException {
    if (closeAnswer != null) {
      return; // a peer sends nothing after its close frame; ignore anything that does
    }
    org.java_websocket.enums.Opcode op = frame.getOpcode();
    if (op == org.java_websocket.enums.Opcode.CLOSING
        && conn.getReadyState() == org.java_websocket.enums.ReadyState.CLOSING
        && frame instanceof org.java_websocket.framing.CloseFrame close) {
      closeAnswer = close;
      return;
    }
    if (op == org.java_websocket.enums.Opcode.TEXT && frame.isFin() && !inFragmentedMessage) {
      ByteBuffer payload = frame.getPayloadData();
      if (payload.hasArray()) {
        textBytes.onText(payload.array(), payload.arrayOffset() + payload.position(),
            payload.remaining());
        return;
      }
    }
    if (op == org.java_websocket.enums.Opcode.TEXT || op == org.java_websocket.enums.Opcode.BINARY) {
      inFragmentedMessage = !frame.isFin();
    } else if (op == org.java_websocket.enums.Opcode.CONTINUOUS && frame.isFin()) {
      inFragmentedMessage = false;
    }
    super.processFrame(conn, frame);
  }

  /**
   * Builds outgoing frames with {@link ClientFrames} (one allocation, masking 8 bytes per step).
   * Only this draft's own case takes that path: the client role with the default, no-op
   * extension and no RSV bits; anything else takes the library's.
   */
  @Override
  public ByteBuffer createBinaryFrame(org.java_websocket.framing.Framedata frame) {
    if (getRole() != org.java_websocket.enums.Role.CLIENT
        || getExtension().getClass() != org.java_websocket.extensions.DefaultExtension.class
        || frame.isRSV1() || frame.isRSV2() || frame.isRSV3()) {
      return super.createBinaryFrame(frame);
    }
    return frames.frame(opcode(frame.getOpcode()), frame.isFin(), frame.getPayloadData());
  }

  private static int opcode(org.java_websocket.enums.Opcode op) {
    return switch (op) {
      case CONTINUOUS -> 0x0;
      case TEXT -> 0x1;
      case BINARY -> 0x2;
      case CLOSING -> 0x8;
      case PING -> 0x9;
      case PONG -> 0xA;
    };
  }

  int refusedStatus() {
    return refusedStatus;
  }

  /** The server's close frame kept by {@link #processFrame}, or null. */
  org.java_websocket.framing.CloseFrame closeAnswer() {
    return closeAnswer;
  }

  String refusedBody() {
    return refusedBody;
  }

  /**
   * The library copies the draft it is given into the connection; this draft belongs to exactly
   * one connection, so it hands out itself and the transport reads the results from the instance
   * the connection really used.
   */
  @Override
  public Draft copyInstance() {
    return this;
  }

  @Override
  public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
    int start = buf.position();
    int status = statusOf(buf, start);
    if (status == 101 || status == -1) {
      return super.translateHandshake(buf);
    }
    refusedStatus = status;
    int headerEnd = indexOf(buf, start, "\r\n\r\n");
    if (headerEnd < 0) {
      throw new IncompleteHandshakeException(Math.max(buf.remaining() * 2, 1024));
    }
    String headers =
        new String(bytes(buf, start, headerEnd), StandardCharsets.ISO_8859_1)
            .toLowerCase(Locale.ROOT);
    int bodyStart = headerEnd + 4;
    int available = buf.limit() - bodyStart;
    int contentLength = contentLength(headers);
    if (contentLength > available && contentLength <= MAX_BODY_BYTES) {
      throw new IncompleteHandshakeException(bodyStart - start + contentLength);
    }
    int bodyLength = Math.min(Math.min(available, MAX_BODY_BYTES),
        contentLength >= 0 ? contentLength : Integer.MAX_VALUE);
    refusedBody = new String(bytes(buf, bodyStart, bodyStart + bodyLength), StandardCharsets.UTF_8);
    buf.position(buf.limit());
    throw new InvalidHandshakeException("HTTP " + status);
  }

  /** The status code of an HTTP status line at {@code start}, or -1 if not (yet) readable. */
  private static int statusOf(ByteBuffer buf, int start) {
    int lineEnd = indexOf(buf, start, "\r\n");
    if (lineEnd < 0) {
      return -1;
    }
    String line = new String(bytes(buf, start, lineEnd), StandardCharsets.ISO_8859_1);
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return -1;
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int contentLength(String lowerHeaders) {
    for (String line : lowerHeaders.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        try {
          return Integer.parseInt(line.substring("content-length:".length()).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static int indexOf(ByteBuffer buf, int from, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = from; i <= buf.limit() - n.length; i++) {
      for (int k = 0; k < n.length; k++) {
        if (buf.get(i + k) != n[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(ByteBuffer buf, int from, int to) {
    byte[] out = new byte[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.get(from + i);
    }
    return out;
  }
}
