/**
 * The default transport, over the Java-WebSocket library: {@link
 * dev.atomsrealtime.transport.javawebsocket.JavaWebSocketTransportFactory}. It runs on Android
 * and any JVM, builds masked client frames in one allocation, and hands text frames to the codec
 * as UTF-8 bytes without a {@code String} in between.
 */
package dev.atomsrealtime.transport.javawebsocket;
