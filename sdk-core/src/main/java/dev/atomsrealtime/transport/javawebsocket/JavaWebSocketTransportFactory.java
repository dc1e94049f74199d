package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft_6455;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Logging: the SDK never logs credentials or audio, but the library's own TRACE logging (the
 * loggers {@code org.java_websocket.WebSocketImpl} and {@code org.java_websocket.drafts.Draft_6455})
 * prints the bytes it writes and reads, the handshake's {@code Authorization} header and audio
 * frames among them. If it is on when the first connection is made, the factory says so once, as
 * a warning.
 *
 * <p>Thread-safe.
 */
public final class JavaWebSocketTransportFactory implements TransportFactory {
  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketTransportFactory.class);

  private final AtomicBoolean loggingChecked = new AtomicBoolean();

  @Override
  public Transport create(TransportRequest request, Transport.Listener listener) {
    if (!loggingChecked.getAndSet(true) && libraryTracesFrames()) {
      log.warn("TRACE logging is on for org.java_websocket: the library logs the bytes of each"
          + " connection, the credential and audio included; turn it off outside debugging");
    }
    return new JavaWebSocketTransport(request, listener);
  }

  /** Whether the library's loggers that print raw frames and handshakes are at TRACE. */
  static boolean libraryTracesFrames() {
    return LoggerFactory.getLogger(WebSocketImpl.class).isTraceEnabled()
        || LoggerFactory.getLogger(Draft_6455.class).isTraceEnabled();
  }

  @Override
  public String toString() {
    return "JavaWebSocketTransportFactory";
  }
}
