package dev.atomsrealtime;

import dev.atomsrealtime.event.ErrorEvent;

/**
 * The server ended the session after an {@code error} event (close code 4000). Retryable only for
 * {@code internal_error}, {@code worker_not_ready} and 5xx codes.
 */
public final class ServerErrorException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /** The server's error event. */
  private final ErrorEvent error;
  /** The close code that followed. */
  private final int closeCode;

  /**
   * Creates the exception.
   *
   * @param error the error
   * @param closeCode the WebSocket close code
   */
  public ServerErrorException(ErrorEvent error, int closeCode) {
    super(
        "server error " + error.code() + (error.message().isEmpty() ? "" : ": " + error.message())
            + " (close code " + closeCode + ")",
        error.isRetryable());
    this.error = error;
    this.closeCode = closeCode;
  }

  /** {@return the server's error event} */
  public ErrorEvent error() {
    return error;
  }

  /** {@return the server's error code (for example {@code internal_error})} */
  public String code() {
    return error.code();
  }

  /** {@return the close code that followed (normally 4000)} */
  public int closeCode() {
    return closeCode;
  }
}
