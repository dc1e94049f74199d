package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Measures the resampler against ideal signals. Outputs are time-aligned with the input (see the
 * class Javadoc of {@link Resampler}), so the ideal output is the same sine evaluated at the output
 * rate; the first and last kernel lengths are skipped (the stream starts and ends in silence).
 */
@Timeout(value = 10, unit = SECONDS)
class ResamplerTest {

  private static final double AMPLITUDE = 16_000; // about -6 dBFS on the 16-bit scale
  private static final double SECONDS_OF_SIGNAL = 0.5;

  /** In-band tones must come out as the ideal sine with an error at least 80 dB below it. */
  @ParameterizedTest(name = "{0} Hz -> {1} Hz, {2} Hz tone: SNR vs ideal sine > 80 dB")
  @CsvSource({
      "48000, 24000, 1000", "48000, 24000, 5000", "16000, 24000, 1000", "16000, 24000, 5000",
      "24000, 48000, 1000", "24000, 48000, 5000", "24000, 16000, 1000", "24000, 16000, 5000",
      "8000, 24000, 1000", "8000, 24000, 3000", "24000, 8000, 1000", "44100, 24000, 5000",
      "22050, 24000, 1000", "22050, 24000, 5000", "11025, 16000, 1000", "32000, 44100, 5000",
      "44100, 48000, 5000", "48000, 44100, 5000"})
  void inBandToneMatchesIdealSine(int inRateHz, int outRateHz, double toneHz) {
    float[] out = resampleSine(inRateHz, outRateHz, toneHz, 1, 333);
    int skip = 4 * Resampler.create(inRateHz, outRateHz, 1).lookaheadFrames() * outRateHz
        / inRateHz + 8;
    double signal = 0;
    double error = 0;
    for (int n = skip; n < out.length - skip; n++) {
      double ideal = AMPLITUDE * Math.sin(2 * Math.PI * toneHz * n / outRateHz);
      signal += ideal * ideal;
      error += (out[n] - ideal) * (out[n] - ideal);
    }
    double snrDb = 10 * Math.log10(signal / error);
    System.out.printf("SNR %d->%d %.0f Hz: %.1f dB%n", inRateHz, outRateHz, toneHz, snrDb);
    assertTrue(snrDb > 80, "SNR " + snrDb + " dB, want > 80 dB");
  }

  /** Tones above the output Nyquist frequency must not alias into the output. */
  @ParameterizedTest(name = "{0} Hz -> {1} Hz, {2} Hz tone: attenuated >= 80 dB")
  @CsvSource({
      "48000, 24000, 12500", "48000, 24000, 15000", "48000, 24000, 18000", "48000, 24000, 23000",
      "24000, 16000, 9000", "24000, 16000, 11000", "24000, 8000, 5000", "44100, 24000, 15000",
      "48000, 16000, 10000", "22050, 16000, 10000"})
  void toneAboveOutputNyquistIsAttenuated(int inRateHz, int outRateHz, double toneHz) {
    float[] out = resampleSine(inRateHz, outRateHz, toneHz, 1, 480);
    int skip = 4 * Resampler.create(inRateHz, outRateHz, 1).lookaheadFrames() * outRateHz
        / inRateHz + 8;
    double attenuationDb = 20 * Math.log10(rms(out, skip, out.length - skip)
        / (AMPLITUDE / Math.sqrt(2)));
    System.out.printf("alias %d->%d %.0f Hz: %.1f dB%n", inRateHz, outRateHz, toneHz,
        attenuationDb);
    assertTrue(attenuationDb <= -80, "aliased tone at " + attenuationDb + " dB, want <= -80 dB");
  }

  /** Upsampling must not leave spectral images: a tone at f leaves almost nothing at fin - f. */
  @ParameterizedTest(name = "{0} Hz -> {1} Hz, {2} Hz tone: image at fin - f >= 80 dB down")
  @CsvSource({"16000, 24000, 6000", "16000, 24000, 5000", "8000, 24000, 3000",
      "24000, 48000, 9000", "22050, 24000, 8000"})
  void upsamplingSuppressesImages(int inRateHz, int outRateHz, double toneHz) {
    float[] out = resampleSine(inRateHz, outRateHz, toneHz, 1, 160);
    int skip = 4 * Resampler.create(inRateHz, outRateHz, 1).lookaheadFrames() * outRateHz
        / inRateHz + 8;
    double tone = goertzelAmplitude(out, skip, out.length - skip, toneHz, outRateHz);
    double image = goertzelAmplitude(out, skip, out.length - skip, inRateHz - toneHz, outRateHz);
    double imageDb = 20 * Math.log10(image / tone);
    System.out.printf("image %d->%d %.0f Hz: %.1f dB%n", inRateHz, outRateHz, toneHz, imageDb);
    assertTrue(imageDb <= -80, "image at " + imageDb + " dB relative to the tone, want <= -80 dB");
    assertEquals(AMPLITUDE, tone, AMPLITUDE * 0.001, "tone amplitude");
  }

