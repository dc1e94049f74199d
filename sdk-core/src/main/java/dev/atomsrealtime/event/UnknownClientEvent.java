package dev.atomsrealtime.event;

/**
 * A client frame of a type this SDK does not define (seen by {@code FakeAtomsServer} when an
 * application sends raw frames).
 *
 * @param type the wire type, or an empty string if none
 * @param rawJson the frame as received
 */
public record UnknownClientEvent(String type, String rawJson) implements ClientEvent {}
