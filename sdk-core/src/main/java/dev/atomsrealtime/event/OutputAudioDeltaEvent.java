package dev.atomsrealtime.event;

/**
 * {@code output_audio.delta}: a piece of the agent's speech as raw PCM (signed 16-bit
 * little-endian mono at the negotiated rate). Any length is possible, including an odd number of
 * bytes (a sample split across two deltas).
 *
 * <p>Immutable: the PCM is only exposed as a read-only view or a copy.
 */
public final class OutputAudioDeltaEvent extends AudioPayload implements ServerEvent {
  /** The wire {@code type} of this event, {@code "output_audio.delta"}. */
  public static final String TYPE = "output_audio.delta";

  private OutputAudioDeltaEvent(byte[] pcm) {
    super(pcm);
  }

  /**
   * Creates the event from a copy of {@code pcm}.
   *
   * @param pcm 16-bit PCM bytes
   * @return the event
   */
  public static OutputAudioDeltaEvent of(byte[] pcm) {
    return new OutputAudioDeltaEvent(pcm.clone());
  }

  /**
   * Creates the event around {@code pcm} without copying it: the event takes ownership, and the
   * caller must never modify the array afterwards. Used by the decoder on the hot path.
   *
   * @param pcm 16-bit PCM bytes
   * @return the event, sharing {@code pcm}
   */
  public static OutputAudioDeltaEvent wrapping(byte[] pcm) {
    return new OutputAudioDeltaEvent(pcm);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
