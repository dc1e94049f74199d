package dev.atomsrealtime;

/**
 * The server refused the WebSocket upgrade with an HTTP error. Subtypes say what to do:
 * {@link AuthenticationException} (fix the credential or agent), {@link
 * UpgradeNotHonouredException} (fix the network path), {@link ServiceUnavailableException} (retry
 * later). Other statuses arrive as this type: a 5xx is retryable, anything else (4xx, an
 * unexpected 2xx or 3xx) is not.
 */
public class HandshakeException extends AtomsException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String responseBody;

  public HandshakeException(String message, int statusCode, String responseBody) {
    this(message, statusCode, responseBody, statusCode >= 500 && statusCode <= 599);
  }

  protected HandshakeException(
      String message, int statusCode, String responseBody, boolean retryable) {
    super(message, retryable);
    this.statusCode = statusCode;
    this.responseBody = responseBody == null ? "" : responseBody;
  }

  /** The HTTP status of the refusal. */
  public int statusCode() {
    return statusCode;
  }

  /** The HTTP response body (possibly empty; at most 8 KiB). */
  public String responseBody() {
    return responseBody;
  }
}
