package dev.atomsrealtime.audio;

import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.NONE;
import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.SPEECH_ENDED;
import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.SPEECH_STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The detector's rules at their edges, with square waves whose level is exact: the threshold
 * itself, the minimum speech and hangover lengths, offsets, and the builder's validation.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VoiceActivityDetectorRulesTest {
  private static final int RATE_HZ = 8000;
  private static final int CHUNK_FRAMES = 160; // 20 ms

  /** A square wave of {@code amplitude}: its RMS is the amplitude. */
  private static byte[] square(int amplitude, int frames) {
    byte[] pcm = new byte[frames * 2];
    for (int i = 0; i < frames; i++) {
      short s = (short) (i % 2 == 0 ? amplitude : -amplitude);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return pcm;
  }

  private static VoiceActivityDetector.Transition process(VoiceActivityDetector vad, byte[] pcm) {
    return vad.process(pcm, 0, pcm.length);
  }

  @Test
  void aChunkAtTheThresholdIsVoicedAndOneJustBelowIsNot() {
    // -40 dBFS is an RMS of 327.68.
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertTrue(vad.isVoiced(square(328, CHUNK_FRAMES), 0, CHUNK_FRAMES * 2));
    assertFalse(vad.isVoiced(square(327, CHUNK_FRAMES), 0, CHUNK_FRAMES * 2));
    assertTrue(vad.isVoiced(square(Short.MAX_VALUE, 2), 0, 4));
    // Asking changes nothing.
    assertEquals(0, vad.framesProcessed());
    assertFalse(vad.isSpeaking());
  }

  @Test
  void anEmptyChunkIsNeverVoiced() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(RATE_HZ)
        .minSpeechMillis(0).build();
    assertFalse(vad.isVoiced(new byte[4], 2, 0));
    assertEquals(NONE, vad.process(new byte[4], 2, 0));
    assertFalse(vad.isSpeaking());
    assertEquals(Double.NEGATIVE_INFINITY, vad.lastLevelDbfs());
  }

  @Test
  void onlyTheGivenRangeCounts() {
    byte[] pcm = new byte[2 * CHUNK_FRAMES * 2];
    byte[] loud = square(10_000, CHUNK_FRAMES);
    System.arraycopy(loud, 0, pcm, 0, loud.length); // loud first half, silent second half
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertTrue(vad.isVoiced(pcm, 0, loud.length));
    assertFalse(vad.isVoiced(pcm, loud.length, loud.length));
    assertEquals(Double.NEGATIVE_INFINITY,
        VoiceActivityDetector.rmsDbfs(pcm, loud.length, loud.length));
    vad.process(pcm, loud.length, loud.length);
    assertEquals(Double.NEGATIVE_INFINITY, vad.lastLevelDbfs());
    assertThrows(IndexOutOfBoundsException.class, () -> vad.isVoiced(pcm, pcm.length, 2));
  }

  @Test
  void oddLengthsAreRefusedEverywhere() {
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertThrows(IllegalArgumentException.class, () -> vad.isVoiced(new byte[4], 0, 3));
    assertThrows(IllegalArgumentException.class, () -> vad.process(new byte[4], 0, 3));
    assertThrows(IllegalArgumentException.class,
        () -> VoiceActivityDetector.rmsDbfs(new byte[4], 0, 1));
    assertEquals(Double.NEGATIVE_INFINITY, VoiceActivityDetector.rmsDbfs(new byte[4], 0, 0));
  }

  @Test
  void levelsInDbfs() {
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    process(vad, square(Short.MAX_VALUE, CHUNK_FRAMES));
    assertEquals(20 * Math.log10(32767 / 32768.0), vad.lastLevelDbfs(), 1e-9);
    process(vad, square(16384, CHUNK_FRAMES));
    assertEquals(20 * Math.log10(0.5), vad.lastLevelDbfs(), 1e-9);
    assertEquals(20 * Math.log10(0.25),
        VoiceActivityDetector.rmsDbfs(square(8192, 10), 0, 20), 1e-9);
  }

  @Test
  void speechStartsWhenVoicedChunksReachTheMinimumExactly() {
    // 60 ms at 8 kHz is 480 frames: 479 voiced frames are not enough, 480 are.
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    process(vad, square(0, 100));
    assertEquals(NONE, process(vad, square(5000, 478)));
    assertEquals(NONE, process(vad, square(5000, 1)));
    assertFalse(vad.isSpeaking());
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 1)));
    assertTrue(vad.isSpeaking());
    assertEquals(100, vad.speechStartFrame(), "the first voiced frame");
    assertEquals(-1, vad.speechEndFrame());
    assertEquals(NONE, process(vad, square(5000, 160)), "still speaking");
  }

  @Test
  void anUnvoicedChunkRestartsTheVoicedRun() {
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertEquals(NONE, process(vad, square(5000, 320)));
    assertEquals(NONE, process(vad, square(0, 160)));
    assertEquals(NONE, process(vad, square(5000, 320)));
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 160)));
    assertEquals(480, vad.speechStartFrame());
  }

  @Test
  void speechEndsAfterTheHangoverExactlyAndAVoicedChunkRestartsIt() {
    // 300 ms at 8 kHz is 2400 frames.
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 480)));
    assertEquals(NONE, process(vad, square(0, 2399)));
    assertEquals(NONE, process(vad, square(5000, 2)), "a voiced chunk in the gap");
    assertEquals(NONE, process(vad, square(0, 2399)));
    assertTrue(vad.isSpeaking());
    assertEquals(SPEECH_ENDED, process(vad, square(0, 1)));
    assertFalse(vad.isSpeaking());
    assertEquals(480 + 2399 + 2, vad.speechEndFrame(), "after the last voiced chunk");
    assertEquals(480 + 2399 + 2 + 2400, vad.framesProcessed());
    // A new utterance needs the full minimum again.
    assertEquals(NONE, process(vad, square(5000, 479)));
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 1)));
    assertEquals(480 + 2399 + 2 + 2400, vad.speechStartFrame());
  }

  @Test
  void zeroMinimumAndZeroHangoverDecideOnTheFirstChunk() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(RATE_HZ)
        .minSpeechMillis(0).hangoverMillis(0).build();
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 2)));
    assertEquals(SPEECH_ENDED, process(vad, square(0, 2)));
    assertEquals(2, vad.speechEndFrame());
  }

  @Test
  void theSampleRateScalesTheDurations() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(16_000)
        .minSpeechMillis(10).hangoverMillis(20).build();
    assertEquals(NONE, process(vad, square(5000, 159)));
    assertEquals(SPEECH_STARTED, process(vad, square(5000, 1)));
    assertEquals(NONE, process(vad, square(0, 319)));
    assertEquals(SPEECH_ENDED, process(vad, square(0, 1)));
    assertEquals(16_000, vad.sampleRateHz());
  }

  @Test
  void theThresholdIsConfigurable() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(RATE_HZ).thresholdDbfs(-6).build();
    assertEquals(-6, vad.thresholdDbfs());
    assertFalse(vad.isVoiced(square(16_000, 4), 0, 8)); // -6.2 dBFS
    assertTrue(vad.isVoiced(square(16_500, 4), 0, 8)); // -5.96 dBFS
    assertEquals(-40, VoiceActivityDetector.create(RATE_HZ).thresholdDbfs());
  }

  @Test
  void resetForgetsEverything() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(RATE_HZ)
        .minSpeechMillis(0).hangoverMillis(0).build();
    process(vad, square(5000, 4));
    process(vad, square(0, 4));
    process(vad, square(5000, 4));
    vad.reset();
    assertFalse(vad.isSpeaking());
    assertEquals(0, vad.framesProcessed());
    assertEquals(-1, vad.speechStartFrame());
    assertEquals(-1, vad.speechEndFrame());
    assertEquals(Double.NEGATIVE_INFINITY, vad.lastLevelDbfs());
    VoiceActivityDetector withRun = VoiceActivityDetector.create(RATE_HZ);
    process(withRun, square(5000, 400)); // a voiced run, not yet speech
    withRun.reset();
    assertEquals(NONE, process(withRun, square(5000, 400)), "the old run is forgotten");
    assertEquals(SPEECH_STARTED, process(withRun, square(5000, 80)));
    assertEquals(0, withRun.speechStartFrame());
  }

  @Test
  void theBuilderRefusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> VoiceActivityDetector.builder(0));
    assertThrows(IllegalArgumentException.class, () -> VoiceActivityDetector.create(-8000));
    VoiceActivityDetector.Builder b = VoiceActivityDetector.builder(1);
    assertThrows(IllegalArgumentException.class, () -> b.thresholdDbfs(0));
    assertThrows(IllegalArgumentException.class, () -> b.thresholdDbfs(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.minSpeechMillis(-1));
    assertThrows(IllegalArgumentException.class, () -> b.hangoverMillis(-1));
    b.thresholdDbfs(-0.5).minSpeechMillis(0).hangoverMillis(0);
    assertEquals(-0.5, b.build().thresholdDbfs());
  }
}
