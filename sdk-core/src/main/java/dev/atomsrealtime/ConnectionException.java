package dev.atomsrealtime;

/**
 * The connection could not be made or was lost: DNS, TCP, TLS (including a certificate that does
 * not match the host, which is not retryable), or a drop without a close frame (1006).
 */
public final class ConnectionException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param retryable whether a new attempt may succeed
   * @param cause the underlying failure, or null
   */
  public ConnectionException(String message, boolean retryable, Throwable cause) {
    super(message, retryable, cause);
  }
}
