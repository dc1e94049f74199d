package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.AbstractTransportTest;
import dev.atomsrealtime.transport.TransportFactory;

/** The shared transport contract, run against the default Java-WebSocket transport. */
class JavaWebSocketTransportContractTest extends AbstractTransportTest {

  @Override
  protected TransportFactory factory() {
    return new JavaWebSocketTransportFactory();
  }
}
