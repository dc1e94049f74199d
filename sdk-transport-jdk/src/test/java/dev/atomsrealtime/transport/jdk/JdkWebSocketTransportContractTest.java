package dev.atomsrealtime.transport.jdk;

import dev.atomsrealtime.transport.AbstractTransportTest;
import dev.atomsrealtime.transport.TransportFactory;

/**
 * The shared transport contract, run against the {@code java.net.http} transport. Each test gets
 * its own factory, which the contract test closes after the test.
 */
class JdkWebSocketTransportContractTest extends AbstractTransportTest {

  @Override
  protected TransportFactory factory() {
    return new JdkWebSocketTransportFactory();
  }
}
