package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * G.711 against the standard: every code's decoded value, and the encoding of every 16-bit value
 * against an independent reference written here as a search over the segment boundaries (the
 * production coder finds the segment from the highest set bit instead).
 */
@Timeout(value = 10, unit = SECONDS)
class G711Test {

  @TempDir Path dir;

  // --- the standard's values ------------------------------------------------------------------

  /**
   * Mu-law, ITU-T G.711 table 2 on the 16-bit scale: code bits are sign (1 = positive), then the
   * inverted segment (3 bits) and step (4 bits); segment {@code s} starts at {@code 32 * 2^s - 33}
   * (14-bit units: -1, 31, 95, ... 4063) with steps of {@code 2^(s+1)}, and a code decodes to the
   * middle of its step (the first step of segment 0, from -1 to 1, to 0).
   */
  static int standardMuLaw(int code) {
    int segment = 7 - ((code >> 4) & 7);
    int step = 15 - (code & 15);
    int segmentStart = (32 << segment) - 33;
    int stepWidth = 2 << segment;
    int value14 = segmentStart + step * stepWidth + stepWidth / 2;
    return ((code & 0x80) != 0 ? value14 : -value14) * 4;
  }

  /**
   * A-law, ITU-T G.711 table 1 on the 16-bit scale: code bits (after undoing the even-bit
   * inversion) are sign (1 = positive), segment (3 bits), step (4 bits); segments 0 and 1 have
   * steps of 2 (13-bit units) from 0 and 32, segment {@code s > 1} steps of {@code 2^s} from
   * {@code 2^(s+4)}; a code decodes to the middle of its step.
   */
  static int standardALaw(int code) {
    int plain = code ^ 0x55;
    int segment = (plain >> 4) & 7;
    int step = plain & 15;
    int start = segment == 0 ? 0 : 16 << segment;
    int width = segment == 0 ? 2 : 1 << segment;
    int value13 = start + step * width + width / 2;
    return ((plain & 0x80) != 0 ? value13 : -value13) * 8;
  }

  @Test
  void everyMuLawCodeDecodesToTheStandardsValue() {
    for (int code = 0; code < 256; code++) {
      assertEquals(standardMuLaw(code), G711.muLawToLinear(code), "mu-law code " + code);
    }
    // Fixed points of the table: full scale, and the two zeros.
    assertEquals(32124, G711.muLawToLinear(0x80));
    assertEquals(-32124, G711.muLawToLinear(0x00));
    assertEquals(0, G711.muLawToLinear(0xFF));
    assertEquals(0, G711.muLawToLinear(0x7F));
    assertEquals(8, G711.muLawToLinear(0xFE));
  }

  @Test
  void everyALawCodeDecodesToTheStandardsValue() {
    for (int code = 0; code < 256; code++) {
      assertEquals(standardALaw(code), G711.aLawToLinear(code), "A-law code " + code);
    }
    assertEquals(8, G711.aLawToLinear(0xD5));
    assertEquals(-8, G711.aLawToLinear(0x55));
    assertEquals(32256, G711.aLawToLinear(0xAA));
    assertEquals(-32256, G711.aLawToLinear(0x2A));
  }

  // --- the reference encoder ------------------------------------------------------------------

  /** Upper bounds (inclusive) of the eight mu-law segments, in biased 14-bit units. */
  private static final int[] MU_SEGMENT_ENDS = {63, 127, 255, 511, 1023, 2047, 4095, 8191};
  /** Upper bounds (inclusive) of the eight A-law segments, in 12-bit magnitude units. */
  private static final int[] A_SEGMENT_ENDS = {15, 31, 63, 127, 255, 511, 1023, 2047};

