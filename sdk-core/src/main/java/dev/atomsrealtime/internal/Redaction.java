package dev.atomsrealtime.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Keeps credentials out of anything that may be logged or put in a message. */
public final class Redaction {
  private static final String MASK = "<redacted>";

  private Redaction() {}

  /** The URI as text with the value of any {@code token} query parameter replaced. */
  public static String redactUri(URI uri) {
    String raw = uri.getRawQuery();
    if (raw == null) {
      return uri.toString();
    }
    StringBuilder query = new StringBuilder();
    for (String part : raw.split("&", -1)) {
      if (query.length() > 0) {
        query.append('&');
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      if (name.equalsIgnoreCase("token") || name.equalsIgnoreCase("api_key")) {
        query.append(name).append('=').append(MASK);
      } else {
        query.append(part);
      }
    }
    String s = uri.toString();
    int q = s.indexOf('?');
    return s.substring(0, q + 1) + query;
  }

  /** The headers with credential-bearing values replaced. */
  public static Map<String, String> redactHeaders(Map<String, String> headers) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (k, v) -> {
          String lower = k.toLowerCase(Locale.ROOT);
          boolean secret =
              lower.equals("authorization")
                  || lower.equals("proxy-authorization")
                  || lower.contains("token")
                  || lower.contains("api-key")
                  || lower.equals("cookie");
          out.put(k, secret ? MASK : v);
        });
    return out;
  }

  /** Removes every occurrence of {@code secret} from {@code text} (null-safe). */
  public static String scrub(String text, String secret) {
    if (text == null || secret == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret, MASK);
  }
}
