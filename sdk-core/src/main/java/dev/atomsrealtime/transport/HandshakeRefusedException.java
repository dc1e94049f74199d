package dev.atomsrealtime.transport;

import java.io.IOException;

/**
 * Reported by a transport when the server answered the WebSocket upgrade with an HTTP status
 * other than 101. The session maps it to a typed {@code HandshakeException}.
 */
public final class HandshakeRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status code. */
  /** The HTTP status code. */
  private final int statusCode;
  /** The HTTP response body. */
  /** The HTTP response body. */
  private final String body;

  /**
   * Creates the exception.
   *
   * @param statusCode the HTTP status code
   * @param body the HTTP response body
   */
  public HandshakeRefusedException(int statusCode, String body) {
    super("server refused the WebSocket upgrade with HTTP " + statusCode);
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
  }

  /** {@return the HTTP status the server answered with} */
  public int statusCode() {
    return statusCode;
  }

  /** {@return the response body (possibly empty or truncated to 8 KiB)} */
  public String body() {
    return body;
  }
}
