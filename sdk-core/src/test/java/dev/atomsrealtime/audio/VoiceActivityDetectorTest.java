package dev.atomsrealtime.audio;

import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.NONE;
import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.SPEECH_ENDED;
import static dev.atomsrealtime.audio.VoiceActivityDetector.Transition.SPEECH_STARTED;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.VoiceActivityDetector.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class VoiceActivityDetectorTest {

  private static final int RATE_HZ = 24_000;
  private static final int FRAME_BYTES = 960; // 20 ms at 24 kHz mono

  @Test
  void findsTheSpokenSentenceInTheRealFixtureAndSilenceInThePadding() {
    // 0.3 s of silence, about 3.1 s of espeak-ng speech, 1.0 s of silence.
    WavData wav = Wav.read(Fixtures.path("user_book_table_24k.wav"));
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    byte[] pcm = wav.pcm();
    List<String> transitions = new ArrayList<>();
    for (int pos = 0; pos + FRAME_BYTES <= pcm.length; pos += FRAME_BYTES) {
      long atMillis = pos / 2 * 1000L / RATE_HZ;
      boolean voiced = vad.isVoiced(pcm, pos, FRAME_BYTES);
      if (atMillis < 300 || atMillis >= 3400) {
        assertFalse(voiced, "padding at " + atMillis + " ms is silent, level "
            + VoiceActivityDetector.rmsDbfs(pcm, pos, FRAME_BYTES));
      }
      Transition t = vad.process(pcm, pos, FRAME_BYTES);
      if (t == SPEECH_STARTED) {
        transitions.add("start@" + atMillis);
        long startMillis = vad.speechStartFrame() * 1000 / RATE_HZ;
        assertTrue(startMillis >= 300 && startMillis <= 400, "speech began at " + startMillis);
      } else if (t == SPEECH_ENDED) {
        transitions.add("end@" + atMillis);
        long endMillis = vad.speechEndFrame() * 1000 / RATE_HZ;
        assertTrue(endMillis >= 2900 && endMillis <= 3400, "speech ended at " + endMillis);
        assertTrue(atMillis - endMillis >= 300 - 20, "hangover respected");
      }
    }
    assertEquals(2, transitions.size(), "one utterance, pauses between words bridged: "
        + transitions);
    assertFalse(vad.isSpeaking());
  }

  @Test
  void shortBlipsDoNotStartSpeechAndShortGapsDoNotEndIt() {
    VoiceActivityDetector vad = VoiceActivityDetector.builder(RATE_HZ)
        .thresholdDbfs(-40).minSpeechMillis(60).hangoverMillis(300).build();
    byte[] loud = tone(4000, 20);
    byte[] quiet = tone(100, 20); // about -53 dBFS: below the threshold
    byte[] silence = new byte[FRAME_BYTES];
    assertEquals(NONE, feed(vad, loud, 2)); // 40 ms blip
    assertEquals(NONE, feed(vad, quiet, 5));
    assertFalse(vad.isSpeaking());
    assertEquals(NONE, feed(vad, loud, 2));
    assertEquals(SPEECH_STARTED, vad.process(loud, 0, loud.length), "third 20 ms makes 60 ms");
    assertEquals(7 * FRAME_BYTES / 2, vad.speechStartFrame(), "start of the voiced run");
    assertEquals(NONE, feed(vad, silence, 14)); // 280 ms gap
    assertEquals(NONE, feed(vad, loud, 1));
    assertTrue(vad.isSpeaking());
    long lastVoicedEnd = vad.framesProcessed();
    assertEquals(NONE, feed(vad, silence, 14));
    assertEquals(SPEECH_ENDED, vad.process(silence, 0, silence.length), "300 ms of silence");
    assertEquals(lastVoicedEnd, vad.speechEndFrame());
    assertEquals(Double.NEGATIVE_INFINITY, vad.lastLevelDbfs());
  }

  @Test
  void levelsAreRelativeToAFullScaleSquare() {
    byte[] square = new byte[400];
    for (int i = 0; i < square.length; i += 2) {
      short s = (i / 2) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
      square[i] = (byte) s;
      square[i + 1] = (byte) (s >> 8);
    }
    assertEquals(0.0, VoiceActivityDetector.rmsDbfs(square, 0, square.length), 0.01);
    assertEquals(-9.03, VoiceActivityDetector.rmsDbfs(tone(16384, 20), 0, FRAME_BYTES), 0.02);
    assertEquals(Double.NEGATIVE_INFINITY, VoiceActivityDetector.rmsDbfs(new byte[8], 0, 8));
    assertThrows(IllegalArgumentException.class,
        () -> VoiceActivityDetector.rmsDbfs(new byte[3], 0, 3));
  }

  @Test
  void resetForgetsState() {
    VoiceActivityDetector vad = VoiceActivityDetector.create(RATE_HZ);
    assertEquals(SPEECH_STARTED, feed(vad, tone(8000, 20), 5));
    vad.reset();
    assertFalse(vad.isSpeaking());
    assertEquals(-1, vad.speechStartFrame());
    assertEquals(0, vad.framesProcessed());
  }

  /** Feeds {@code chunk} {@code times} times; returns the last non-NONE transition. */
  private static Transition feed(VoiceActivityDetector vad, byte[] chunk, int times) {
    Transition last = NONE;
    for (int i = 0; i < times; i++) {
      Transition t = vad.process(chunk, 0, chunk.length);
      if (t != NONE) {
        last = t;
      }
    }
    return last;
  }

  /** A 1 kHz sine of {@code amplitude} lasting {@code millis} at 24 kHz (whole periods). */
  private static byte[] tone(int amplitude, int millis) {
    int samples = RATE_HZ * millis / 1000;
    byte[] pcm = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      short s = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * i / RATE_HZ));
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return pcm;
  }
}
