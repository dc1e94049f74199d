package dev.atomsrealtime.event;

/**
 * A server event whose {@code type} this SDK does not know (or that lacks a {@code type}). It is
 * delivered rather than dropped so applications can handle newer server events.
 *
 * @param type the wire type, or an empty string if the frame had none
 * @param rawJson the whole frame as received
 */
public record UnknownServerEvent(String type, String rawJson) implements ServerEvent {}
