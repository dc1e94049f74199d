package dev.atomsrealtime.event;

/**
 * {@code agent_stop_talking} (also spelled {@code agent.stop_talking}): the agent finished sending
 * a reply. Queued audio may still be playing; let it finish.
 *
 * @param timestamp the server's ISO-8601 timestamp as sent (possibly without offset), or null
 */
public record AgentStopTalkingEvent(String timestamp) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "agent_stop_talking"}. */
  public static final String TYPE = "agent_stop_talking";

  @Override
  public String type() {
    return TYPE;
  }
}
