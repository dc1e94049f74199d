package dev.atomsrealtime.audio;

import java.util.Objects;

/**
 * A whole WAV file's audio in memory, as read by {@link Wav#read(java.nio.file.Path)}.
 *
 * <p>The array is not copied: treat it as immutable. Because it holds an array, {@code equals}
 * compares array identity, not content. Immutable if the array is not modified; then thread-safe.
 *
 * @param format the PCM format of {@code pcm}
 * @param pcm the samples, a whole number of frames, without any header
 */
public record WavData(PcmFormat format, byte[] pcm) {

  /**
   * @param format the PCM format
   * @param pcm 16-bit PCM bytes
   * @throws IllegalArgumentException if {@code pcm} is not a whole number of frames
   */
  public WavData {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(pcm, "pcm");
    if (pcm.length % format.bytesPerFrame() != 0) {
      throw new IllegalArgumentException(pcm.length + " bytes is not a whole number of "
          + format.bytesPerFrame() + "-byte frames");
    }
  }

  /** {@return frames of audio} */
  public long frames() {
    return format.framesForBytes(pcm.length);
  }

  /** {@return duration in milliseconds, rounded down} */
  public long durationMillis() {
    return format.millisForFrames(frames());
  }

  /**
   * This audio converted to {@code target} (a new array; this object when already in it).
   *
   * @param target the format to convert to
   * @return this audio converted to {@code target} (a new array; this object when already in it)
   */
  public WavData convertTo(PcmFormat target) {
    if (format.equals(target)) {
      return this;
    }
    return new WavData(target, PcmConverter.convertAll(format, target, pcm));
  }
}
