package dev.atomsrealtime.event;

/**
 * {@code error}: the server reports a problem. Codes are open-ended: {@code invalid_event},
 * {@code invalid_json}, {@code no_session}, {@code internal_error}, {@code worker_not_ready},
 * {@code too_many_updates}, tool codes, and HTTP statuses as strings ({@code "503"}). A fatal
 * error is followed by close code 4000.
 *
 * @param code the error code, or {@code "unknown"} when the server sent none
 * @param message the human-readable message, possibly empty
 */
public record ErrorEvent(String code, String message) implements ServerEvent {
  /** The wire {@code type} of this event, {@code "error"}. */
  public static final String TYPE = "error";

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Whether a new session may succeed after this error closed the current one: true only for
   * {@code internal_error}, {@code worker_not_ready} and 5xx status strings.
   *
   * @return whether a new session may succeed after this error closed the current one: true only
   *     for {@code internal_error}, {@code worker_not_ready} and 5xx status strings
   */
  public boolean isRetryable() {
    if ("internal_error".equals(code) || "worker_not_ready".equals(code)) {
      return true;
    }
    return code != null && code.length() == 3 && code.charAt(0) == '5'
        && Character.isDigit(code.charAt(1)) && Character.isDigit(code.charAt(2));
  }
}
