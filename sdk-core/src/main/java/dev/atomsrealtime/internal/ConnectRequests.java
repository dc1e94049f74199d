package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AuthPlacement;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.transport.TransportRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** Builds the upgrade request of one connection attempt (PROTOCOL.md §1). Stateless. */
final class ConnectRequests {
  private ConnectRequests() {}

  /**
   * The request for {@code options} with {@code credential} in the {@code Authorization} header,
   * or in the {@code token} query parameter when the options ask for it; never both.
   */
  static TransportRequest build(SessionOptions options, String credential, URI baseUrl,
      SSLContext sslContext) {
    Map<String, String> query = new LinkedHashMap<>();
    if (options.agentId() != null) {
      query.put("agent_id", options.agentId());
    }
    query.put("mode", options.mode().wireName());
    query.put("sample_rate", Integer.toString(options.sampleRateHz()));
    if (!options.variables().isEmpty()) {
      query.put("variables", EventCodec.INSTANCE.variablesJson(options.variables()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (options.authPlacement() == AuthPlacement.QUERY) {
      query.put("token", credential);
    } else {
      headers.put("Authorization", "Bearer " + credential);
    }
    String base = baseUrl.toString();
    StringBuilder uri = new StringBuilder(base.endsWith("/")
        ? base.substring(0, base.length() - 1) : base);
    uri.append(AtomsClient.CONNECT_PATH);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      uri.append(sep).append(e.getKey()).append('=').append(UrlEncoding.encode(e.getValue()));
      sep = '&';
    }
    return new TransportRequest(
        URI.create(uri.toString()), headers, options.connectTimeout(), sslContext);
  }
}