  static int referenceMuLaw(int sample) {
    boolean negative = sample < 0;
    int magnitude14 = (negative ? -sample - 1 : sample) / 4; // one's complement, truncate
    int biased = Math.min(magnitude14 + 33, 8191);
    int segment = 0;
    while (biased > MU_SEGMENT_ENDS[segment]) {
      segment++;
    }
    int segmentStart = 32 << segment; // biased units
    int step = (biased - segmentStart) / (2 << segment);
    int code = 0x7F - (segment * 16 + step);
    return negative ? code : code | 0x80;
  }

  static int referenceALaw(int sample) {
    boolean negative = sample < 0;
    int magnitude12 = (negative ? -sample - 1 : sample) / 16;
    int segment = 0;
    while (magnitude12 > A_SEGMENT_ENDS[segment]) {
      segment++;
    }
    int step = segment == 0 ? magnitude12 : (magnitude12 - (16 << (segment - 1))) >> (segment - 1);
    int code = segment * 16 + step;
    return (negative ? code : code | 0x80) ^ 0x55;
  }

  @Test
  void encodingEvery16BitValueMatchesTheReference() {
    for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
      assertEquals(referenceMuLaw(s), G711.linearToMuLaw(s), "mu-law of " + s);
      assertEquals(referenceALaw(s), G711.linearToALaw(s), "A-law of " + s);
    }
  }

  @Test
  void decodingThenEncodingGivesBackEveryCode() {
    for (int code = 0; code < 256; code++) {
      int mu = G711.linearToMuLaw(G711.muLawToLinear(code));
      // 0x7F (negative zero) decodes to 0, which codes as positive zero.
      assertEquals(code == 0x7F ? 0xFF : code, mu, "mu-law code " + code);
      assertEquals(code, G711.linearToALaw(G711.aLawToLinear(code)), "A-law code " + code);
    }
  }

  @Test
  void theConverterCodesExactlyAsTheStandardBothWays() {
    byte[] pcm = new byte[65_536 * 2];
    for (int s = Short.MIN_VALUE, p = 0; s <= Short.MAX_VALUE; s++, p += 2) {
      pcm[p] = (byte) s;
      pcm[p + 1] = (byte) (s >> 8);
    }
    PcmFormat linear = PcmFormat.pcm16Mono(8_000);
    byte[] mu = PcmConverter.convertAll(linear, PcmFormat.muLaw(8_000), pcm);
    byte[] a = PcmConverter.convertAll(linear, PcmFormat.aLaw(8_000), pcm);
    assertEquals(65_536, mu.length);
    for (int i = 0; i < 65_536; i++) {
      assertEquals(referenceMuLaw(i - 32_768), mu[i] & 0xff);
      assertEquals(referenceALaw(i - 32_768), a[i] & 0xff);
    }
    byte[] codes = new byte[256];
    for (int c = 0; c < 256; c++) {
      codes[c] = (byte) c;
    }
    byte[] decoded = PcmConverter.convertAll(PcmFormat.muLaw(8_000), linear, codes);
    byte[] direct = new byte[512];
    G711.muLawToPcm16(codes, 0, 256, direct, 0);
    assertArrayEquals(direct, decoded);
    for (int c = 0; c < 256; c++) {
      assertEquals(standardMuLaw(c), (short) ((decoded[2 * c + 1] << 8) | (decoded[2 * c] & 0xff)));
    }
    byte[] aDecoded = PcmConverter.convertAll(PcmFormat.aLaw(8_000), linear, codes);
    for (int c = 0; c < 256; c++) {
      assertEquals(standardALaw(c), (short) ((aDecoded[2 * c + 1] << 8) | (aDecoded[2 * c] & 0xff)));
    }
  }

  @Test
  void aG711FormatIsEightBitMonoAndSaysWhatItIs() {
    PcmFormat mu = PcmFormat.muLaw(8_000);
    assertEquals(1, mu.bytesPerFrame());
    assertEquals(160, mu.bytesForMillis(20));
    assertEquals(SampleEncoding.MU_LAW, mu.encoding());
    assertEquals("G.711 mu-law 8000 Hz mono", mu.toString());
    assertEquals("G.711 A-law 8000 Hz mono", PcmFormat.aLaw(8_000).toString());
    assertTrue(!mu.equals(PcmFormat.aLaw(8_000)) && !mu.equals(new PcmFormat(8_000, 1, 8, false)));
    assertThrows(IllegalArgumentException.class,
        () -> new PcmFormat(8_000, 1, 16, false, SampleEncoding.MU_LAW));
  }

  // --- WAV tags 6 and 7 -----------------------------------------------------------------------

  static byte[] resource(String name) throws Exception {
    try (InputStream in = G711Test.class.getResourceAsStream("/audio/" + name)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  static short sample(byte[] pcm, int i) {
    return (short) ((pcm[2 * i + 1] << 8) | (pcm[2 * i] & 0xff));
  }

  @Test
  void readsG711WavsWrittenBySoxAndDecodesThemToTheSameSpeech() throws Exception {
    // The same second of speech at 8 kHz as sox wrote it in PCM16, mu-law (tag 7), A-law (tag 6).
    byte[] linear = Wav.read(G711Test.class.getResourceAsStream("/audio/user_book_table_8k.wav"),
        "pcm").pcm();
    for (String law : new String[] {"mulaw", "alaw"}) {
      String name = "user_book_table_8k_" + law + ".wav";
      WavData data = Wav.read(G711Test.class.getResourceAsStream("/audio/" + name), name);
      PcmFormat expected = law.equals("mulaw") ? PcmFormat.muLaw(8_000) : PcmFormat.aLaw(8_000);
      assertEquals(expected, data.format());
      assertEquals(8_000, data.pcm().length);
      byte[] decoded = data.convertTo(PcmFormat.pcm16Mono(8_000)).pcm();
      assertEquals(linear.length, decoded.length);
      for (int i = 0; i < 8_000; i++) {
        int x = sample(linear, i);
        int d = sample(decoded, i);
        // Within half a step of the law's quantizer (steps are about 1/16 of the value, or 16).
        assertTrue(Math.abs(d - x) <= Math.abs(x) / 16 + 16, name + " sample " + i + ": " + x
            + " decoded as " + d);
      }
    }
  }

  @Test
  void writesG711WavsWithTheHeaderSoxWrites() throws Exception {
    byte[] sox = resource("user_book_table_8k_mulaw.wav");
    WavData data = Wav.read(new java.io.ByteArrayInputStream(sox), "sox");
    Path written = dir.resolve("mu.wav");
    Wav.write(written, data);
    assertArrayEquals(sox, Files.readAllBytes(written), "tag 7, 18-byte fmt, fact chunk, data");

    byte[] alaw = resource("user_book_table_8k_alaw.wav");
    WavData a = Wav.read(new java.io.ByteArrayInputStream(alaw), "sox");
    Path aWritten = dir.resolve("a.wav");
    Wav.write(aWritten, a);
    assertArrayEquals(alaw, Files.readAllBytes(aWritten));
  }

  @Test
  void aStreamingG711WavSinkIsReadableMidWayAndCompleteAfterClose() throws Exception {
    Path file = dir.resolve("leg.wav");
    WavFileSink sink = WavFileSink.create(file);
    assertEquals(PcmFormat.muLaw(8_000), sink.open(PcmFormat.muLaw(8_000)));
    byte[] codes = new byte[1_600];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) (i * 7);
    }
    sink.write(codes, 0, 800);
    WavData midWay = Wav.read(file); // placeholder sizes: read to the end of the file
    assertArrayEquals(Arrays.copyOf(codes, 800), midWay.pcm());
    sink.write(codes, 800, 800);
    sink.close();
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(58 + 1_600, bytes.length);
    assertArrayEquals(WavHeader.canonical(PcmFormat.muLaw(8_000), 1_600),
        Arrays.copyOf(bytes, 58));
    assertArrayEquals(codes, Wav.read(file).pcm());
  }
}
