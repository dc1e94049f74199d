package dev.atomsrealtime.event;

/**
 * {@code input_audio_buffer.append}: a chunk of user audio (PCM16 LE mono at the negotiated
 * rate). The session encodes these straight from PCM; this type exists for inspection.
 */
public final class InputAudioBufferAppendEvent extends AudioPayload implements ClientEvent {
  /** The wire {@code type} of this event, {@code "input_audio_buffer.append"}. */
  public static final String TYPE = "input_audio_buffer.append";

  private InputAudioBufferAppendEvent(byte[] pcm) {
    super(pcm);
  }

  /**
   * Creates the event from a copy of {@code pcm}.
   *
   * @param pcm 16-bit PCM bytes
   * @return the event
   */
  public static InputAudioBufferAppendEvent of(byte[] pcm) {
    return new InputAudioBufferAppendEvent(pcm.clone());
  }

  /**
   * Creates the event around {@code pcm} without copying; the caller must not modify it.
   *
   * @param pcm 16-bit PCM bytes
   * @return the event, sharing {@code pcm}
   */
  public static InputAudioBufferAppendEvent wrapping(byte[] pcm) {
    return new InputAudioBufferAppendEvent(pcm);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
