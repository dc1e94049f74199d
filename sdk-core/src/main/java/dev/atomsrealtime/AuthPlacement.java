package dev.atomsrealtime;

/** Where the credential goes in the upgrade request. Never both. */
public enum AuthPlacement {
  /** {@code Authorization: Bearer <credential>} (the default: stays out of URLs and logs). */
  HEADER,
  /**
   * The {@code token} query parameter, for proxies that drop headers. URLs are redacted in
   * everything the SDK logs or throws, but proxies on the path may log them.
   */
  QUERY
}
