package dev.atomsrealtime.event;

import dev.atomsrealtime.internal.Backports;
import java.util.Collections;
import java.util.List;

/**
 * {@code session.updated}: the server accepted a {@link SessionUpdateEvent}.
 *
 * @param tools the names of the client tools now declared
 */
public record SessionUpdatedEvent(List<String> tools) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "session.updated"}. */
  public static final String TYPE = "session.updated";

  /**
   * Creates the record from its components.
   *
   * @param tools the names of the client tools now declared
   */
  public SessionUpdatedEvent {
    tools = tools == null ? Collections.<String>emptyList() : Backports.listCopyOf(tools);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
