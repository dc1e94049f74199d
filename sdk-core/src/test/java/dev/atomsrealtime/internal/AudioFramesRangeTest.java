package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Encoding a range of a larger array (what capture does with its chunk buffer): the frame holds
 * exactly that range, whatever ranges the same thread encoded before.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AudioFramesRangeTest {

  private static String frame(String type, byte[] pcm) {
    return "{\"type\":\"" + type + "\",\"audio\":\"" + Base64.getEncoder().encodeToString(pcm)
        + "\"}";
  }

  @Test
  void aRangeIsEncodedAloneAndTheScratchNeverLeaksBetweenCalls() {
    byte[] big = new byte[70_000];
    new Random(7).nextBytes(big);
    int[][] ranges = {{3, 10}, {20, 10}, {0, 12}, {5, 10}, {1, 69_999}, {2, 69_998}, {0, 70_000}};
    for (int[] r : ranges) {
      byte[] expected = Arrays.copyOfRange(big, r[0], r[0] + r[1]);
      byte[] append = AudioFrames.APPEND.encode(big, r[0], r[1]);
      assertEquals(frame("input_audio_buffer.append", expected),
          new String(append, StandardCharsets.US_ASCII), "range " + Arrays.toString(r));
      assertArrayEquals(expected, AudioFrames.APPEND.canonicalPcm(append, 0, append.length));
      byte[] delta = AudioFrames.DELTA.encode(big, r[0], r[1]);
      assertArrayEquals(expected, AudioFrames.DELTA.canonicalPcm(delta, 0, delta.length));
    }
  }

  @Test
  void aRangeOutsideTheArrayIsRefused() {
    assertThrows(IndexOutOfBoundsException.class,
        () -> AudioFrames.APPEND.encode(new byte[4], 2, 3));
    assertThrows(IndexOutOfBoundsException.class,
        () -> AudioFrames.APPEND.encode(new byte[4], -1, 2));
  }
}
