package dev.atomsrealtime.event;

/**
 * {@code output_audio.delta}: a piece of the agent's speech as raw PCM (signed 16-bit
 * little-endian mono at the negotiated rate). Any length is possible, including an odd number of
 * bytes (a sample split across two deltas).
 *
 * <p>Immutable: the PCM is only exposed as a read-only view or a copy.
 */
public final class OutputAudioDeltaEvent extends AudioPayload implements ServerEvent {
  public static final String TYPE = "output_audio.delta";

  private OutputAudioDeltaEvent(byte[] pcm) {
    super(pcm);
  }

  /** Creates the event from a copy of {@code pcm}. */
  public static OutputAudioDeltaEvent of(byte[] pcm) {
    return new OutputAudioDeltaEvent(pcm.clone());
  }

  /**
   * Creates the event around {@code pcm} without copying it: the event takes ownership, and the
   * caller must never modify the array afterwards. Used by the decoder on the hot path.
   */
  public static OutputAudioDeltaEvent wrapping(byte[] pcm) {
    return new OutputAudioDeltaEvent(pcm);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
