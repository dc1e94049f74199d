package dev.atomsrealtime.event;

/**
 * {@code transcript.delta} (also {@code transcript_delta}): the text of the current turn so far.
 * The text is cumulative: it replaces the previous delta of the same turn, it is not appended.
 *
 * @param role who is speaking
 * @param rawRole the role as sent on the wire (for example {@code assistant})
 * @param text the cumulative text of the turn
 */
public record TranscriptDeltaEvent(Role role, String rawRole, String text) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "transcript.delta"}. */
  public static final String TYPE = "transcript.delta";

  @Override
  public String type() {
    return TYPE;
  }
}
