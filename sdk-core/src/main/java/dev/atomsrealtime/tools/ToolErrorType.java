package dev.atomsrealtime.tools;

/**
 * Why a tool call got an error output instead of its handler's. The output the agent gets is
 * always one JSON object of this shape:
 *
 * <pre>{@code
 * {"error": {"type": "handler_failed", "tool": "get_weather", "message": "..."}}
 * }</pre>
 *
 * where {@code type} is {@link #wireName()}.
 */
public enum ToolErrorType {
  /** No handler is registered for the tool the agent called. */
  UNKNOWN_TOOL("unknown_tool"),
  /** The arguments could not be bound to the handler's argument class. */
  INVALID_ARGUMENTS("invalid_arguments"),
  /** The handler threw; the message is the exception's type and message. */
  HANDLER_FAILED("handler_failed"),
  /** The handler did not finish before its deadline; it was interrupted. */
  TIMEOUT("timeout"),
  /**
   * The handler's output was over 65,536 UTF-8 bytes, which the server refuses; it was not sent.
   */
  OUTPUT_TOO_LARGE("output_too_large");

  private final String wireName;

  ToolErrorType(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The {@code type} in the error output.
   *
   * @return the name, such as {@code handler_failed}
   */
  public String wireName() {
    return wireName;
  }
}
