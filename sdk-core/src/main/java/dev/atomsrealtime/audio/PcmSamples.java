package dev.atomsrealtime.audio;

/**
 * Reading and writing one PCM sample of any {@link PcmFormat} as a float on the 16-bit scale: the
 * sample-format half of {@link PcmConverter}, which does the channel mapping, resampling and
 * streaming around it. Exact for 8, 16 and 24-bit input; 32-bit input keeps its top 24 bits;
 * G.711 codes go through {@link G711} on the 16-bit scale, so they are exact to and from PCM16.
 * Writing rounds half up and clips at full scale.
 *
 * <p>Stateless; formats are named by the int codes of {@link #code(PcmFormat)} so that the
 * converter's per-sample loop is a switch on a final field.
 */
final class PcmSamples {
  static final int U8 = 0;
  static final int S16_LE = 1;
  static final int S16_BE = 2;
  static final int S24_LE = 3;
  static final int S24_BE = 4;
  static final int S32_LE = 5;
  static final int S32_BE = 6;
  static final int MU_LAW = 7;
  static final int A_LAW = 8;

  private PcmSamples() {}

  /** The code of {@code format}'s sample encoding. */
  static int code(PcmFormat format) {
    if (format.encoding() == SampleEncoding.MU_LAW) {
      return MU_LAW;
    }
    if (format.encoding() == SampleEncoding.A_LAW) {
      return A_LAW;
    }
    switch (format.bitsPerSample()) {
      case 8:
        return U8;
      case 16:
        return format.bigEndian() ? S16_BE : S16_LE;
      case 24:
        return format.bigEndian() ? S24_BE : S24_LE;
      default:
        return format.bigEndian() ? S32_BE : S32_LE;
    }
  }

  /** The sample of encoding {@code code} at {@code b[p]} as a float on the 16-bit scale. */
  static float read(int code, byte[] b, int p) {
    switch (code) {
      case U8:
        return ((b[p] & 0xff) - 128) * 256f;
      case MU_LAW:
        return G711.muLawToLinear(b[p]);
      case A_LAW:
        return G711.aLawToLinear(b[p]);
      case S16_LE:
        return (short) ((b[p + 1] << 8) | (b[p] & 0xff));
      case S16_BE:
        return (short) ((b[p] << 8) | (b[p + 1] & 0xff));
      case S24_LE:
        return ((b[p + 2] << 16) | ((b[p + 1] & 0xff) << 8) | (b[p] & 0xff)) * (1f / 256f);
      case S24_BE:
        return ((b[p] << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff)) * (1f / 256f);
      case S32_LE:
        return (((b[p + 3] << 24) | ((b[p + 2] & 0xff) << 16) | ((b[p + 1] & 0xff) << 8)
            | (b[p] & 0xff)) >> 8) * (1f / 256f);
      default: // S32_BE
        return (((b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8)
            | (b[p + 3] & 0xff)) >> 8) * (1f / 256f);
    }
  }

  /** Writes {@code v} (16-bit scale) at {@code b[p]} in encoding {@code code}, rounded, clipped. */
  static void write(int code, float v, byte[] b, int p) {
    switch (code) {
      case U8: {
        int s = clamp(Math.round(v * (1f / 256f)), -128, 127) + 128;
        b[p] = (byte) s;
        return;
      }
      case S16_LE: {
        int s = clamp(Math.round(v), -32768, 32767);
        b[p] = (byte) s;
        b[p + 1] = (byte) (s >> 8);
        return;
      }
      case MU_LAW:
        b[p] = (byte) G711.linearToMuLaw(clamp(Math.round(v), -32768, 32767));
        return;
      case A_LAW:
        b[p] = (byte) G711.linearToALaw(clamp(Math.round(v), -32768, 32767));
        return;
      case S16_BE: {
        int s = clamp(Math.round(v), -32768, 32767);
        b[p] = (byte) (s >> 8);
        b[p + 1] = (byte) s;
        return;
      }
      case S24_LE: {
        int s = clamp(Math.round(v * 256f), -8_388_608, 8_388_607);
        b[p] = (byte) s;
        b[p + 1] = (byte) (s >> 8);
        b[p + 2] = (byte) (s >> 16);
        return;
      }
      case S24_BE: {
        int s = clamp(Math.round(v * 256f), -8_388_608, 8_388_607);
        b[p] = (byte) (s >> 16);
        b[p + 1] = (byte) (s >> 8);
        b[p + 2] = (byte) s;
        return;
      }
      case S32_LE: {
        int s = (int) Math.max(Integer.MIN_VALUE,
            Math.min(Integer.MAX_VALUE, Math.round(v * 65536.0)));
        b[p] = (byte) s;
        b[p + 1] = (byte) (s >> 8);
        b[p + 2] = (byte) (s >> 16);
        b[p + 3] = (byte) (s >> 24);
        return;
      }
      default: { // S32_BE
        int s = (int) Math.max(Integer.MIN_VALUE,
            Math.min(Integer.MAX_VALUE, Math.round(v * 65536.0)));
        b[p] = (byte) (s >> 24);
        b[p + 1] = (byte) (s >> 16);
        b[p + 2] = (byte) (s >> 8);
        b[p + 3] = (byte) s;
      }
    }
  }

  private static int clamp(int v, int min, int max) {
    return v < min ? min : Math.min(v, max);
  }
}
