package dev.atomsrealtime.testkit;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshakeBuilder;

/**
 * RFC 6455 with one addition: a {@link HttpRefusal} returned as the server's response handshake is
 * written as that plain HTTP response (any status, any body) instead of a 101.
 */
final class AtomsDraft extends Draft_6455 {

  @Override
  public HandshakeBuilder postProcessHandshakeResponseAsServer(
      ClientHandshake request, ServerHandshakeBuilder response) throws InvalidHandshakeException {
    if (response instanceof HttpRefusal) {
      return response;
    }
    return super.postProcessHandshakeResponseAsServer(request, response);
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    if (handshake instanceof HttpRefusal refusal) {
      return List.of(ByteBuffer.wrap(refusal.responseBytes()));
    }
    return super.createHandshake(handshake, withContent);
  }

  @Override
  public Draft copyInstance() {
    return new AtomsDraft();
  }
}
