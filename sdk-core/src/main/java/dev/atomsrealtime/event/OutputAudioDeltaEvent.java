package dev.atomsrealtime.event;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code output_audio.delta}: a piece of the agent's speech as raw PCM (signed 16-bit
 * little-endian mono at the negotiated rate). Any length is possible, including an odd number of
 * bytes (a sample split across two deltas).
 *
 * <p>Immutable: the PCM is only exposed as a read-only view or a copy.
 */
public final class OutputAudioDeltaEvent implements ServerEvent {
  public static final String TYPE = "output_audio.delta";

  private final byte[] pcm;

  private OutputAudioDeltaEvent(byte[] pcm) {
    this.pcm = pcm;
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
    if (pcm == null) {
      throw new NullPointerException("pcm");
    }
    return new OutputAudioDeltaEvent(pcm);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** A read-only view of the PCM bytes. */
  public ByteBuffer audio() {
    return ByteBuffer.wrap(pcm).asReadOnlyBuffer();
  }

  /** The number of PCM bytes. */
  public int audioBytes() {
    return pcm.length;
  }

  /** A copy of the PCM bytes. */
  public byte[] audioCopy() {
    return pcm.clone();
  }

  /** The PCM byte at {@code index}. */
  public byte audioByte(int index) {
    return pcm[index];
  }

  /** Copies {@code length} PCM bytes from {@code from} into {@code dst} at {@code offset}. */
  public void copyAudioTo(int from, byte[] dst, int offset, int length) {
    System.arraycopy(pcm, from, dst, offset, length);
  }

  /** Copies the PCM into {@code dst} at {@code offset}. */
  public void copyAudioTo(byte[] dst, int offset) {
    System.arraycopy(pcm, 0, dst, offset, pcm.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputAudioDeltaEvent other && Arrays.equals(pcm, other.pcm);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pcm);
  }

  /** Describes the size only; audio is never printed. */
  @Override
  public String toString() {
    return "OutputAudioDeltaEvent[audioBytes=" + pcm.length + "]";
  }
}
