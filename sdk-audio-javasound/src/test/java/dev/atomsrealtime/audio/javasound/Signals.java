package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.PcmFormat;

/** Deterministic test signals. */
final class Signals {

  private Signals() {}

  /** A 440 Hz sine at half scale in {@code format} (16-bit little-endian), every channel alike. */
  static byte[] sine(PcmFormat format, int millis) {
    int frames = (int) format.framesForMillis(millis);
    byte[] pcm = new byte[frames * format.bytesPerFrame()];
    int at = 0;
    for (int i = 0; i < frames; i++) {
      short sample =
          (short) Math.round(16_000 * Math.sin(2 * Math.PI * 440 * i / format.sampleRateHz()));
      for (int c = 0; c < format.channels(); c++) {
        pcm[at++] = (byte) sample;
        pcm[at++] = (byte) (sample >> 8);
      }
    }
    return pcm;
  }

  /** {@code bytes} bytes of a fixed pseudo-random pattern (never all zero). */
  static byte[] pattern(int bytes, long seed) {
    byte[] pcm = new byte[bytes];
    long x = seed | 1;
    for (int i = 0; i < bytes; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      pcm[i] = (byte) (x | 1);
    }
    return pcm;
  }

  /** {@code bytes} bytes of {@code value}. */
  static byte[] constant(int bytes, int value) {
    byte[] pcm = new byte[bytes];
    java.util.Arrays.fill(pcm, (byte) value);
    return pcm;
  }
}
