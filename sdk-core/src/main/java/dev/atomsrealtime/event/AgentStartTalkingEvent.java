package dev.atomsrealtime.event;

/**
 * {@code agent_start_talking} (also spelled {@code agent.start_talking}): the agent began a reply.
 * Agent audio that follows belongs to this reply; after an {@link InterruptionEvent}, deltas are
 * dropped until the next one of these.
 *
 * @param timestamp the server's ISO-8601 timestamp as sent (possibly without offset), or null
 */
public record AgentStartTalkingEvent(String timestamp) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "agent_start_talking"}. */
  public static final String TYPE = "agent_start_talking";

  @Override
  public String type() {
    return TYPE;
  }
}
