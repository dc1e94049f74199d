package dev.atomsrealtime;

/** HTTP 503 at the upgrade: the server is draining. Retryable after a backoff. */
public final class ServiceUnavailableException extends HandshakeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param statusCode the HTTP status code
   * @param responseBody the HTTP response body (possibly empty)
   */
  public ServiceUnavailableException(String message, int statusCode, String responseBody) {
    super(message, statusCode, responseBody, true);
  }
}
