package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TopLevelScanTest {

  /** The word-at-a-time skip must find a quote or backslash at every position of a word. */
  @Test
  void skipPlainFindsTheFirstQuoteOrBackslashAtEveryPosition() {
    for (byte stop : new byte[] {'"', '\\'}) {
      for (int len = 0; len < 40; len++) {
        for (int at = 0; at <= len; at++) {
          byte[] b = new byte[len + 3];
          Arrays.fill(b, (byte) 'A');
          b[0] = (byte) 0xC3; // non-ASCII bytes must not confuse the word test
          if (at < len) {
            b[at + 1] = stop;
          }
          int expected = at < len ? at + 1 : len + 1;
          assertEquals(expected, TopLevelScan.skipPlain(b, 1, len + 1), stop + " at " + at
              + " of " + len);
        }
      }
    }
  }

  @Test
  void skipPlainStopsAtTheFirstOfSeveral() {
    byte[] b = "AAAAAAAAAAAA\\AAA\"AAAAAA".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(12, TopLevelScan.skipPlain(b, 0, b.length));
    assertEquals(16, TopLevelScan.skipPlain(b, 13, b.length));
  }
}
