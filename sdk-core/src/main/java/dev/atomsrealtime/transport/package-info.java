/**
 * The transport SPI: one WebSocket connection attempt per {@link
 * dev.atomsrealtime.transport.Transport}, created by a {@link
 * dev.atomsrealtime.transport.TransportFactory}. Implement it to run sessions over another
 * WebSocket library; the default lives in {@code dev.atomsrealtime.transport.javawebsocket}.
 */
package dev.atomsrealtime.transport;
