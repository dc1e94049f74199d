package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;

/**
 * A simple, deterministic, energy-based voice activity detector for 16-bit little-endian mono PCM:
 * enough to time turns (latency metrics, a simulated agent), not to separate speech from noise.
 *
 * <p>Each chunk fed to {@link #process} is voiced when its RMS level is at or above {@link
 * Builder#thresholdDbfs(double) thresholdDbfs} (levels are relative to a full-scale square wave,
 * so a full-scale sine is -3 dBFS and digital silence is {@code -Infinity}). Speech starts once
 * voiced chunks have lasted {@link Builder#minSpeechMillis(int) minSpeechMillis} without a break,
 * and ends once unvoiced chunks have lasted {@link Builder#hangoverMillis(int) hangoverMillis}, so
 * that the pauses between words do not end a turn. Each transition is reported once, by the
 * {@code process} call that decides it, together with the stream position where the speech really
 * began ({@link #speechStartFrame()}: the first voiced chunk) or really ended ({@link
 * #speechEndFrame()}: after the last voiced chunk). Positions count frames fed since creation or
 * {@link #reset()}; decisions are as fine as the chunks (typically 20 ms).
 *
 * <p>Not thread-safe: one detector per stream, fed from one thread.
 */
public final class VoiceActivityDetector {

  /** What a {@link #process} call decided. */
  public enum Transition {
    /** No change: still silent, or still speaking. */
    NONE,
    /** Speech started; {@link #speechStartFrame()} says where. */
    SPEECH_STARTED,
    /** Speech ended; {@link #speechEndFrame()} says where. */
    SPEECH_ENDED
  }

  private final int sampleRateHz;
  private final double thresholdDbfs;
  private final double thresholdMeanSquare; // threshold as a mean square of 16-bit samples
  private final long minSpeechFrames;
  private final long hangoverFrames;

  private long position; // frames processed
  private boolean speaking;
  private long voicedRunFrames; // while silent: length of the current voiced run
  private long voicedRunStart;
  private long unvoicedRunFrames; // while speaking: length of the current unvoiced run
  private long lastVoicedEnd;
  private long speechStartFrame = -1;
  private long speechEndFrame = -1;
  private double lastLevelDbfs = Double.NEGATIVE_INFINITY;

  private VoiceActivityDetector(Builder builder) {
    this.sampleRateHz = builder.sampleRateHz;
    this.thresholdDbfs = builder.thresholdDbfs;
    double thresholdRms = 32768.0 * Math.pow(10, builder.thresholdDbfs / 20);
    this.thresholdMeanSquare = thresholdRms * thresholdRms;
    this.minSpeechFrames = (long) builder.minSpeechMillis * sampleRateHz / 1000;
    this.hangoverFrames = (long) builder.hangoverMillis * sampleRateHz / 1000;
  }

  /**
   * A detector with the default settings (-40 dBFS, 60 ms minimum speech, 300 ms hangover).
   *
   * @param sampleRateHz the sample rate in Hz
   * @return a detector with the default settings (-40 dBFS, 60 ms minimum speech, 300 ms hangover)
   */
  public static VoiceActivityDetector create(int sampleRateHz) {
    return builder(sampleRateHz).build();
  }

  /**
   * Configures a detector for PCM16 mono at {@code sampleRateHz}.
   *
   * @param sampleRateHz the sample rate in Hz
   * @return a new builder
   */
  public static Builder builder(int sampleRateHz) {
    return new Builder(sampleRateHz);
  }

  /**
   * RMS level of 16-bit little-endian samples in dBFS (0 dBFS is a full-scale square wave), or
   * {@code -Infinity} for digital silence or an empty range.
   *
   * @param pcm16le 16-bit little-endian PCM samples
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return RMS level of 16-bit little-endian samples in dBFS (0 dBFS is a full-scale square
   *     wave), or {@code -Infinity} for digital silence or an empty range
   * @throws IllegalArgumentException if {@code length} is odd
   */
  public static double rmsDbfs(byte[] pcm16le, int offset, int length) {
    long samples = length / 2;
    if (samples == 0) {
      checkLength(length);
      return Double.NEGATIVE_INFINITY;
    }
    double meanSquare = (double) sumOfSquares(pcm16le, offset, length) / samples;
    return meanSquare == 0 ? Double.NEGATIVE_INFINITY
        : 10 * Math.log10(meanSquare / (32768.0 * 32768.0));
  }

  /**
   * Whether this chunk alone is at or above the threshold. Does not change the detector's state.
   *
   * @param pcm16le 16-bit little-endian PCM samples
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return whether this chunk alone is at or above the threshold
   * @throws IllegalArgumentException if {@code length} is odd
   */
  public boolean isVoiced(byte[] pcm16le, int offset, int length) {
    long samples = length / 2;
    long sum = sumOfSquares(pcm16le, offset, length);
    return samples > 0 && sum >= thresholdMeanSquare * samples;
  }

