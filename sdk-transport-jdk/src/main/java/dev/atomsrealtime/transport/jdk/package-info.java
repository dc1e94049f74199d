/**
 * A transport over {@code java.net.http.WebSocket}, for Java 11+ desktop and server JVMs (not
 * Android): {@link dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory}. All connections
 * of a factory share one selector thread, which delivers every frame without a thread hand-off, so
 * a session costs no thread of its own: the transport for servers running many sessions. The
 * default remains the choice for Android and for everything else.
 */
package dev.atomsrealtime.transport.jdk;
