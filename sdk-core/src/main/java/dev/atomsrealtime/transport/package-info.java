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
 * <h2>Writing a transport</h2>
 *
 * <p>A {@link dev.atomsrealtime.transport.Transport.Listener} must get its callbacks one at a
 * time, in order, with nothing after the terminal one, and never inside the caller's own {@code
 * abort()} or {@code sendText()}. {@link dev.atomsrealtime.transport.OrderedCallbacks} does that
 * for a library that calls back from several threads (queue under your own lock, drain after
 * releasing it; {@code deliverIfIdle} passes a frame's bytes without a copy when nothing else is
 * pending). It is built on {@link dev.atomsrealtime.transport.SerialContext}, the SDK's one
 * serial-execution primitive, which the session itself and its audio stages use too.
 *
 * <p>Every transport passes the shared contract test {@code AbstractTransportTest}, published in
 * the test-jar of {@code atoms-sdk-testkit}: a new transport extends it and supplies its factory.
 */
package dev.atomsrealtime.transport;
