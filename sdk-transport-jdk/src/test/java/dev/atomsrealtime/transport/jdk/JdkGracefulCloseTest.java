package dev.atomsrealtime.transport.jdk;

import dev.atomsrealtime.transport.AbstractGracefulCloseTest;
import dev.atomsrealtime.transport.TransportFactory;

/** Graceful closes under load over the {@code java.net.http} transport. */
class JdkGracefulCloseTest extends AbstractGracefulCloseTest {

  @Override
  protected TransportFactory factory() {
    return new JdkWebSocketTransportFactory();
  }
}
