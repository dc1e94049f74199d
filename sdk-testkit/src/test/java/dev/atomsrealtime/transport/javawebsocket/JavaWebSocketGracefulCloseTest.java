package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.AbstractGracefulCloseTest;
import dev.atomsrealtime.transport.TransportFactory;

/** Graceful closes under load over the default Java-WebSocket transport. */
class JavaWebSocketGracefulCloseTest extends AbstractGracefulCloseTest {

  @Override
  protected TransportFactory factory() {
    return new JavaWebSocketTransportFactory();
  }
}