  /**
   * Feeds the next chunk of the stream (any whole number of samples; 10 to 30 ms is typical).
   *
   * @param pcm16le 16-bit little-endian PCM samples
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the transition this chunk decided, if any
   * @throws IllegalArgumentException if {@code length} is odd
   */
  public Transition process(byte[] pcm16le, int offset, int length) {
    long frames = length / 2;
    long sum = sumOfSquares(pcm16le, offset, length);
    lastLevelDbfs = frames == 0 || sum == 0 ? Double.NEGATIVE_INFINITY
        : 10 * Math.log10((double) sum / frames / (32768.0 * 32768.0));
    boolean voiced = frames > 0 && sum >= thresholdMeanSquare * frames;
    long start = position;
    position += frames;
    Transition transition = Transition.NONE;
    if (!speaking) {
      if (voiced) {
        if (voicedRunFrames == 0) {
          voicedRunStart = start;
        }
        voicedRunFrames += frames;
        if (voicedRunFrames >= minSpeechFrames) {
          speaking = true;
          speechStartFrame = voicedRunStart;
          lastVoicedEnd = position;
          unvoicedRunFrames = 0;
          transition = Transition.SPEECH_STARTED;
        }
      } else {
        voicedRunFrames = 0;
      }
    } else {
      if (voiced) {
        lastVoicedEnd = position;
        unvoicedRunFrames = 0;
      } else {
        unvoicedRunFrames += frames;
        if (unvoicedRunFrames >= hangoverFrames) {
          speaking = false;
          speechEndFrame = lastVoicedEnd;
          voicedRunFrames = 0;
          transition = Transition.SPEECH_ENDED;
        }
      }
    }
    return transition;
  }

  /** {@return whether speech has started and not yet ended} */
  public boolean isSpeaking() {
    return speaking;
  }

  /** {@return the RMS level of the last chunk processed, in dBFS} */
  public double lastLevelDbfs() {
    return lastLevelDbfs;
  }

  /** {@return frames fed so far} */
  public long framesProcessed() {
    return position;
  }

  /**
   * {@return where the latest speech began (the first frame of its first voiced chunk), or -1 if
   * none}
   */
  public long speechStartFrame() {
    return speechStartFrame;
  }

  /**
   * {@return where the latest ended speech ended (after its last voiced chunk), or -1 if none yet}
   */
  public long speechEndFrame() {
    return speechEndFrame;
  }

  /** {@return the sample rate positions are counted in} */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** {@return the threshold in dBFS} */
  public double thresholdDbfs() {
    return thresholdDbfs;
  }

  /** Forgets everything: silent, position zero. */
  public void reset() {
    position = 0;
    speaking = false;
    voicedRunFrames = 0;
    voicedRunStart = 0;
    unvoicedRunFrames = 0;
    lastVoicedEnd = 0;
    speechStartFrame = -1;
    speechEndFrame = -1;
    lastLevelDbfs = Double.NEGATIVE_INFINITY;
  }

  private static long sumOfSquares(byte[] pcm, int offset, int length) {
    checkLength(length);
    Backports.checkFromIndexSize(offset, length, pcm.length);
    long sum = 0;
    for (int i = offset, end = offset + length; i < end; i += 2) {
      int s = (short) ((pcm[i + 1] << 8) | (pcm[i] & 0xff));
      sum += s * s;
    }
    return sum;
  }

  private static void checkLength(int length) {
    if ((length & 1) != 0) {
      throw new IllegalArgumentException("odd length " + length + ": PCM16 samples are 2 bytes");
    }
  }

  /** Configures a {@link VoiceActivityDetector}. Not thread-safe. */
  public static final class Builder {
    private final int sampleRateHz;
    private double thresholdDbfs = -40;
    private int minSpeechMillis = 60;
    private int hangoverMillis = 300;

    private Builder(int sampleRateHz) {
      if (sampleRateHz <= 0) {
        throw new IllegalArgumentException("sampleRateHz must be positive, got " + sampleRateHz);
      }
      this.sampleRateHz = sampleRateHz;
    }

    /**
     * Level at or above which a chunk is voiced, in dBFS (default -40, below 0).
     *
     * @param thresholdDbfs the threshold in dBFS
     * @return this builder
     */
    public Builder thresholdDbfs(double thresholdDbfs) {
      if (!(thresholdDbfs < 0)) {
        throw new IllegalArgumentException("thresholdDbfs must be below 0, got " + thresholdDbfs);
      }
      this.thresholdDbfs = thresholdDbfs;
      return this;
    }

    /**
     * How long voiced chunks must last, unbroken, before speech starts (default 60 ms).
     *
     * @param minSpeechMillis the min speech in milliseconds
     * @return this builder
     */
    public Builder minSpeechMillis(int minSpeechMillis) {
      if (minSpeechMillis < 0) {
        throw new IllegalArgumentException("minSpeechMillis must be >= 0, got " + minSpeechMillis);
      }
      this.minSpeechMillis = minSpeechMillis;
      return this;
    }

    /**
     * How long unvoiced chunks must last before speech ends (default 300 ms).
     *
     * @param hangoverMillis the hangover in milliseconds
     * @return this builder
     */
    public Builder hangoverMillis(int hangoverMillis) {
      if (hangoverMillis < 0) {
        throw new IllegalArgumentException("hangoverMillis must be >= 0, got " + hangoverMillis);
      }
      this.hangoverMillis = hangoverMillis;
      return this;
    }

    /**
     * Builds the detector.
     *
     * @return the voice activity detector
     */
    public VoiceActivityDetector build() {
      return new VoiceActivityDetector(this);
    }
  }
}
