/**
 * The transport SPI: one WebSocket connection attempt per {@link
 * dev.atomsrealtime.transport.Transport}, created by a {@link
 * dev.atomsrealtime.transport.TransportFactory}. Implement it to run sessions over another
 * WebSocket library; the default lives in {@code dev.atomsrealtime.transport.javawebsocket}.
 *
 * <h2>Which transport</h2>
 *
 * <ul>
 *   <li>{@code JavaWebSocketTransportFactory} (this module, the default): Android and any JVM.
 *   <li>{@code JdkWebSocketTransportFactory} ({@code atoms-sdk-transport-jdk}, over {@code
 *       java.net.http.WebSocket}): less CPU per message and one shared selector thread, for servers
 *       with many sessions; Java 11+ desktop and server JVMs only, not Android.
 * </ul>
 *
 * <p>Every transport passes the shared contract test {@code AbstractTransportTest}, published in
 * the test-jar of {@code atoms-sdk-testkit}: a new transport extends it and supplies its factory.
 */
package dev.atomsrealtime.transport;
