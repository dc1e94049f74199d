package dev.atomsrealtime.audio.javasound;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.PcmFormat;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class FormatChooserTest {

  private static final PcmFormat WIRE_24K = PcmFormat.pcm16Mono(24_000);

  private static PcmFormat best(PcmFormat requested, AudioFormat... supported) {
    List<PcmFormat> formats = FormatChooser.formatsToTry(
        requested, new DataLine.Info(TargetDataLine.class, supported, 32, -1));
    return formats.isEmpty() ? null : formats.get(0);
  }

  private static AudioFormat signed(float rate, int bits, int channels, boolean bigEndian) {
    return new AudioFormat(rate, bits, channels, true, bigEndian);
  }

  @Test
  void requestedFormatWinsWhenSupported() {
    assertEquals(WIRE_24K, best(WIRE_24K,
        signed(48_000, 16, 2, false), signed(24_000, 16, 1, false)));
  }

  @Test
  void anyRateLineOpensAtTheRequestedRate() {
    AudioFormat anyRate = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED,
        AudioSystem.NOT_SPECIFIED, 16, 1, 2, AudioSystem.NOT_SPECIFIED, false);
    assertEquals(WIRE_24K, best(WIRE_24K, anyRate));
  }

  @Test
  void onlyStereo48kGivesStereo48k() {
    assertEquals(PcmFormat.pcm16(48_000, 2), best(WIRE_24K, signed(48_000, 16, 2, false)));
  }

  @Test
  void sameRateBeatsMonoAndMonoBeatsStereo() {
    assertEquals(PcmFormat.pcm16(24_000, 2), best(WIRE_24K,
        signed(48_000, 16, 1, false), signed(24_000, 16, 2, false)));
    assertEquals(PcmFormat.pcm16(48_000, 1), best(WIRE_24K,
        signed(48_000, 16, 2, false), signed(48_000, 16, 1, false)));
  }

  @Test
  void closestStandardRateIsPreferred() {
    assertEquals(PcmFormat.pcm16Mono(16_000), best(PcmFormat.pcm16Mono(22_050),
        signed(8_000, 16, 1, false), signed(16_000, 16, 1, false), signed(48_000, 16, 1, false)));
    assertEquals(PcmFormat.pcm16Mono(32_000), best(WIRE_24K,
        signed(32_000, 16, 1, false), signed(16_000, 16, 1, false)));
  }

  @Test
  void sixteenBitBeatsOtherDepthsAndLittleBeatsBigEndian() {
    assertEquals(PcmFormat.pcm16Mono(24_000), best(WIRE_24K,
        signed(24_000, 24, 1, false), signed(24_000, 16, 1, true), signed(24_000, 16, 1, false)));
    assertEquals(new PcmFormat(24_000, 1, 16, true), best(WIRE_24K,
        signed(24_000, 24, 1, false), signed(24_000, 16, 1, true)));
    assertEquals(new PcmFormat(24_000, 1, 24, false), best(WIRE_24K,
        signed(24_000, 24, 1, false)));
    assertEquals(new PcmFormat(24_000, 1, 8, false), best(WIRE_24K,
        new AudioFormat(24_000, 8, 1, false, false)));
  }

  @Test
  void unusualRateTheDeviceListsIsUsedLast() {
    assertEquals(PcmFormat.pcm16Mono(22_050), best(WIRE_24K, signed(22_050, 16, 1, false)));
  }

  @Test
  void nothingUsableGivesNothing() {
    assertEquals(null, best(WIRE_24K,
        new AudioFormat(AudioFormat.Encoding.ULAW, 8_000, 8, 1, 1, 8_000, false),
        signed(48_000, 16, 6, false)));
  }

  @Test
  void lineWithoutFormatListGetsEveryCandidateRequestedFirst() {
    List<PcmFormat> formats = FormatChooser.formatsToTry(
        WIRE_24K, new DataLine.Info(TargetDataLine.class, new AudioFormat[0], 32, -1));
    assertEquals(WIRE_24K, formats.get(0));
    assertTrue(formats.contains(PcmFormat.pcm16(48_000, 2)));
  }
}
