package dev.atomsrealtime.tools;

import dev.atomsrealtime.AtomsException;

/**
 * The server refused a tool declaration ({@code session.update}) with an {@code error}: {@code
 * invalid_tools} (for example two tools with one name), {@code tool_name_conflict} (a name taken
 * by another tool), {@code client_tools_managed_by_config} (the name belongs to a tool configured
 * on the dashboard) or {@code too_many_updates}. The tools declared before stay in place. Not
 * retryable as it is: change the declaration (or, for {@code too_many_updates}, wait).
 */
public final class ToolDeclarationException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /** The server's error code. */
  private final String code;

  /**
   * @param code the server's error code
   * @param message the server's message
   */
  public ToolDeclarationException(String code, String message) {
    super("the server refused the tools: " + code + (message == null || message.isEmpty()
        ? "" : ": " + message), false);
    this.code = code;
  }

  /**
   * The server's error code, such as {@code tool_name_conflict}.
   *
   * @return the code
   */
  public String code() {
    return code;
  }

  /**
   * Whether {@code code} is one of the codes that refuse a tool declaration.
   *
   * @param code an error code
   * @return true for {@code invalid_tools}, {@code tool_name_conflict}, {@code
   *     client_tools_managed_by_config} and {@code too_many_updates}
   */
  public static boolean isDeclarationCode(String code) {
    return "invalid_tools".equals(code) || "tool_name_conflict".equals(code)
        || "client_tools_managed_by_config".equals(code) || "too_many_updates".equals(code);
  }
}
