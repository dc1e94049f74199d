package dev.atomsrealtime.event;

/**
 * {@code input_audio_buffer.commit}: accepted by the server but currently a no-op there (turns are
 * decided by the server's voice activity detection).
 */
public record InputAudioBufferCommitEvent() implements ClientEvent {
  /** The wire {@code type} of this event, {@code "input_audio_buffer.commit"}. */
  public static final String TYPE = "input_audio_buffer.commit";

  @Override
  public String type() {
    return TYPE;
  }
}
