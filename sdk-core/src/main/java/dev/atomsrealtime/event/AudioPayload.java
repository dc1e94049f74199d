package dev.atomsrealtime.event;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The PCM carried by an audio event ({@link InputAudioBufferAppendEvent}, {@link
 * OutputAudioDeltaEvent}): exposed only as a read-only view, single bytes or copies, compared by
 * content, and never printed.
 */
abstract class AudioPayload {
  private final byte[] pcm;

  AudioPayload(byte[] pcm) {
    this.pcm = Objects.requireNonNull(pcm, "pcm");
  }

  /** {@return a read-only view of the PCM bytes} */
  public ByteBuffer audio() {
    return ByteBuffer.wrap(pcm).asReadOnlyBuffer();
  }

  /** {@return the number of PCM bytes} */
  public int audioBytes() {
    return pcm.length;
  }

  /** {@return a copy of the PCM bytes} */
  public byte[] audioCopy() {
    return pcm.clone();
  }

  /**
   * The PCM byte at {@code index}.
   *
   * @param index the byte's index in the PCM
   * @return the PCM byte at {@code index}
   */
  public byte audioByte(int index) {
    return pcm[index];
  }

  /**
   * Copies {@code length} PCM bytes from {@code from} into {@code dst} at {@code offset}.
   *
   * @param from the previous state
   * @param dst the destination array
   * @param offset where the bytes start in the array
   * @param length how many bytes
   */
  public void copyAudioTo(int from, byte[] dst, int offset, int length) {
    System.arraycopy(pcm, from, dst, offset, length);
  }

  /**
   * Copies the PCM into {@code dst} at {@code offset}.
   *
   * @param dst the destination array
   * @param offset where the bytes start in the array
   */
  public void copyAudioTo(byte[] dst, int offset) {
    System.arraycopy(pcm, 0, dst, offset, pcm.length);
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(pcm, ((AudioPayload) o).pcm);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pcm);
  }

  /** Describes the size only; audio is never printed. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "[audioBytes=" + pcm.length + "]";
  }
}
