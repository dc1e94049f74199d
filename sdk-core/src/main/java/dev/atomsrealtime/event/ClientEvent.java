package dev.atomsrealtime.event;

/**
 * An event the client sends to the Atoms server. The session builds these for you
 * ({@code sendAudio}, {@code sendText}, ...); the type is public so that tests (and
 * {@code FakeAtomsServer}) can inspect what a client sent.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface ClientEvent
    permits InputAudioBufferAppendEvent,
        InputAudioBufferCommitEvent,
        InputTextSendEvent,
        SessionUpdateEvent,
        FunctionCallResultEvent,
        SessionCloseEvent,
        UnknownClientEvent {

  /** {@return the wire {@code type}} */
  String type();
}
