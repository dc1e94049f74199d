package dev.atomsrealtime.event;

/**
 * An event the Atoms server sends. One type per wire {@code type}; anything unrecognised arrives
 * as {@link UnknownServerEvent} with its raw JSON, so new server events never break a session.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface ServerEvent
    permits SessionCreatedEvent,
        OutputAudioDeltaEvent,
        AgentStartTalkingEvent,
        AgentStopTalkingEvent,
        InterruptionEvent,
        TranscriptDeltaEvent,
        TranscriptEvent,
        SessionUpdatedEvent,
        FunctionCallEvent,
        SessionClosedEvent,
        ErrorEvent,
        UnknownServerEvent {

  /** {@return the wire {@code type} (the canonical spelling for known events)} */
  String type();
}
