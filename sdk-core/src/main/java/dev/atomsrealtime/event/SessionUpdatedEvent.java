package dev.atomsrealtime.event;

import java.util.List;

/**
 * {@code session.updated}: the server accepted a {@link SessionUpdateEvent}.
 *
 * @param tools the names of the client tools now declared
 */
public record SessionUpdatedEvent(List<String> tools) implements ServerEvent {
  public static final String TYPE = "session.updated";

  public SessionUpdatedEvent {
    tools = tools == null ? List.of() : List.copyOf(tools);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
