package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resampler's kernel and bookkeeping: interleaved channels are filtered exactly like separate
 * mono streams, the impulse response is the documented kernel (symmetric, centred, unity DC gain
 * per phase), and the sizes it reports bound what it writes.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ResamplerKernelTest {

  /** Different signals per channel, so a channel mix-up shows. */
  private static float[] interleaved(int frames, int channels, int rateHz) {
    float[] x = new float[frames * channels];
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        double f = 300 + 700 * c;
        x[i * channels + c] = (float) ((0.5 - 0.1 * c) * Math.sin(2 * Math.PI * f * i / rateHz)
            + 0.05 * c);
      }
    }
    return x;
  }

  private static float[] channel(float[] x, int channels, int c) {
    float[] out = new float[x.length / channels];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i * channels + c];
    }
    return out;
  }

  /** The whole stream through {@code r}, fed in {@code chunk}-frame pieces, plus its tail. */
  private static float[] run(Resampler r, float[] x, int chunk) {
    int ch = r.channels();
    int frames = x.length / ch;
    float[] out = new float[(r.maxOutputFrames(frames) + r.maxTailFrames()) * ch];
    int written = 0;
    for (int pos = 0; pos < frames; pos += chunk) {
      int n = Math.min(chunk, frames - pos);
      int w = r.process(x, pos * ch, n, out, written * ch);
      assertTrue(w <= r.maxOutputFrames(n), "wrote " + w + " for " + n);
      written += w;
    }
    int tail = r.finish(out, written * ch);
    assertTrue(tail <= r.maxTailFrames(), "tail " + tail);
    written += tail;
    return Arrays.copyOf(out, written * ch);
  }

  @ParameterizedTest
  @CsvSource({"16000,24000,2", "24000,16000,2", "48000,24000,3", "8000,16000,2", "44100,16000,2"})
  void eachInterleavedChannelIsFilteredLikeAMonoStream(int in, int out, int channels) {
    float[] x = interleaved(in / 10, channels, in); // 100 ms
    float[] multi = run(Resampler.create(in, out, channels), x, 160);
    int expectedFrames = (int) Math.ceil((double) (in / 10) * out / in);
    assertEquals(expectedFrames * channels, multi.length);
    for (int c = 0; c < channels; c++) {
      float[] mono = run(Resampler.create(in, out, 1), channel(x, channels, c), 160);
      assertEquals(expectedFrames, mono.length);
      float[] fromMulti = channel(multi, channels, c);
      for (int i = 0; i < mono.length; i++) {
        assertEquals(mono[i], fromMulti[i], 1e-5, "channel " + c + " frame " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"1", "2"})
  void theImpulseResponseIsTheSymmetricCentredKernel(int channels) {
    // Equal rates: one phase, so the impulse response is the kernel itself, centred on the
    // impulse (no delay) and symmetric.
    Resampler r = Resampler.create(16000, 16000, channels);
    int frames = 200;
    int at = 100;
    float[] x = new float[frames * channels];
    x[at * channels + channels - 1] = 1f; // the last channel only
    float[] y = run(r, x, frames);
    assertEquals(frames * channels, y.length);
    float[] h = channel(y, channels, channels - 1);
    int half = r.lookaheadFrames();
    assertEquals(2 * half, r.tapsPerPhase());
    double sum = 0;
    float peak = 0;
    int peakAt = -1;
    for (int i = 0; i < frames; i++) {
      sum += h[i];
      if (h[i] > peak) {
        peak = h[i];
        peakAt = i;
      }
      if (Math.abs(i - at) >= half) {
        assertEquals(0f, h[i], 1e-7, "outside the kernel at " + i);
      }
    }
    assertEquals(at, peakAt);
    assertEquals(0.9, peak, 0.01, "2 x the cutoff, which is 0.45 cycles per sample here");
    assertEquals(1.0, sum, 1e-5, "unity gain at DC");
    for (int d = 1; d < half - 1; d++) {
      assertEquals(h[at - d], h[at + d], 1e-6, "symmetric at " + d);
    }
    if (channels > 1) {
      float[] other = channel(y, channels, 0);
      float[] zeros = new float[frames];
      assertArrayEquals(zeros, other, "nothing leaks into the other channel");
    }
  }

  @Test
  void tapCountsFollowTheTransitionWidth() {
    assertEquals(56, Resampler.create(16000, 24000, 1).tapsPerPhase());
    assertEquals(84, Resampler.create(24000, 16000, 1).tapsPerPhase());
    assertEquals(108, Resampler.create(48000, 24000, 1).tapsPerPhase());
    assertEquals(0, Resampler.create(48000, 24000, 1).tapsPerPhase() % 4);
    Resampler r = Resampler.create(24000, 16000, 2);
    assertEquals(42, r.lookaheadFrames());
    assertEquals(24000, r.inputRateHz());
    assertEquals(16000, r.outputRateHz());
    assertEquals(2, r.channels());
  }

  @Test
  void sizeBoundsFollowTheRatio() {
    Resampler up = Resampler.create(16000, 24000, 1);
    assertEquals(320 * 3 / 2 + 2, up.maxOutputFrames(320));
    assertEquals(2, up.maxOutputFrames(0));
    assertEquals((up.lookaheadFrames() + 1) * 3 / 2 + 2, up.maxTailFrames());
    Resampler down = Resampler.create(48000, 16000, 1);
    assertEquals(960 / 3 + 2, down.maxOutputFrames(960));
    // No overflow for a large chunk.
    assertEquals(3_000_000_000L / 2 + 2,
        Resampler.create(16000, 24000, 1).maxOutputFrames(1_000_000_000) + 0L);
  }

  @Test
  void outputWaitsForTheLookahead() {
    Resampler r = Resampler.create(16000, 16000, 1);
    int h = r.lookaheadFrames();
    float[] x = new float[h];
    float[] out = new float[r.maxOutputFrames(h + 1)];
    assertEquals(0, r.process(x, 0, h, out, 0), "no output before H frames past it arrived");
    assertEquals(1, r.process(x, 0, 1, out, 0));
  }

  @Test
  void anOffsetIntoTheInputAndOutputIsHonoured() {
    Resampler a = Resampler.create(24000, 16000, 2);
    Resampler b = Resampler.create(24000, 16000, 2);
    float[] x = interleaved(480, 2, 24000);
    float[] shifted = new float[x.length + 6];
    System.arraycopy(x, 0, shifted, 6, x.length);
    float[] outA = new float[a.maxOutputFrames(480) * 2];
    float[] outB = new float[b.maxOutputFrames(480) * 2 + 4];
    int na = a.process(x, 0, 480, outA, 0);
    int nb = b.process(shifted, 6, 480, outB, 4);
    assertEquals(na, nb);
    assertTrue(na > 0);
    assertArrayEquals(Arrays.copyOf(outA, na * 2), Arrays.copyOfRange(outB, 4, 4 + nb * 2));
  }

  @Test
  void longStreamsKeepTheHistoryBounded() {
    // Many small chunks: history is trimmed as it goes, so the output of a long stream fed in
    // pieces equals the output fed at once.
    float[] x = interleaved(24000, 2, 24000);
    float[] pieces = run(Resampler.create(24000, 16000, 2), x, 7);
    float[] once = run(Resampler.create(24000, 16000, 2), x, 24000);
    assertArrayEquals(once, pieces);
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> Resampler.create(0, 16000, 1));
    assertThrows(IllegalArgumentException.class, () -> Resampler.create(16000, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> Resampler.create(16000, 8000, 0));
    Resampler r = Resampler.create(16000, 8000, 1);
    assertThrows(IllegalArgumentException.class,
        () -> r.process(new float[4], 0, -1, new float[4], 0));
    Resampler one = Resampler.create(16000, 8000, 1);
    assertEquals(one.tapsPerPhase(), Resampler.create(16000, 8000, 3).tapsPerPhase());
  }
}
