package dev.atomsrealtime.audio;

/**
 * A streaming, band-limited sample-rate converter for interleaved float samples: a polyphase
 * windowed-sinc (Kaiser) filter for any rational ratio between two integer rates.
 *
 * <p>Design. For input rate {@code fin} and output rate {@code fout}, with {@code L/M =
 * fout/fin} in lowest terms, the output sample {@code n} is the band-limited interpolation of the
 * input at time {@code n * M / L} input samples. The interpolation kernel is a sinc low-pass whose
 * pass band ends at {@value #PASSBAND_FRACTION} of the lower of the two Nyquist frequencies and
 * whose stop band starts exactly at that Nyquist frequency, windowed by a Kaiser window designed
 * for {@value #STOPBAND_ATTENUATION_DB} dB stop-band attenuation. Everything above the lower
 * Nyquist frequency (what would alias when downsampling, or the spectral images when upsampling)
 * is suppressed by about that much (measured: 90 dB and more). The kernel is tabulated once per
 * instance for the {@code L} phases, each phase normalised to unity gain at DC, so the
 * steady-state cost is {@link #tapsPerPhase()} multiply-adds per output sample per channel (56 for
 * 16 to 24 kHz, 84 for 24 to 16 kHz, 108 for 48 to 24 kHz) and nothing is allocated.
 *
 * <p>Alignment. The kernel is symmetric and centred on the output instant, so output is
 * time-aligned with input (no group delay to compensate): output sample {@code n} corresponds to
 * input time {@code n * fin / fout}. The input before the first sample is taken as silence. The
 * price is latency: an output sample is produced only once {@link #lookaheadFrames()} later input
 * frames have arrived; {@link #finish} emits the remaining tail at the end of the stream, so that a
 * whole stream of {@code N} input frames yields exactly {@code ceil(N * fout / fin)} output frames.
 *
 * <p>Not thread-safe: one thread feeds one instance (the audio pipeline's thread).
 */
public final class Resampler {

  /** The pass band ends at this fraction of the lower Nyquist frequency. */
  public static final double PASSBAND_FRACTION = 0.8;

  /** Designed stop-band attenuation of the Kaiser window, in dB. */
  public static final double STOPBAND_ATTENUATION_DB = 85.0;

  private final int inputRateHz;
  private final int outputRateHz;
  private final int channels;
  private final int upFactor; // L
  private final int downFactor; // M
  private final int halfTaps; // H: taps i in [-H+1, H] around the output instant
  private final int taps; // 2H
  private final float[] coefficients; // [phase * taps + (i + H - 1)]

  // Streaming state, touched only by the feeding thread.
  private float[] history; // interleaved input frames; history[0] is absolute frame historyStart
  private int historyFrames;
  private long historyStart;
  private long nextCenter; // absolute input frame k of the next output (instant k + phase / L)
  private int nextPhase;
  private long inputFramesTotal;