  @Test
  void streamLengthIsExactlyTheRateRatioRoundedUp() {
    int[][] cases = {{48000, 24000, 1001}, {16000, 24000, 1001}, {44100, 48000, 4410},
        {24000, 16000, 7}, {8000, 24000, 1}, {22050, 24000, 22050}};
    for (int[] c : cases) {
      Resampler resampler = Resampler.create(c[0], c[1], 2);
      float[] in = new float[c[2] * 2];
      float[] out = new float[(resampler.maxOutputFrames(c[2]) + resampler.maxTailFrames()) * 2];
      int frames = resampler.process(in, 0, c[2], out, 0);
      frames += resampler.finish(out, frames * 2);
      long expected = ((long) c[2] * c[1] + c[0] - 1) / c[0];
      assertEquals(expected, frames, c[0] + "->" + c[1] + " of " + c[2] + " frames");
    }
  }

  @Test
  void chunkingDoesNotChangeOutput() {
    float[] input = new float[9000 * 2];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) (AMPLITUDE * Math.sin(i * 0.37) * Math.cos(i * 0.011));
    }
    float[] oneShot = run(Resampler.create(44100, 16000, 2), input, 9000);
    float[] chunked = run(Resampler.create(44100, 16000, 2), input, 1, 7, 441, 2, 960, 3);
    assertArrayEquals(oneShot, chunked);
  }

  @Test
  void resetStartsANewStream() {
    Resampler resampler = Resampler.create(16000, 24000, 1);
    float[] input = new float[500];
    java.util.Arrays.fill(input, 1000f);
    float[] first = run(resampler, input, 500);
    resampler.process(input, 0, 123, new float[1000], 0);
    resampler.reset();
    float[] second = run(resampler, input, 500);
    assertArrayEquals(first, second);
  }

  @Test
  void dcPassesWithUnityGain() {
    Resampler resampler = Resampler.create(24000, 16000, 1);
    float[] input = new float[4800];
    java.util.Arrays.fill(input, 10_000f);
    float[] out = run(resampler, input, 4800);
    for (int n = 200; n < out.length - 200; n++) {
      assertEquals(10_000f, out[n], 0.05f, "sample " + n);
    }
  }

  private static float[] resampleSine(int inRateHz, int outRateHz, double toneHz, int channels,
      int chunkFrames) {
    int frames = (int) (inRateHz * SECONDS_OF_SIGNAL);
    float[] input = new float[frames * channels];
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        input[i * channels + c] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * toneHz * i
            / inRateHz));
      }
    }
    return run(Resampler.create(inRateHz, outRateHz, channels), input, chunkFrames);
  }

  /** Feeds {@code input} in chunks of the given sizes (cycled), then finishes. */
  private static float[] run(Resampler resampler, float[] input, int... chunkFrames) {
    int channels = resampler.channels();
    int frames = input.length / channels;
    float[] out = new float[(resampler.maxOutputFrames(frames) + resampler.maxTailFrames()
        + 2 * frames / Math.max(1, chunkFrames[0])) * channels + 64];
    int outFrames = 0;
    int pos = 0;
    for (int i = 0; pos < frames; i++) {
      int n = Math.min(chunkFrames[i % chunkFrames.length], frames - pos);
      outFrames += resampler.process(input, pos * channels, n, out, outFrames * channels);
      pos += n;
    }
    outFrames += resampler.finish(out, outFrames * channels);
    return java.util.Arrays.copyOf(out, outFrames * channels);
  }

  private static double rms(float[] x, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (double) x[i] * x[i];
    }
    return Math.sqrt(sum / (to - from));
  }

  /** Amplitude of the {@code hz} component of {@code x[from, to)} (Hann-windowed DFT bin). */
  static double goertzelAmplitude(float[] x, int from, int to, double hz, int rateHz) {
    int n = to - from;
    double re = 0;
    double im = 0;
    double windowSum = 0;
    for (int i = 0; i < n; i++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
      double phase = 2 * Math.PI * hz * (from + i) / rateHz;
      re += w * x[from + i] * Math.cos(phase);
      im += w * x[from + i] * Math.sin(phase);
      windowSum += w;
    }
    return 2 * Math.hypot(re, im) / windowSum;
  }
}
