package dev.atomsrealtime.internal;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The REST client's HTTP seam: one request, one response, on the calling thread. The default is
 * {@link UrlConnectionHttp} ({@code HttpURLConnection}, present on Android and the JDK alike).
 */
public interface RestHttp {

  /** A response: the status and the body as text (possibly empty). */
  final class Response {
    private final int status;
    private final String body;

    /**
     * @param status the HTTP status
     * @param body the body, never null
     */
    public Response(int status, String body) {
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public String body() {
      return body;
    }
  }

  /**
   * Sends one request and reads the whole response, blocking the calling thread.
   *
   * @param method {@code GET} or {@code POST}
   * @param uri the full URI
   * @param headers request headers (they carry the credential: never log them)
   * @param body the request body, or null for none
   * @param timeoutMillis the connect and the read timeout
   * @throws java.net.SocketTimeoutException when a timeout runs out
   * @throws IOException when the request fails
   */
  Response send(String method, URI uri, Map<String, String> headers, byte[] body,
      int timeoutMillis) throws IOException;
}
