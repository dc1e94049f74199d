package dev.atomsrealtime.testkit;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One REST request a {@link FakeAtomsServer} received, as it arrived (for assertions), with the
 * status it was answered with.
 *
 * @param method the HTTP method
 * @param path the path, such as {@code /atoms/v1/conversation/register-call}
 * @param headers the request headers (names case-insensitive; the first value of each)
 * @param body the request body as text (empty for none)
 * @param status the HTTP status of the answer
 */
public record RestRequest(String method, String path, Map<String, String> headers, String body,
    int status) {

  /**
   * Copies the headers into a case-insensitive, unmodifiable map.
   *
   * @param method the HTTP method
   * @param path the path
   * @param headers the request headers
   * @param body the request body as text
   * @param status the HTTP status of the answer
   */
  public RestRequest {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * A header's value.
   *
   * @param name the header name, any case
   * @return the value, or null
   */
  public String header(String name) {
    return headers.get(name);
  }

  /** Shows the method, path and status; never the headers (they carry the credential). */
  @Override
  public String toString() {
    return "RestRequest[" + method + " " + path + " -> " + status + "]";
  }
}
