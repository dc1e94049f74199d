package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;

/**
 * The default transport, over TooTallNate's Java-WebSocket client. Runs on Android and every JVM.
 *
 * <p>Choose it unless you have a reason not to. The alternative, {@code
 * dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory} in the {@code
 * atoms-sdk-transport-jdk} module, runs over {@code java.net.http.WebSocket}: it spends less client
 * CPU per message and shares one selector thread among all connections, which pays off on a server
 * running many sessions, but it needs a Java 11+ desktop or server JVM (not Android).
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
