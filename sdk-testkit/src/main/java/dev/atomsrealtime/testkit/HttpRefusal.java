package dev.atomsrealtime.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.java_websocket.handshake.HandshakeImpl1Server;

/**
 * A refused upgrade: a plain HTTP response with a chosen status and body, in place of the 101.
 *
 * <p>Java-WebSocket's own refusal path (throwing {@code InvalidDataException} from {@code
 * onWebsocketHandshakeReceivedAsServer}) always answers {@code 404 WebSocket Upgrade Failure} with
 * an HTML body, whatever the exception says. So the server returns one of these as the "response
 * handshake" instead, and {@link AtomsDraft} writes it out verbatim; the server then flushes it and
 * closes the TCP connection without ever sending a WebSocket frame.
 */
final class HttpRefusal extends HandshakeImpl1Server {
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(408, "Request Timeout"),
          Map.entry(409, "Conflict"),
          Map.entry(410, "Gone"),
          Map.entry(426, "Upgrade Required"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"));

  private final int status;
  private final String body;

  HttpRefusal(int status, String body) {
    if (status < 200 || status > 599 || status == 101) {
      throw new IllegalArgumentException("refusal status must be 200-599, got " + status);
    }
    this.status = status;
    this.body = body == null ? "" : body;
  }

  int status() {
    return status;
  }

  String body() {
    return body;
  }

  /** The complete HTTP/1.1 response: status line, headers and body. */
  byte[] responseBytes() {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String trimmed = body.stripLeading();
    String contentType =
        trimmed.startsWith("{") || trimmed.startsWith("[")
            ? "application/json"
            : "text/plain; charset=utf-8";
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + REASONS.getOrDefault(status, "Error")
            + "\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + content.length
            + "\r\nConnection: close\r\nServer: atoms-fakeserver\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] response = new byte[headBytes.length + content.length];
    System.arraycopy(headBytes, 0, response, 0, headBytes.length);
    System.arraycopy(content, 0, response, headBytes.length, content.length);
    return response;
  }
}
