package dev.atomsrealtime;

import dev.atomsrealtime.event.ErrorEvent;

/**
 * The server accepted the connection but could not set the session up: it sent {@code
 * session.closed} with reason {@code setup_failed} (for example the agent's configuration could
 * not be loaded). A setup failure is never a normal end, whatever close code follows.
 *
 * <p>Not retryable, unless the server's last {@code error} before it carried a code that says a
 * new attempt may succeed ({@code internal_error}, {@code worker_not_ready}, a 5xx code): a session
 * that cannot be set up would fail the same way again, and every attempt is a new, billed call.
 */
public final class SessionSetupException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /** The last {@code error} event, or null. */
  private final ErrorEvent lastError;
  /** The close code that followed. */
  private final int closeCode;

  /**
   * Creates the exception.
   *
   * @param lastError the last {@code error} event, or null
   * @param closeCode the WebSocket close code
   */
  public SessionSetupException(ErrorEvent lastError, int closeCode) {
    super("the server could not set up the session (session.closed setup_failed"
        + (lastError == null ? "" : ", after error " + lastError.code()
            + (lastError.message().isEmpty() ? "" : ": " + lastError.message()))
        + ", close code " + closeCode + ")",
        lastError != null && lastError.isRetryable());
    this.lastError = lastError;
    this.closeCode = closeCode;
  }

  /** {@return the last {@code error} event before the setup failure, or null if none came} */
  public ErrorEvent lastError() {
    return lastError;
  }

  /** {@return the close code that followed} */
  public int closeCode() {
    return closeCode;
  }
}
