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

  /** The HTTP status code. */
  /** The HTTP status code. */
  private final int statusCode;
  /** The HTTP response body. */
  /** The HTTP response body. */
  private final String responseBody;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param statusCode the HTTP status code
   * @param responseBody the HTTP response body (possibly empty)
   */
  public HandshakeException(String message, int statusCode, String responseBody) {
    this(message, statusCode, responseBody, statusCode >= 500 && statusCode <= 599);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param statusCode the HTTP status code
   * @param responseBody the HTTP response body (possibly empty)
   * @param retryable whether a new attempt may succeed
   */
  protected HandshakeException(
      String message, int statusCode, String responseBody, boolean retryable) {
    super(message, retryable);
    this.statusCode = statusCode;
    this.responseBody = responseBody == null ? "" : responseBody;
  }

  /** {@return the HTTP status of the refusal} */
  public int statusCode() {
    return statusCode;
  }

  /** {@return the HTTP response body (possibly empty; at most 8 KiB)} */
  public String responseBody() {
    return responseBody;
  }
}
