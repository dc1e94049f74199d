package dev.atomsrealtime.internal;

/** Small measurements on signed 16-bit little-endian PCM. Stateless. */
public final class Pcm16 {
  /** The level reported for digital silence. */
  public static final double SILENCE_DBFS = -120.0;

  private Pcm16() {}

  /** RMS level of the samples in {@code pcm[offset, offset+length)}, in dBFS. */
  public static double rmsDbfs(byte[] pcm, int offset, int length) {
    int samples = length / 2;
    if (samples == 0) {
      return SILENCE_DBFS;
    }
    long sumSquares = 0;
    for (int i = offset, end = offset + samples * 2; i < end; i += 2) {
      int s = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
      sumSquares += (long) s * s;
    }
    if (sumSquares == 0) {
      return SILENCE_DBFS;
    }
    double rms = Math.sqrt((double) sumSquares / samples);
    return Math.max(SILENCE_DBFS, 20 * Math.log10(rms / 32768.0));
  }
}
