package dev.atomsrealtime.internal;

/**
 * The codec with its audio fast path switched off, for benchmarks that compare it side by side
 * with the shared one (the constructor is package-private in sdk-core).
 */
public final class CodecPaths {
  private CodecPaths() {}

  /**
   * The codec for {@code paths}: {@code fastPath} (the shared instance: the exact canonical audio
   * frame is decoded without the parser) or {@code parserOnly} (every frame through the parser).
   */
  public static EventCodec codec(String paths) {
    switch (paths) {
      case "fastPath":
        return EventCodec.INSTANCE;
      case "parserOnly":
        return new EventCodec(false, null);
      default:
        throw new IllegalArgumentException("unknown codec paths: " + paths);
    }
  }
}
