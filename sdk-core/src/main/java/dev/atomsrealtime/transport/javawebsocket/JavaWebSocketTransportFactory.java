package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;

/**
 * The default transport, over TooTallNate's Java-WebSocket client. Runs on Android and every JVM.
 *
 * <p>Each connection uses two threads of the library ({@code WebSocketConnectReadThread-*} and
 * {@code WebSocketWriteThread-*}), which end with the connection. The library's own
 * connection-lost timer is disabled: the session runs its own keepalive on a shared scheduler.
 * TLS hostname verification is always on. No frame-size limit is imposed.
 *
 * <p>Thread-safe and stateless.
 */
public final class JavaWebSocketTransportFactory implements TransportFactory {

  @Override
  public Transport create(TransportRequest request, Transport.Listener listener) {
    return new JavaWebSocketTransport(request, listener);
  }

  @Override
  public String toString() {
    return "JavaWebSocketTransportFactory";
  }
}
