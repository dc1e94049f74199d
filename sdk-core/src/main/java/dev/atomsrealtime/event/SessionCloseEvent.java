package dev.atomsrealtime.event;

/** {@code session.close}: asks the server to end the session gracefully. */
public record SessionCloseEvent() implements ClientEvent {
  public static final String TYPE = "session.close";

  @Override
  public String type() {
    return TYPE;
  }
}
