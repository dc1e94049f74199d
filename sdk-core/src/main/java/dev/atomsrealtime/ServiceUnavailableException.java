package dev.atomsrealtime;

/** HTTP 503 at the upgrade: the server is draining. Retryable after a backoff. */
public final class ServiceUnavailableException extends HandshakeException {
  private static final long serialVersionUID = 1L;

  public ServiceUnavailableException(String message, int statusCode, String responseBody) {
    super(message, statusCode, responseBody, true);
  }
}
