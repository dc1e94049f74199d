package dev.atomsrealtime.internal;

/**
 * Codecs with the audio fast paths switched off, for benchmarks that compare them side by side
 * with the shared one (the constructor is package-private in sdk-core).
 */
public final class CodecPaths {
  private CodecPaths() {}

  /**
   * The codec for {@code paths}: {@code fastPaths} (the shared instance: canonical form, then the
   * top-level scan), {@code canonicalOnly} (the scan off) or {@code parserOnly} (both off).
   */
  public static EventCodec codec(String paths) {
    switch (paths) {
      case "fastPaths":
        return EventCodec.INSTANCE;
      case "canonicalOnly":
        return new EventCodec(true, false, null);
      case "parserOnly":
        return new EventCodec(false, false, null);
      default:
        throw new IllegalArgumentException("unknown codec paths: " + paths);
    }
  }
}