  private Resampler(int inputRateHz, int outputRateHz, int channels) {
    if (inputRateHz <= 0 || outputRateHz <= 0) {
      throw new IllegalArgumentException(
          "rates must be positive, got " + inputRateHz + " -> " + outputRateHz);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    this.inputRateHz = inputRateHz;
    this.outputRateHz = outputRateHz;
    this.channels = channels;
    int gcd = gcd(inputRateHz, outputRateHz);
    this.upFactor = outputRateHz / gcd;
    this.downFactor = inputRateHz / gcd;

    // Filter design, in units of input samples.
    double lowerNyquistHz = Math.min(inputRateHz, outputRateHz) / 2.0;
    double stopEdge = lowerNyquistHz / inputRateHz; // cycles per input sample
    double passEdge = PASSBAND_FRACTION * stopEdge;
    double cutoff = (passEdge + stopEdge) / 2; // -6 dB point
    double transition = stopEdge - passEdge;
    double attenuation = STOPBAND_ATTENUATION_DB;
    double beta = 0.1102 * (attenuation - 8.7);
    // Kaiser's estimate of the kernel length (in input samples) for this transition width.
    double length = (attenuation - 7.95) / (2.285 * 2 * Math.PI * transition);
    double halfWidth = length / 2;
    int half = (int) Math.ceil(halfWidth);
    this.halfTaps = half + (half & 1); // even, so that taps is a multiple of 4 (unrolled loop)
    this.taps = 2 * halfTaps;
    this.coefficients = new float[upFactor * taps];
    double i0Beta = besselI0(beta);
    for (int phase = 0; phase < upFactor; phase++) {
      double frac = (double) phase / upFactor;
      double sum = 0;
      double[] row = new double[taps];
      for (int j = 0; j < taps; j++) {
        int i = j - halfTaps + 1; // input frame offset from the centre k
        double t = frac - i; // distance from the output instant, in input samples
        double value = 0;
        if (Math.abs(t) < halfWidth) {
          double r = t / halfWidth;
          double window = besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
          value = 2 * cutoff * sinc(2 * cutoff * t) * window;
        }
        row[j] = value;
        sum += value;
      }
      for (int j = 0; j < taps; j++) {
        coefficients[phase * taps + j] = (float) (row[j] / sum);
      }
    }
    this.history = new float[(taps + 1024) * channels];
    reset();
  }

  /**
   * Creates a resampler from {@code inputRateHz} to {@code outputRateHz} for {@code channels}
   * interleaved channels. Equal rates are allowed but pointless (the output is the input low-passed
   * at {@value #PASSBAND_FRACTION} of Nyquist); {@link PcmConverter} skips resampling then.
   *
   * @param inputRateHz the input rate in Hz
   * @param outputRateHz the output rate in Hz
   * @param channels the number of channels
   * @return the resampler
   * @throws IllegalArgumentException if a rate or the channel count is not positive
   */
  public static Resampler create(int inputRateHz, int outputRateHz, int channels) {
    return new Resampler(inputRateHz, outputRateHz, channels);
  }

  /** {@return the input rate in Hz} */
  public int inputRateHz() {
    return inputRateHz;
  }

  /** {@return the output rate in Hz} */
  public int outputRateHz() {
    return outputRateHz;
  }

  /** {@return interleaved channels per frame, in and out} */
  public int channels() {
    return channels;
  }

  /** {@return kernel taps per output sample and channel (the cost of one output sample)} */
  public int tapsPerPhase() {
    return taps;
  }

  /**
   * Input frames that must follow an instant before the output sample for that instant can be
   * computed: the converter's latency, in input frames.
   *
   * @return input frames that must follow an instant before the output sample for that instant can
   *     be computed: the converter's latency, in input frames
   */
  public int lookaheadFrames() {
    return halfTaps;
  }

  /**
   * An upper bound of the frames {@link #process} writes for {@code inputFrames} input frames; size
   * the output array with it.
   *
   * @param inputFrames the number of input frames
   * @return an upper bound of the frames {@link #process} writes for {@code inputFrames} input
   *     frames; size the output array with it
   */
  public int maxOutputFrames(int inputFrames) {
    return (int) ((long) inputFrames * upFactor / downFactor) + 2;
  }

  /**
   * {@return an upper bound of the frames {@link #finish} writes; size the output array with it}
   */
  public int maxTailFrames() {
    return (int) ((long) (halfTaps + 1) * upFactor / downFactor) + 2;
  }

  /**
   * Feeds {@code inputFrames} interleaved frames from {@code input} (starting at sample index
   * {@code inputOffset}) and writes every output frame that can now be computed to {@code output}
   * (starting at sample index {@code outputOffset}).
   *
   * @param input the input samples
   * @param inputOffset where the input starts
   * @param inputFrames the number of input frames
   * @param output the tool's output
   * @param outputOffset where the output starts
   * @return the output frames written (at most {@link #maxOutputFrames(int)
   *     maxOutputFrames(inputFrames)}, possibly zero at the start of a stream)
   * @throws IllegalArgumentException if {@code inputFrames} is negative
   * @throws ArrayIndexOutOfBoundsException if an array is too small
   */
  public int process(float[] input, int inputOffset, int inputFrames, float[] output,
      int outputOffset) {
    if (inputFrames < 0) {
      throw new IllegalArgumentException("inputFrames must be >= 0, got " + inputFrames);
    }
    append(input, inputOffset, inputFrames);
    inputFramesTotal += inputFrames;
    return produce(output, outputOffset, Long.MAX_VALUE);
  }

  /**
   * Ends the stream: writes the output frames still owed for the input fed so far (the input after
   * the end is taken as silence), then {@link #reset() resets} for a new stream.
   *
   * @param output the tool's output
   * @param outputOffset where the output starts
   * @return the output frames written (at most {@link #maxTailFrames()})
   */
  public int finish(float[] output, int outputOffset) {
    // Output instants strictly before the end of the input are owed; they need H more frames.
    long zeroFrames = halfTaps + 1;
    ensureCapacity(historyFrames + (int) zeroFrames);
    java.util.Arrays.fill(history, historyFrames * channels,
        (historyFrames + (int) zeroFrames) * channels, 0f);
    historyFrames += (int) zeroFrames;
    int written = produce(output, outputOffset, inputFramesTotal);
    reset();
    return written;
  }

  /** Drops all history and pending input: the next input starts a new stream after silence. */
  public void reset() {
    historyFrames = halfTaps - 1; // silence before the first input frame
    java.util.Arrays.fill(history, 0, historyFrames * channels, 0f);
    historyStart = -(halfTaps - 1);
    nextCenter = 0;
    nextPhase = 0;
    inputFramesTotal = 0;
  }

  private void append(float[] input, int inputOffset, int inputFrames) {
    ensureCapacity(historyFrames + inputFrames);
    System.arraycopy(input, inputOffset, history, historyFrames * channels, inputFrames * channels);
    historyFrames += inputFrames;
  }

  private void ensureCapacity(int frames) {
    if (frames * channels > history.length) {
      history = java.util.Arrays.copyOf(history, Math.max(frames * channels, history.length * 2));
    }
  }

  /** Computes outputs whose centre frame is below {@code centreLimit} while input suffices. */
  private int produce(float[] output, int outputOffset, long centreLimit) {
    final float[] h = history;
    final float[] c = coefficients;
    final int ch = channels;
    final int n = taps;
    long historyEnd = historyStart + historyFrames; // exclusive, absolute
    int written = 0;
    int out = outputOffset;
    long k = nextCenter;
    int phase = nextPhase;
    while (k + halfTaps < historyEnd && k < centreLimit) {
      int first = (int) (k - halfTaps + 1 - historyStart); // history frame of tap 0
      int coefBase = phase * n;
      if (ch == 1) {
        // Four independent sums let the CPU overlap the multiply-adds; taps % 4 == 0.
        float acc0 = 0f;
        float acc1 = 0f;
        float acc2 = 0f;
        float acc3 = 0f;
        for (int j = 0; j < n; j += 4) {
          int x = first + j;
          int y = coefBase + j;
          acc0 += h[x] * c[y];
          acc1 += h[x + 1] * c[y + 1];
          acc2 += h[x + 2] * c[y + 2];
          acc3 += h[x + 3] * c[y + 3];
        }
        output[out++] = (acc0 + acc1) + (acc2 + acc3);
      } else {
        int base = first * ch;
        for (int channel = 0; channel < ch; channel++) {
          float acc = 0f;
          int idx = base + channel;
          for (int j = 0; j < n; j++, idx += ch) {
            acc += h[idx] * c[coefBase + j];
          }
          output[out++] = acc;
        }
      }
      written++;
      phase += downFactor;
      if (phase >= upFactor) {
        k += phase / upFactor;
        phase %= upFactor;
      }
    }
    nextCenter = k;
    nextPhase = phase;
    // Keep only what future outputs can still need: frames from k - H + 1 on.
    long keepFrom = Math.min(k - halfTaps + 1, historyEnd);
    int drop = (int) (keepFrom - historyStart);
    if (drop > 0) {
      int remaining = historyFrames - drop;
      System.arraycopy(h, drop * ch, h, 0, remaining * ch);
      historyFrames = remaining;
      historyStart = keepFrom;
    }
    return written;
  }

  private static double sinc(double x) {
    if (x == 0) {
      return 1;
    }
    double px = Math.PI * x;
    return Math.sin(px) / px;
  }

  /** Modified Bessel function of the first kind, order zero (power series). */
  private static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double halfX = x / 2;
    for (int k = 1; k < 64; k++) {
      term *= (halfX / k) * (halfX / k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
