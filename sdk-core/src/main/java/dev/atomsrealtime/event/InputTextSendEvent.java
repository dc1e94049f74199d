package dev.atomsrealtime.event;

/**
 * {@code input_text.send}: a user turn as text. In webcall mode the reply is audio, and it
 * interrupts a speaking agent.
 *
 * @param text the non-empty text
 */
public record InputTextSendEvent(String text) implements ClientEvent {
  /** The wire {@code type} of this event, {@code "input_text.send"}. */
  public static final String TYPE = "input_text.send";

  @Override
  public String type() {
    return TYPE;
  }
}
