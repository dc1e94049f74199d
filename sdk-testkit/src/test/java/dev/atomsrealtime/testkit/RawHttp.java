package dev.atomsrealtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Sends one WebSocket upgrade request over a plain socket and reads the whole response. */
final class RawHttp {
  record Response(int status, String statusLine, Map<String, String> headers, String body) {}

  private RawHttp() {}

  static Response upgrade(int port, String target, Map<String, String> extraHeaders)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      StringBuilder request = new StringBuilder();
      request.append("GET ").append(target).append(" HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
      request.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
      request.append("Sec-WebSocket-Version: 13\r\n");
      extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // A refusal is followed by the server closing the connection, so read to the end.
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) != -1; ) {
        all.write(buf, 0, n);
      }
      return parse(all.toString(StandardCharsets.UTF_8));
    }
  }

  private static Response parse(String response) {
    int headEnd = response.indexOf("\r\n\r\n");
    String head = headEnd < 0 ? response : response.substring(0, headEnd);
    String body = headEnd < 0 ? "" : response.substring(headEnd + 4);
    String[] lines = head.split("\r\n");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    return new Response(status, lines[0], headers, body);
  }
}
