package dev.atomsrealtime.transport;

import dev.atomsrealtime.internal.Backports;
import dev.atomsrealtime.internal.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What a transport needs to open one WebSocket connection.
 *
 * <p>{@link #toString()} redacts the {@code Authorization} header and the {@code token} query
 * parameter: a credential never reaches a log through this type.
 *
 * @param uri the full {@code ws://} or {@code wss://} URI, query included
 * @param headers extra HTTP headers for the upgrade request (may hold the credential)
 * @param connectTimeout bound on establishing the TCP connection
 * @param sslContext the TLS context for {@code wss://}, or null for the platform default
 */
public record TransportRequest(
    URI uri, Map<String, String> headers, Duration connectTimeout, SSLContext sslContext) {

  /**
   * Creates the record from its components.
   *
   * @param uri the full {@code ws://} or {@code wss://} URI, query included
   * @param headers extra HTTP headers for the upgrade request (may hold the credential)
   * @param connectTimeout bound on establishing the TCP connection
   * @param sslContext the TLS context for {@code wss://}, or null for the platform default
   */
  public TransportRequest {
    Objects.requireNonNull(uri, "uri");
    headers = Backports.mapCopyOf(headers);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /** {@return the URI with any {@code token} query value redacted, safe to log} */
  public String redactedUri() {
    return Redaction.redactUri(uri);
  }

  @Override
  public String toString() {
    return "TransportRequest[uri=" + redactedUri() + ", headers=" + Redaction.redactHeaders(headers)
        + ", connectTimeout=" + connectTimeout + ", customTls=" + (sslContext != null) + "]";
  }
}
