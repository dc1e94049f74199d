package dev.atomsrealtime;

/**
 * HTTP 400 {@code "Invalid agent id"} at the upgrade: the WebSocket upgrade did not reach the
 * server as one (typically a proxy or CDN that speaks HTTP/2 or strips the {@code Upgrade}
 * header), so the request fell through to a REST route. Not an authentication problem, and not
 * retryable until the network path changes.
 */
public final class UpgradeNotHonouredException extends HandshakeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param statusCode the HTTP status code
   * @param responseBody the HTTP response body (possibly empty)
   */
  public UpgradeNotHonouredException(String message, int statusCode, String responseBody) {
    super(message, statusCode, responseBody, false);
  }
}
