package dev.atomsrealtime.testkit;

import java.util.Arrays;
import java.util.Objects;

/**
 * One reply of a {@link SimulatedAgent} on one connection, recorded when it ended: what prompted
 * it, exactly what audio went out, and how it ended.
 *
 * <p>Immutable and thread-safe; {@link #audio()} returns a copy. {@code equals} compares the audio
 * by content, and {@code toString} never prints it.
 *
 * @param index the reply's number on its connection, from 0 (the greeting, when there is one, is 0)
 * @param kind what prompted the reply
 * @param utterance the user utterance answered ({@link Kind#SPEECH} only), else null
 * @param userText the user {@code transcript} sent before the reply (the utterance's description,
 *     or the text the client sent), or null for a {@link Kind#GREETING}
 * @param replyText the reply's full text
 * @param spokenText the part of {@code replyText} covered by the audio sent: the whole text when
 *     {@link Outcome#COMPLETED}, the words spoken before the cut when {@link Outcome#INTERRUPTED}
 *     or {@link Outcome#CLOSED}, empty when {@link Outcome#CANCELLED}. For completed and
 *     interrupted replies this is the final assistant {@code transcript} sent
 * @param audio every byte sent in this reply's {@code output_audio.delta} frames, in order (PCM16
 *     mono at {@code sampleRateHz}); empty in chat mode
 * @param plannedAudioBytes the length of the whole reply audio, had it not been cut
 * @param deltaCount how many {@code output_audio.delta} frames the reply sent
 * @param sampleRateHz the connection's negotiated rate
 * @param outcome how the reply ended
 */
public record AgentTurn(
    int index,
    Kind kind,
    UserUtterance utterance,
    String userText,
    String replyText,
    String spokenText,
    byte[] audio,
    int plannedAudioBytes,
    int deltaCount,
    int sampleRateHz,
    Outcome outcome) {

  /** What prompted a reply. */
  public enum Kind {
    /** The configured greeting, right after {@code session.created}. */
    GREETING,
    /** A user utterance detected in the streamed audio (webcall mode). */
    SPEECH,
    /** An {@code input_text.send} in webcall mode (answered with audio). */
    TEXT,
    /** An {@code input_text.send} in chat mode (answered with text only). */
    CHAT
  }

  /** How a reply ended. */
  public enum Outcome {
    /** Every byte of audio and the full transcript were sent. */
    COMPLETED,
    /**
     * The user barged in (speech, or an {@code input_text.send}) while the agent was talking: the
     * agent sent {@code interruption} and no more audio of this reply.
     */
    INTERRUPTED,
    /**
     * The user spoke or sent text again while the agent was still thinking: the reply was dropped
     * before {@code agent_start_talking}, and nothing of it was sent.
     */
    CANCELLED,
    /** The connection ended (or the client sent {@code session.close}) before the reply ended. */
    CLOSED
  }

  /**
   * Creates the record from its components.
   *
   * @param index the reply's number on its connection, from 0 (the greeting, when there is one, is
   *     0)
   * @param kind what prompted the reply
   * @param utterance the user utterance answered ({@link Kind#SPEECH} only), else null
   * @param userText the user {@code transcript} sent before the reply (the utterance's
   *     description, or the text the client sent), or null for a {@link Kind#GREETING}
   * @param replyText the reply's full text
   * @param spokenText the part of {@code replyText} covered by the audio sent: the whole text when
   *     {@link Outcome#COMPLETED}, the words spoken before the cut when {@link
   *     Outcome#INTERRUPTED} or {@link Outcome#CLOSED}, empty when {@link Outcome#CANCELLED}. For
   *     completed and interrupted replies this is the final assistant {@code transcript} sent
   * @param audio every byte sent in this reply's {@code output_audio.delta} frames, in order
   *     (PCM16 mono at {@code sampleRateHz}); empty in chat mode
   * @param plannedAudioBytes the length of the whole reply audio, had it not been cut
   * @param deltaCount how many {@code output_audio.delta} frames the reply sent
   * @param sampleRateHz the connection's negotiated rate
   * @param outcome how the reply ended
   */
  public AgentTurn {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(replyText, "replyText");
    Objects.requireNonNull(spokenText, "spokenText");
    Objects.requireNonNull(outcome, "outcome");
    audio = audio.clone();
  }

  /** {@return a copy of the audio sent in this reply} */
  @Override
  public byte[] audio() {
    return audio.clone();
  }

  /** {@return how many bytes of audio this reply sent; where it was cut when interrupted} */
  public int audioBytes() {
    return audio.length;
  }

  /** {@return how much audio this reply sent, in milliseconds (rounded down)} */
  public long audioMillis() {
    return (audio.length / 2) * 1000L / sampleRateHz;
  }

  /** {@return whether the user barged in on this reply} */
  public boolean interrupted() {
    return outcome == Outcome.INTERRUPTED;
  }

  /** {@return whether this reply ran to its end} */
  public boolean completed() {
    return outcome == Outcome.COMPLETED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentTurn other
        && index == other.index
        && kind == other.kind
        && Objects.equals(utterance, other.utterance)
        && Objects.equals(userText, other.userText)
        && replyText.equals(other.replyText)
        && spokenText.equals(other.spokenText)
        && plannedAudioBytes == other.plannedAudioBytes
        && deltaCount == other.deltaCount
        && sampleRateHz == other.sampleRateHz
        && outcome == other.outcome
        && Arrays.equals(audio, other.audio);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, kind, utterance, userText, replyText, spokenText, outcome)
        + 31 * Arrays.hashCode(audio);
  }

  @Override
  public String toString() {
    return "AgentTurn[index="
        + index
        + ", kind="
        + kind
        + ", outcome="
        + outcome
        + ", userText="
        + userText
        + ", spokenText="
        + spokenText
        + ", audioBytes="
        + audio.length
        + "/"
        + plannedAudioBytes
        + ", deltaCount="
        + deltaCount
        + "]";
  }
}
