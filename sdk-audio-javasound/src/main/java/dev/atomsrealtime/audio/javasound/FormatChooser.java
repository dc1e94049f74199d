package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.PcmFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;

/**
 * Chooses the format to open a line in: the requested one if the line supports it, else the
 * closest supported one. Pure; no I/O.
 *
 * <p>Preference, outermost first: the requested rate, then 48000, 44100, 32000, 24000, 16000 and
 * 8000 Hz by closeness to it (ties go to the higher rate), then any other concrete rate the line
 * lists, by closeness; the requested channel count, then mono, then stereo; 16-bit signed, then 24
 * and 32-bit signed, then 8-bit unsigned; little-endian, then big-endian.
 */
final class FormatChooser {

  static final int[] STANDARD_RATES_HZ = {48_000, 44_100, 32_000, 24_000, 16_000, 8_000};

  private static final int[] BITS_PER_SAMPLE = {16, 24, 32, 8};

  private FormatChooser() {}

  /**
   * The formats to try, best first: every candidate the line advertises, or every candidate when
   * the line advertises no formats at all (then only opening tells).
   */
  static List<PcmFormat> formatsToTry(PcmFormat requested, DataLine.Info info) {
    AudioFormat[] supported = info == null ? new AudioFormat[0] : info.getFormats();
    List<PcmFormat> candidates = candidates(requested, supported);
    if (supported.length == 0) {
      return candidates;
    }
    List<PcmFormat> result = new ArrayList<>();
    for (PcmFormat candidate : candidates) {
      if (info.isFormatSupported(toAudioFormat(candidate))) {
        result.add(candidate);
      }
    }
    return result;
  }

  /** All formats worth trying for {@code requested}, best first, given what a line lists. */
  static List<PcmFormat> candidates(PcmFormat requested, AudioFormat[] supported) {
    Set<PcmFormat> result = new LinkedHashSet<>();
    result.add(requested);
    int[] channelOrder = {requested.channels(), 1, 2};
    for (int rateHz : rates(requested.sampleRateHz(), supported)) {
      for (int channels : channelOrder) {
        for (int bits : BITS_PER_SAMPLE) {
          result.add(new PcmFormat(rateHz, channels, bits, false));
          if (bits > 8) {
            result.add(new PcmFormat(rateHz, channels, bits, true));
          }
        }
      }
    }
    return List.copyOf(result);
  }

  /** Rates in order of preference for {@code requestedHz}. */
  static List<Integer> rates(int requestedHz, AudioFormat[] supported) {
    Comparator<Integer> byCloseness =
        Comparator.<Integer>comparingLong(r -> Math.abs((long) r - requestedHz))
            .thenComparing(Comparator.reverseOrder());
    Set<Integer> result = new LinkedHashSet<>();
    result.add(requestedHz);
    TreeSet<Integer> standard = new TreeSet<>(byCloseness);
    for (int rateHz : STANDARD_RATES_HZ) {
      standard.add(rateHz);
    }
    result.addAll(standard);
    TreeSet<Integer> listed = new TreeSet<>(byCloseness);
    for (AudioFormat format : supported) {
      float rate = format.getSampleRate();
      if (rate != AudioSystem.NOT_SPECIFIED && rate == Math.rint(rate)
          && rate >= 1000 && rate <= 192_000) {
        listed.add((int) rate);
      }
    }
    result.addAll(listed);
    return List.copyOf(result);
  }

  /** The javax.sound form of {@code format}: signed PCM, or unsigned PCM at 8 bits. */
  static AudioFormat toAudioFormat(PcmFormat format) {
    AudioFormat.Encoding encoding = format.bitsPerSample() == 8
        ? AudioFormat.Encoding.PCM_UNSIGNED
        : AudioFormat.Encoding.PCM_SIGNED;
    return new AudioFormat(
        encoding,
        format.sampleRateHz(),
        format.bitsPerSample(),
        format.channels(),
        format.bytesPerFrame(),
        format.sampleRateHz(),
        format.bigEndian());
  }
}
