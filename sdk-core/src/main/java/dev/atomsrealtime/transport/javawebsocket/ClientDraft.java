package dev.atomsrealtime.transport.javawebsocket;

import java.nio.ByteBuffer;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.extensions.DefaultExtension;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.Handshakedata;

/**
 * The RFC 6455 draft of one client connection: the library takes one draft object, and this one
 * hands each of its three jobs to a part of its own: {@link HandshakeRefusal} (an upgrade refused
 * with an HTTP status keeps its status and body), {@link InboundFrames} (text frames without
 * copies; the server's close answer kept until the TCP connection ends) and {@link ClientFrames}
 * (outgoing frames built and masked in one pass).
 *
 * <p>Used by one client connection; touched only by that connection's threads as the parts say.
 */
final class ClientDraft extends Draft_6455 {
  final HandshakeRefusal refusal = new HandshakeRefusal();
  final InboundFrames inbound;
  private final ClientFrames frames = new ClientFrames(new java.security.SecureRandom());
  /** The sizes of the frames built, for the transport's queued-bytes figure. */
  final SentFrameSizes sent = new SentFrameSizes();

  ClientDraft(InboundFrames.TextBytesHandler textBytes) {
    this.inbound = new InboundFrames(textBytes);
  }

  @Override
  public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
    refusal.check(buf);
    return super.translateHandshake(buf);
  }

  @Override
  public void processFrame(WebSocketImpl conn, Framedata frame) throws InvalidDataException {
    if (!inbound.handle(conn, frame)) {
      super.processFrame(conn, frame);
    }
  }

  /**
   * Builds outgoing frames with {@link ClientFrames} (one allocation, masking 8 bytes per step).
   * Only this draft's own case takes that path: the client role with the default, no-op
   * extension and no RSV bits; anything else takes the library's. Every frame's size is recorded
   * in {@link #sent}.
   */
  @Override
  public ByteBuffer createBinaryFrame(Framedata frame) {
    ByteBuffer built;
    if (getRole() != Role.CLIENT || getExtension().getClass() != DefaultExtension.class
        || frame.isRSV1() || frame.isRSV2() || frame.isRSV3()) {
      built = super.createBinaryFrame(frame);
    } else {
      built = frames.frame(opcode(frame.getOpcode()), frame.isFin(), frame.getPayloadData());
    }
    sent.add(built.remaining());
    return built;
  }

  private static int opcode(Opcode op) {
    return switch (op) {
      case CONTINUOUS -> 0x0;
      case TEXT -> 0x1;
      case BINARY -> 0x2;
      case CLOSING -> 0x8;
      case PING -> 0x9;
      case PONG -> 0xA;
    };
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
}
