package dev.atomsrealtime.transport;

import java.io.IOException;

/**
 * Reported by a transport when the server answered the WebSocket upgrade with an HTTP status
 * other than 101. The session maps it to a typed {@code HandshakeException}.
 */
public final class HandshakeRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String body;

  public HandshakeRefusedException(int statusCode, String body) {
    super("server refused the WebSocket upgrade with HTTP " + statusCode);
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
  }

  /** The HTTP status the server answered with. */
  public int statusCode() {
    return statusCode;
  }

  /** The response body (possibly empty or truncated to 8 KiB). */
  public String body() {
    return body;
  }
}
