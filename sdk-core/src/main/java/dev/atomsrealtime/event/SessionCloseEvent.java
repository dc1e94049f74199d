package dev.atomsrealtime.event;

/** {@code session.close}: asks the server to end the session gracefully. */
public record SessionCloseEvent() implements ClientEvent {
  /** The wire {@code type} of this event, {@code "session.close"}. */
  public static final String TYPE = "session.close";

  @Override
  public String type() {
    return TYPE;
  }
}
