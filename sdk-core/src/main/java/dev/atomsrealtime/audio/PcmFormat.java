package dev.atomsrealtime.audio;

/**
 * An audio format: sample rate, channel count, bits per sample, byte order and sample encoding.
 * {@link SampleEncoding#LINEAR Linear} samples are signed integers (16, 24 or 32 bits) or
 * unsigned 8-bit; {@link SampleEncoding#MU_LAW mu-law} and {@link SampleEncoding#A_LAW A-law}
 * samples are the 8-bit codes of ITU-T G.711 (telephone audio, usually at 8 kHz: see {@link
 * #muLaw(int)} and {@link #aLaw(int)}). Samples are interleaved by channel.
 *
 * <p>The Atoms wire format is {@link #pcm16Mono(int) signed 16-bit little-endian mono} at the
 * session's negotiated rate. Byte sizes are always derived from frames through this type.
 *
 * @param sampleRateHz frames per second, 1000 to 192000
 * @param channels interleaved channels, 1 to 8
 * @param bitsPerSample 8, 16, 24 or 32 (always 8 for G.711)
 * @param bigEndian byte order of multi-byte samples
 * @param encoding how a sample's bits map to a value
 */
public record PcmFormat(int sampleRateHz, int channels, int bitsPerSample, boolean bigEndian,
    SampleEncoding encoding) {

  /**
   * Checks the values.
   *
   * @param sampleRateHz frames per second, 1000 to 192000
   * @param channels interleaved channels, 1 to 8
   * @param bitsPerSample 8, 16, 24 or 32 (8 for G.711)
   * @param bigEndian byte order of multi-byte samples
   * @param encoding how a sample's bits map to a value
   * @throws IllegalArgumentException if a value is out of range, or a G.711 encoding is given
   *     with other than 8 bits per sample
   * @throws NullPointerException if {@code encoding} is null
   */
  public PcmFormat {
    java.util.Objects.requireNonNull(encoding, "encoding");
    if (encoding != SampleEncoding.LINEAR && bitsPerSample != 8) {
      throw new IllegalArgumentException(encoding + " samples are 8 bits, got " + bitsPerSample);
    }
    if (sampleRateHz < 1000 || sampleRateHz > 192_000) {
      throw new IllegalArgumentException("sampleRateHz must be 1000..192000, got " + sampleRateHz);
    }
    if (channels < 1 || channels > 8) {
      throw new IllegalArgumentException("channels must be 1..8, got " + channels);
    }
    if (bitsPerSample != 8 && bitsPerSample != 16 && bitsPerSample != 24 && bitsPerSample != 32) {
      throw new IllegalArgumentException("bitsPerSample must be 8, 16, 24 or 32, got " + bitsPerSample);
    }
  }

  /**
   * A linear PCM format: signed samples, or unsigned ones for 8 bits per sample.
   *
   * @param sampleRateHz frames per second, 1000 to 192000
   * @param channels interleaved channels, 1 to 8
   * @param bitsPerSample 8, 16, 24 or 32
   * @param bigEndian byte order of multi-byte samples
   * @throws IllegalArgumentException if a value is out of range
   */
  public PcmFormat(int sampleRateHz, int channels, int bitsPerSample, boolean bigEndian) {
    this(sampleRateHz, channels, bitsPerSample, bigEndian, SampleEncoding.LINEAR);
  }

  /**
   * Signed 16-bit little-endian mono at {@code sampleRateHz}: the Atoms wire format.
   *
   * @param sampleRateHz frames per second
   * @return the format
   */
  public static PcmFormat pcm16Mono(int sampleRateHz) {
    return new PcmFormat(sampleRateHz, 1, 16, false);
  }

  /**
   * Signed 16-bit little-endian with {@code channels} channels.
   *
   * @param sampleRateHz frames per second
   * @param channels interleaved channels
   * @return the format
   */
  public static PcmFormat pcm16(int sampleRateHz, int channels) {
    return new PcmFormat(sampleRateHz, channels, 16, false);
  }

  /**
   * G.711 mu-law mono at {@code sampleRateHz} (8000 on a telephone line): North American and
   * Japanese telephony, Twilio Media Streams.
   *
   * @param sampleRateHz frames per second
   * @return the format
   */
  public static PcmFormat muLaw(int sampleRateHz) {
    return new PcmFormat(sampleRateHz, 1, 8, false, SampleEncoding.MU_LAW);
  }

  /**
   * G.711 A-law mono at {@code sampleRateHz} (8000 on a telephone line): European and most other
   * telephony.
   *
   * @param sampleRateHz frames per second
   * @return the format
   */
  public static PcmFormat aLaw(int sampleRateHz) {
    return new PcmFormat(sampleRateHz, 1, 8, false, SampleEncoding.A_LAW);
  }

  /** {@return bytes in one sample of one channel} */
  public int bytesPerSample() {
    return bitsPerSample / 8;
  }

  /** {@return bytes in one frame (one sample for every channel)} */
  public int bytesPerFrame() {
    return bytesPerSample() * channels;
  }

  /**
   * Bytes that {@code frames} frames occupy.
   *
   * @param frames a number of frames
   * @return bytes that {@code frames} frames occupy
   */
  public long bytesForFrames(long frames) {
    return frames * bytesPerFrame();
  }

  /**
   * Whole frames in {@code bytes} bytes (a trailing partial frame is not counted).
   *
   * @param bytes a number of bytes
   * @return whole frames in {@code bytes} bytes (a trailing partial frame is not counted)
   */
  public long framesForBytes(long bytes) {
    return bytes / bytesPerFrame();
  }

  /**
   * Frames in {@code millis} milliseconds, rounded down.
   *
   * @param millis a duration in milliseconds
   * @return frames in {@code millis} milliseconds, rounded down
   */
  public long framesForMillis(long millis) {
    return millis * sampleRateHz / 1000;
  }

  /**
   * Bytes in {@code millis} milliseconds of audio, always a whole number of frames.
   *
   * @param millis a duration in milliseconds
   * @return bytes in {@code millis} milliseconds of audio, always a whole number of frames
   */
  public int bytesForMillis(long millis) {
    return Math.toIntExact(bytesForFrames(framesForMillis(millis)));
  }

  /**
   * Duration of {@code frames} frames in milliseconds, rounded down.
   *
   * @param frames a number of frames
   * @return duration of {@code frames} frames in milliseconds, rounded down
   */
  public long millisForFrames(long frames) {
    return frames * 1000 / sampleRateHz;
  }

  /**
   * Duration of {@code bytes} bytes in milliseconds, rounded down.
   *
   * @param bytes a number of bytes
   * @return duration of {@code bytes} bytes in milliseconds, rounded down
   */
  public long millisForBytes(long bytes) {
    return millisForFrames(framesForBytes(bytes));
  }

  /**
   * {@return whether this is the Atoms wire format at some rate: signed 16-bit little-endian mono}
   */
  public boolean isPcm16Mono() {
    return channels == 1 && bitsPerSample == 16 && !bigEndian;
  }

  @Override
  public String toString() {
    String order = bitsPerSample == 8 ? "" : bigEndian ? " BE" : " LE";
    String kind = encoding == SampleEncoding.MU_LAW ? "G.711 mu-law"
        : encoding == SampleEncoding.A_LAW ? "G.711 A-law"
        : bitsPerSample == 8 ? "PCM u8" : "PCM s" + bitsPerSample;
    return kind + order + " " + sampleRateHz + " Hz " + (channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + " ch");
  }
}
