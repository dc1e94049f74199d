package dev.atomsrealtime;

/**
 * HTTP 401 or 403 at the upgrade, or close code 4401/4403: the credential is wrong, expired or
 * already used (call tokens are single-use), lacks permission, or the agent is unknown to it.
 * Never retryable with the same credential.
 */
public final class AuthenticationException extends HandshakeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param statusCode the HTTP status code
   * @param responseBody the HTTP response body (possibly empty)
   */
  public AuthenticationException(String message, int statusCode, String responseBody) {
    super(message, statusCode, responseBody, false);
  }
}
