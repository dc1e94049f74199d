package dev.atomsrealtime.event;

/**
 * {@code interruption}: the user barged in. Playback must stop at once and queued agent audio is
 * discarded; deltas still arriving are stale until the next {@link AgentStartTalkingEvent}.
 */
public record InterruptionEvent() implements ServerEvent {
  /** The wire {@code type} of this event, {@code "interruption"}. */
  public static final String TYPE = "interruption";

  @Override
  public String type() {
    return TYPE;
  }
}
