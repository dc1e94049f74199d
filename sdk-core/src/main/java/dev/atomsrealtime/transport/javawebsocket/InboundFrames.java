package dev.atomsrealtime.transport.javawebsocket;

import java.nio.ByteBuffer;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;

/**
 * The client draft's second job, inbound frames, in two parts:
 *
 * <ul>
 *   <li>a complete, unfragmented text frame's UTF-8 payload goes straight to the transport,
 *       without the library's decode to {@code String} (which the codec would only encode back
 *       to bytes); fragmented messages, control and binary frames take the library's own path;
 *   <li>a close frame that arrives once this side has sent its own (the connection is closing) is
 *       kept here instead of reaching the library, which would end the connection on the spot and
 *       so could cut off our close frame, still queued for the write thread (see {@code
 *       JavaWebSocketTransport.Client#isClosing}). The read thread then reads on until the server
 *       closes the TCP connection; {@link #closeAnswer()} gives the code and reason to report.
 *       Nothing that arrives after it is processed.
 * </ul>
 *
 * <p>Read thread only, except the volatile close answer.
 */
final class InboundFrames {
  /** Receives whole, unfragmented text frames as bytes, valid during the call. */
  interface TextBytesHandler {
    void onText(byte[] utf8, int offset, int length);
  }

  private final TextBytesHandler textBytes;
  private volatile CloseFrame closeAnswer;
  private boolean inFragmentedMessage;

  InboundFrames(TextBytesHandler textBytes) {
    this.textBytes = textBytes;
  }

  /**
   * Handles {@code frame} if it is one of this class's cases.
   *
   * @return true if handled; false for the library to process it
   */
  boolean handle(WebSocketImpl conn, Framedata frame) {
    if (closeAnswer != null) {
      return true; // a peer sends nothing after its close frame; ignore anything that does
    }
    Opcode op = frame.getOpcode();
    if (op == Opcode.CLOSING && conn.getReadyState() == ReadyState.CLOSING
        && frame instanceof CloseFrame close) {
      closeAnswer = close;
      return true;
    }
    if (op == Opcode.TEXT && frame.isFin() && !inFragmentedMessage) {
      ByteBuffer payload = frame.getPayloadData();
      if (payload.hasArray()) {
        textBytes.onText(payload.array(), payload.arrayOffset() + payload.position(),
            payload.remaining());
        return true;
      }
    }
    if (op == Opcode.TEXT || op == Opcode.BINARY) {
      inFragmentedMessage = !frame.isFin();
    } else if (op == Opcode.CONTINUOUS && frame.isFin()) {
      inFragmentedMessage = false;
    }
    return false;
  }

  /** The server's close frame that answered ours, or null. */
  CloseFrame closeAnswer() {
    return closeAnswer;
  }
}
