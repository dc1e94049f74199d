package dev.atomsrealtime.transport.javawebsocket;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidHandshakeException;

/**
 * The client draft's first job: when the server answers the upgrade with anything but 101, keep
 * the HTTP status and body (the library itself reports only a generic protocol error), waiting
 * for the whole body when a {@code Content-Length} says how long it is (at most 8 KiB).
 *
 * <p>Read thread only, except the volatile results.
 */
final class HandshakeRefusal {
  private static final int MAX_BODY_BYTES = 8 * 1024;

  private volatile int status = -1;
  private volatile String body = "";

  /** The refusing status, or -1 if the upgrade was not refused. */
  int status() {
    return status;
  }

  /** The refusal's body, possibly empty. */
  String body() {
    return body;
  }

  /**
   * Looks at the server's response in {@code buf}: returns normally if it is a 101 (or not yet
   * readable), for the library to go on; otherwise records the refusal and throws.
   *
   * @throws IncompleteHandshakeException when more of a refusal's body is due
   * @throws InvalidHandshakeException when the upgrade was refused (after recording it)
   */
  void check(ByteBuffer buf) throws InvalidHandshakeException {
    int start = buf.position();
    int code = statusOf(buf, start);
    if (code == 101 || code == -1) {
      return;
    }
    status = code;
    int headerEnd = indexOf(buf, start, "\r\n\r\n");
    if (headerEnd < 0) {
      throw new IncompleteHandshakeException(Math.max(buf.remaining() * 2, 1024));
    }
    String headers =
        new String(bytes(buf, start, headerEnd), StandardCharsets.ISO_8859_1)
            .toLowerCase(Locale.ROOT);
    int bodyStart = headerEnd + 4;
    int available = buf.limit() - bodyStart;
    int contentLength = contentLength(headers);
    if (contentLength > available && contentLength <= MAX_BODY_BYTES) {
      throw new IncompleteHandshakeException(bodyStart - start + contentLength);
    }
    int bodyLength = Math.min(Math.min(available, MAX_BODY_BYTES),
        contentLength >= 0 ? contentLength : Integer.MAX_VALUE);
    body = new String(bytes(buf, bodyStart, bodyStart + bodyLength), StandardCharsets.UTF_8);
    ((Buffer) buf).position(buf.limit());
    throw new InvalidHandshakeException("HTTP " + code);
  }

  /** The status code of an HTTP status line at {@code start}, or -1 if not (yet) readable. */
  private static int statusOf(ByteBuffer buf, int start) {
    int lineEnd = indexOf(buf, start, "\r\n");
    if (lineEnd < 0) {
      return -1;
    }
    String line = new String(bytes(buf, start, lineEnd), StandardCharsets.ISO_8859_1);
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return -1;
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int contentLength(String lowerHeaders) {
    for (String line : lowerHeaders.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        try {
          return Integer.parseInt(line.substring("content-length:".length()).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static int indexOf(ByteBuffer buf, int from, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = from; i <= buf.limit() - n.length; i++) {
      for (int k = 0; k < n.length; k++) {
        if (buf.get(i + k) != n[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(ByteBuffer buf, int from, int to) {
    byte[] out = new byte[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.get(from + i);
    }
    return out;
  }
}
