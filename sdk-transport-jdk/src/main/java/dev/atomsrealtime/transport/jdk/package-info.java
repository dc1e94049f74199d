/**
 * A transport over {@code java.net.http.WebSocket}, for Java 11+ desktop and server JVMs (not
 * Android): {@link dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory}. It costs less CPU
 * per message than the default Java-WebSocket transport, which suits servers running many sessions;
 * the default remains the choice for Android and for everything else.
 */
package dev.atomsrealtime.transport.jdk;
