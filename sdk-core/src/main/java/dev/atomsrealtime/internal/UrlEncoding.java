package dev.atomsrealtime.internal;

import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding of query values: everything but unreserved characters is encoded,
 * and a space is {@code %20} (not {@code +}, which some servers keep as a plus).
 */
final class UrlEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UrlEncoding() {}

  public static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
