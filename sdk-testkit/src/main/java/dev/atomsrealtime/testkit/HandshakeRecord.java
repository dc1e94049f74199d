package dev.atomsrealtime.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One WebSocket upgrade request the {@link FakeAtomsServer} received, and what it answered.
 *
 * <p>Immutable. {@link #toString()} never shows the credential: the {@code Authorization} header,
 * the {@code token} query parameter and {@link #credential()} are printed as {@code <redacted>}.
 * The accessors return them as sent, so tests can assert on them.
 *
 * @param path the request path, without the query
 * @param rawQuery the query as sent (still percent-encoded), or an empty string
 * @param queryParameters the query parameters, percent-decoded, in order; when a name repeats the
 *     first value is kept
 * @param headers the request headers; lookups ignore case (repeated headers are joined with {@code
 *     "; "})
 * @param credential the credential presented (the header's when both were sent), or null
 * @param credentialSource where the credential was found
 * @param accepted whether the upgrade was accepted
 * @param httpStatus 101 when accepted, else the refusal status
 * @param responseBody the refusal body, or an empty string when accepted
 */
public record HandshakeRecord(
    String path,
    String rawQuery,
    Map<String, String> queryParameters,
    Map<String, String> headers,
    String credential,
    CredentialSource credentialSource,
    boolean accepted,
    int httpStatus,
    String responseBody) {

  /** Where a handshake carried its credential. */
  public enum CredentialSource {
    /** No credential at all. */
    NONE,
    /** {@code Authorization: Bearer <credential>}. */
    HEADER,
    /** The {@code token} query parameter. */
    QUERY,
    /** Both the header and the query parameter (the protocol forbids it; refused with 400). */
    BOTH
  }

  private static final String REDACTED = "<redacted>";
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");

  /**
   * Creates the record from its components.
   *
   * @param path the request path, without the query
   * @param rawQuery the query as sent (still percent-encoded), or an empty string
   * @param queryParameters the query parameters, percent-decoded, in order; when a name repeats
   *     the first value is kept
   * @param headers the request headers; lookups ignore case (repeated headers are joined with
   *     {@code "; "})
   * @param credential the credential presented (the header's when both were sent), or null
   * @param credentialSource where the credential was found
   * @param accepted whether the upgrade was accepted
   * @param httpStatus 101 when accepted, else the refusal status
   * @param responseBody the refusal body, or an empty string when accepted
   */
  public HandshakeRecord {
    queryParameters = Collections.unmodifiableMap(new LinkedHashMap<>(queryParameters));
    Map<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    sorted.putAll(headers);
    headers = Collections.unmodifiableMap(sorted);
    rawQuery = rawQuery == null ? "" : rawQuery;
    responseBody = responseBody == null ? "" : responseBody;
  }

  /**
   * The value of the header {@code name} (any case), or null.
   *
   * @param name the name
   * @return the value of the header {@code name} (any case), or null
   */
  public String header(String name) {
    return headers.get(name);
  }

  /**
   * The percent-decoded value of the query parameter {@code name}, or null.
   *
   * @param name the name
   * @return the percent-decoded value of the query parameter {@code name}, or null
   */
  public String queryParameter(String name) {
    return queryParameters.get(name);
  }

  /** Describes the handshake with the credential, auth headers and token redacted. */
  @Override
  public String toString() {
    Map<String, String> safeHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, value) ->
            safeHeaders.put(
                name, SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? REDACTED : value));
    Map<String, String> safeQuery = new LinkedHashMap<>(queryParameters);
    safeQuery.computeIfPresent("token", (k, v) -> REDACTED);
    return "HandshakeRecord[path="
        + path
        + ", rawQuery="
        + redactQuery(rawQuery)
        + ", queryParameters="
        + safeQuery
        + ", headers="
        + safeHeaders
        + ", credential="
        + (credential == null ? null : REDACTED)
        + ", credentialSource="
        + credentialSource
        + ", accepted="
        + accepted
        + ", httpStatus="
        + httpStatus
        + ", responseBody="
        + responseBody
        + "]";
  }

  /** The raw query with the value of every {@code token} parameter replaced. */
  static String redactQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return rawQuery;
    }
    StringBuilder out = new StringBuilder(rawQuery.length());
    for (String part : rawQuery.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      if ("token".equals(decodeOrRaw(name))) {
        out.append(name).append('=').append(REDACTED);
      } else {
        out.append(part);
      }
    }
    return out.toString();
  }

  private static String decodeOrRaw(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
