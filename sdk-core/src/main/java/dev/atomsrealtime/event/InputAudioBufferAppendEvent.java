package dev.atomsrealtime.event;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code input_audio_buffer.append}: a chunk of user audio (PCM16 LE mono at the negotiated
 * rate). The session encodes these straight from PCM; this type exists for inspection.
 */
public final class InputAudioBufferAppendEvent implements ClientEvent {
  public static final String TYPE = "input_audio_buffer.append";

  private final byte[] pcm;

  private InputAudioBufferAppendEvent(byte[] pcm) {
    this.pcm = pcm;
  }

  /** Creates the event from a copy of {@code pcm}. */
  public static InputAudioBufferAppendEvent of(byte[] pcm) {
    return new InputAudioBufferAppendEvent(pcm.clone());
  }

  /** Creates the event around {@code pcm} without copying; the caller must not modify it. */
  public static InputAudioBufferAppendEvent wrapping(byte[] pcm) {
    if (pcm == null) {
      throw new NullPointerException("pcm");
    }
    return new InputAudioBufferAppendEvent(pcm);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof InputAudioBufferAppendEvent other && Arrays.equals(pcm, other.pcm);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pcm);
  }

  /** Describes the size only; audio is never printed. */
  @Override
  public String toString() {
    return "InputAudioBufferAppendEvent[audioBytes=" + pcm.length + "]";
  }
}
