package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;

/**
 * ITU-T G.711 companding between 16-bit linear PCM and 8-bit mu-law and A-law codes, as the ITU's
 * reference software (G.191) does it: a 16-bit sample is reduced to the law's 14-bit (mu-law) or
 * 13-bit (A-law) range, negative values by one's complement, and coded in eight segments of
 * sixteen steps; a code decodes to the middle of its step, on the 16-bit scale (mu-law: 0 to
 * ±32124; A-law: ±8 to ±32256). Codes are as sent on the line (mu-law magnitude bits inverted,
 * A-law even bits inverted).
 *
 * <p>{@link PcmConverter} uses this for {@link SampleEncoding#MU_LAW} and {@link
 * SampleEncoding#A_LAW} formats; applications that handle single samples or buffers themselves
 * can call it directly. Stateless and thread-safe; decoding is a table lookup.
 */
public final class G711 {
  private static final short[] MU_LAW_DECODED = new short[256];
  private static final short[] A_LAW_DECODED = new short[256];

  static {
    for (int code = 0; code < 256; code++) {
      MU_LAW_DECODED[code] = (short) expandMuLaw(code);
      A_LAW_DECODED[code] = (short) expandALaw(code);
    }
  }

  private G711() {}

  /**
   * Decodes a mu-law code.
   *
   * @param code the code, 0 to 255 (higher bits are ignored)
   * @return the 16-bit linear value
   */
  public static short muLawToLinear(int code) {
    return MU_LAW_DECODED[code & 0xff];
  }

  /**
   * Decodes an A-law code.
   *
   * @param code the code, 0 to 255 (higher bits are ignored)
   * @return the 16-bit linear value
   */
  public static short aLawToLinear(int code) {
    return A_LAW_DECODED[code & 0xff];
  }

  /**
   * Encodes a 16-bit linear sample as mu-law.
   *
   * @param sample the sample, -32768 to 32767
   * @return the code, 0 to 255
   */
  public static int linearToMuLaw(int sample) {
    int magnitude = (sample < 0 ? ~sample : sample) >> 2; // 14-bit scale, one's complement
    int biased = Math.min(magnitude + 33, 0x1FFF);
    // biased >= 33: its top bit is bit 5 (segment 0) to bit 12 (segment 7).
    int segment = 26 - Integer.numberOfLeadingZeros(biased);
    int step = (biased >> (segment + 1)) & 0x0F;
    int code = (segment << 4) | step;
    return (sample >= 0 ? 0x80 : 0) | (code ^ 0x7F); // magnitude bits are sent inverted
  }

  /**
   * Encodes a 16-bit linear sample as A-law.
   *
   * @param sample the sample, -32768 to 32767
   * @return the code, 0 to 255
   */
  public static int linearToALaw(int sample) {
    int magnitude = (sample < 0 ? ~sample : sample) >> 4; // 12-bit magnitude, one's complement
    int code;
    if (magnitude < 16) {
      code = magnitude; // segment 0: steps as wide as segment 1's
    } else {
      // magnitude's top bit is bit 4 (segment 1) to bit 11 (segment 7).
      int segment = 28 - Integer.numberOfLeadingZeros(magnitude);
      code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F);
    }
    return (sample >= 0 ? 0x80 | code : code) ^ 0x55;
  }

  /**
   * Decodes {@code length} mu-law codes into 16-bit little-endian PCM.
   *
   * @param codes the codes
   * @param offset where they start
   * @param length how many
   * @param pcm where the samples go: {@code 2 * length} bytes from {@code pcmOffset}
   * @param pcmOffset where the first sample goes
   */
  public static void muLawToPcm16(byte[] codes, int offset, int length, byte[] pcm,
      int pcmOffset) {
    decode(MU_LAW_DECODED, codes, offset, length, pcm, pcmOffset);
  }

  /**
   * Decodes {@code length} A-law codes into 16-bit little-endian PCM.
   *
   * @param codes the codes
   * @param offset where they start
   * @param length how many
   * @param pcm where the samples go: {@code 2 * length} bytes from {@code pcmOffset}
   * @param pcmOffset where the first sample goes
   */
  public static void aLawToPcm16(byte[] codes, int offset, int length, byte[] pcm,
      int pcmOffset) {
    decode(A_LAW_DECODED, codes, offset, length, pcm, pcmOffset);
  }

  private static void decode(short[] table, byte[] codes, int offset, int length, byte[] pcm,
      int pcmOffset) {
    Backports.checkFromIndexSize(offset, length, codes.length);
    Backports.checkFromIndexSize(pcmOffset, 2 * length, pcm.length);
    for (int i = 0, p = pcmOffset; i < length; i++, p += 2) {
      short v = table[codes[offset + i] & 0xff];
      pcm[p] = (byte) v;
      pcm[p + 1] = (byte) (v >> 8);
    }
  }

  /** The middle of a mu-law code's step, on the 16-bit scale. */
  private static int expandMuLaw(int code) {
    int bits = ~code & 0x7F;
    int segment = bits >> 4;
    int step = bits & 0x0F;
    // Segment s covers biased values [32 << s, 64 << s) in steps of 2 << s; less the bias of 33.
    int magnitude = (((2 * step + 33) << segment) - 33) << 2;
    return (code & 0x80) != 0 ? magnitude : -magnitude;
  }

  /** The middle of an A-law code's step, on the 16-bit scale. */
  private static int expandALaw(int code) {
    int plain = (code ^ 0x55) & 0xFF;
    int segment = (plain >> 4) & 0x07;
    int step = plain & 0x0F;
    int magnitude = segment == 0 ? (2 * step + 1) << 3 : (2 * step + 33) << (segment + 2);
    return (plain & 0x80) != 0 ? magnitude : -magnitude;
  }
}
