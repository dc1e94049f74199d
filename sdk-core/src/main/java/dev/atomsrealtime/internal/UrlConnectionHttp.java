package dev.atomsrealtime.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * {@link RestHttp} over {@link HttpURLConnection}, with the client's TLS context for {@code
 * https}. Response bodies are read up to {@link #MAX_BODY_BYTES}; the rest is dropped.
 */
public final class UrlConnectionHttp implements RestHttp {
  /** The most of a response body that is kept (a call log with a long transcript fits). */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final SSLContext sslContext;

  /** @param sslContext the TLS context for {@code https}, or null for the platform default */
  public UrlConnectionHttp(SSLContext sslContext) {
    this.sslContext = sslContext;
  }

  @Override
  public Response send(String method, URI uri, Map<String, String> headers, byte[] body,
      int timeoutMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      if (sslContext != null && c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(sslContext.getSocketFactory());
      }
      c.setRequestMethod(method);
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      for (Map.Entry<String, String> h : headers.entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      if (body != null) {
        // Buffered, not streamed: in streaming mode the JDK drops the body of a 401.
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Response(status, in == null ? "" : read(in));
    } finally {
      c.disconnect();
    }
  }

  private static String read(InputStream in) throws IOException {
    try (InputStream stream = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = stream.read(buf)) > 0) {
        if (out.size() < MAX_BODY_BYTES) {
          out.write(buf, 0, Math.min(n, MAX_BODY_BYTES - out.size()));
        }
      }
      return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public String toString() {
    return "UrlConnectionHttp";
  }
}
