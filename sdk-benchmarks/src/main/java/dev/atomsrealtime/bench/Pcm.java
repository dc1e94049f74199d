package dev.atomsrealtime.bench;

import java.util.Random;

/** Test audio for the codec benchmarks: deterministic, so every run encodes the same bytes. */
final class Pcm {
  /** 24 kHz mono PCM16: 48 bytes per millisecond. */
  static final int BYTES_PER_MILLI = 48;

  private Pcm() {}

  /** {@code bytes} of speech-band noise from a fixed seed (base64 cost does not depend on it). */
  static byte[] noise(int bytes) {
    byte[] pcm = new byte[bytes];
    Random random = new Random(20_240_601L);
    for (int i = 0; i + 1 < bytes; i += 2) {
      short sample = (short) (random.nextGaussian() * 3_000);
      pcm[i] = (byte) sample;
      pcm[i + 1] = (byte) (sample >> 8);
    }
    return pcm;
  }
}
