package dev.atomsrealtime.testkit;

import java.util.Arrays;
import java.util.Objects;

/**
 * One user utterance a {@link SimulatedAgent} detected in the audio a client streamed, as the
 * agent's voice activity detector cut it. Positions are in audio time: milliseconds of audio
 * received on the connection since its first {@code input_audio_buffer.append}, however fast the
 * client sent it.
 *
 * <p>Immutable and thread-safe; {@link #audio()} returns a copy. {@code equals} compares the audio
 * by content, and {@code toString} never prints it.
 *
 * @param index the utterance's number on its connection, from 0
 * @param startMillis where the speech began (its first voiced 20 ms chunk), in audio time
 * @param endMillis where the speech ended (after its last voiced chunk), in audio time
 * @param audio the PCM16 mono audio from {@code startMillis} to {@code endMillis} at {@code
 *     sampleRateHz}: the utterance as the agent heard it
 * @param sampleRateHz the connection's negotiated rate
 * @param transcript the {@code transcript} (role {@code user}) the agent sent for it, for example
 *     {@code "[user speech 1.42 s]"}
 */
public record UserUtterance(
    int index,
    long startMillis,
    long endMillis,
    byte[] audio,
    int sampleRateHz,
    String transcript) {

  /**
   * Creates the record from its components.
   *
   * @param index the utterance's number on its connection, from 0
   * @param startMillis where the speech began (its first voiced 20 ms chunk), in audio time
   * @param endMillis where the speech ended (after its last voiced chunk), in audio time
   * @param audio the PCM16 mono audio from {@code startMillis} to {@code endMillis} at {@code
   *     sampleRateHz}: the utterance as the agent heard it
   * @param sampleRateHz the connection's negotiated rate
   * @param transcript the {@code transcript} (role {@code user}) the agent sent for it, for
   *     example {@code "[user speech 1.42 s]"}
   */
  public UserUtterance {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(transcript, "transcript");
    audio = audio.clone();
  }

  /** {@return a copy of the utterance's PCM16 mono audio} */
  @Override
  public byte[] audio() {
    return audio.clone();
  }

  /** {@return length of {@link #audio()} in bytes} */
  public int audioBytes() {
    return audio.length;
  }

  /** {@return length of the utterance in milliseconds of audio} */
  public long durationMillis() {
    return endMillis - startMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserUtterance other
        && index == other.index
        && startMillis == other.startMillis
        && endMillis == other.endMillis
        && sampleRateHz == other.sampleRateHz
        && transcript.equals(other.transcript)
        && Arrays.equals(audio, other.audio);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, startMillis, endMillis, sampleRateHz, transcript)
        + 31 * Arrays.hashCode(audio);
  }

  @Override
  public String toString() {
    return "UserUtterance[index="
        + index
        + ", startMillis="
        + startMillis
        + ", endMillis="
        + endMillis
        + ", audioBytes="
        + audio.length
        + ", transcript="
        + transcript
        + "]";
  }
}
