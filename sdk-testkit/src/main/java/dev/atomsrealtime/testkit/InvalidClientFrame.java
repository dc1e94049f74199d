package dev.atomsrealtime.testkit;

/**
 * A frame from the client that could not be decoded as a client event: not JSON, not a JSON object,
 * not UTF-8, or a known event with fields of the wrong shape (an {@code input_audio_buffer.append}
 * whose audio is not base64, an {@code input_text.send} without text). Frames of an unknown {@code
 * type} are not invalid: they decode to {@link dev.atomsrealtime.event.UnknownClientEvent}.
 *
 * @param text the frame as received (binary frames decoded as UTF-8, malformed bytes replaced)
 * @param binary whether it arrived in a binary frame
 * @param type the frame's {@code type} if it could be read, else null
 * @param problem what is wrong with it
 */
public record InvalidClientFrame(String text, boolean binary, String type, String problem) {

  /**
   * {@return whether the frame parsed as a JSON object (so its problem is its content, not its
   * syntax)}
   */
  public boolean isJson() {
    return type != null;
  }

  /** Describes the frame without its content, which may hold audio. */
  @Override
  public String toString() {
    return "InvalidClientFrame[type="
        + type
        + ", binary="
        + binary
        + ", chars="
        + text.length()
        + ", problem="
        + problem
        + "]";
  }
}
