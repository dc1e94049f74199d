package dev.atomsrealtime.event;

import dev.atomsrealtime.internal.Backports;
import java.util.List;

/**
 * {@code session.update}: declares the client tools; the whole set replaces the previous one.
 * Answered by {@link SessionUpdatedEvent} or an {@link ErrorEvent}.
 *
 * @param tools the tools to declare
 */
public record SessionUpdateEvent(List<ToolDefinition> tools) implements ClientEvent {
  /** The wire {@code type} of this event, {@code "session.update"}. */
  public static final String TYPE = "session.update";

  /**
   * Creates the record from its components.
   *
   * @param tools the tools to declare
   */
  public SessionUpdateEvent {
    tools = Backports.listCopyOf(tools);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
