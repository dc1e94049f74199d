package dev.atomsrealtime.event;

/**
 * {@code transcript}: the final, authoritative text of a turn (for the agent, what was really
 * heard). May be missing for some turns; in chat mode the agent's replies arrive only as these.
 *
 * @param role who spoke
 * @param rawRole the role as sent on the wire (for example {@code assistant})
 * @param text the final text of the turn
 */
public record TranscriptEvent(Role role, String rawRole, String text) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "transcript"}. */
  public static final String TYPE = "transcript";

  @Override
  public String type() {
    return TYPE;
  }
}
