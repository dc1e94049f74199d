package dev.atomsrealtime.event;

/**
 * {@code session.closed}: the server ended the session; it closes the socket next.
 *
 * @param reason {@code client_requested}, {@code websocket_closed}, {@code ended} (the agent ended
 *     the call), {@code setup_failed}, or another value (the set is open)
 */
public record SessionClosedEvent(String reason) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "session.closed"}. */
  public static final String TYPE = "session.closed";

  /** The reason sent when the client asked to close. */
  public static final String CLIENT_REQUESTED = "client_requested";
  /** The reason sent when the agent ended the call. */
  public static final String ENDED = "ended";
  /** The reason sent when the server could not set the session up: a failure, not an end. */
  public static final String SETUP_FAILED = "setup_failed";

  @Override
  public String type() {
    return TYPE;
  }
}
