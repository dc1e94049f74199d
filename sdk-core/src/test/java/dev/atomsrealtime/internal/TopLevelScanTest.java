package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TopLevelScanTest {

  /**
   * The word-at-a-time skip must never pass a byte the scanner has to look at: for every special
   * byte at every position it stops at that byte's word (at or before it), and it crosses plain
   * words entirely.
   */
  @Test
  void skipPlainNeverSkipsASpecialByte() {
    byte[] specials = {'"', '\\', 0x00, 0x1f, 0x7f, (byte) 0x80, (byte) 0xC3, (byte) 0xff};
    for (byte stop : specials) {
      for (int len = 0; len < 40; len++) {
        for (int at = 0; at <= len; at++) {
          byte[] b = new byte[len + 3];
          Arrays.fill(b, (byte) 'A');
          b[0] = (byte) 0xC3; // outside the scanned range
          if (at < len) {
            b[at + 1] = stop;
          }
          int got = TopLevelScan.skipPlain(b, 1, len + 1);
          if (at < len) {
            assertTrue(got <= at + 1 && got > at + 1 - 8, "byte " + stop + " at " + at + " of "
                + len + ": stopped at " + got);
          } else {
            assertTrue(got > len + 1 - 8 && got <= len + 1, "plain run of " + len + ": " + got);
          }
        }
      }
    }
  }

  @Test
  void skipPlainCrossesLongBase64Values() {
    byte[] b = "QUJDRA==".repeat(1000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(b.length, TopLevelScan.skipPlain(b, 0, b.length));
  }
}
