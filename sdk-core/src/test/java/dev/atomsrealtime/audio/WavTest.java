package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = SECONDS)
class WavTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}: {1} Hz, {2} ch, {3} frames")
  @CsvSource({
      "user_book_table_24k.wav, 24000, 1, 105529",
      "user_book_table_22k.wav, 22050, 1, 22050",
      "user_book_table_16k.wav, 16000, 1, 16000",
      "user_book_table_48k_stereo.wav, 48000, 2, 24000"})
  void readsEachSpeechFixture(String file, int rateHz, int channels, long frames)
      throws IOException {
    WavData wav = Wav.read(Fixtures.path(file));
    assertEquals(PcmFormat.pcm16(rateHz, channels), wav.format());
    assertEquals(frames, wav.frames());
    assertEquals(Files.size(Fixtures.path(file)) - 44, wav.pcm().length, "canonical header");
    assertTrue(peak(wav.pcm()) > 10_000, "real speech, not silence: peak " + peak(wav.pcm()));
  }

  @ParameterizedTest(name = "{0} refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "tone_u8_8k.wav | PCM (format tag 0x0001), 8-bit, 1 channel, 8000 Hz",
      "tone_s24_8k.wav | WAVE_FORMAT_EXTENSIBLE with PCM (format tag 0x0001), 24-bit",
      "tone_float32_8k.wav | IEEE float (format tag 0x0003), 32-bit",
      "tone_ima_adpcm_8k.wav | IMA ADPCM (format tag 0x0011), 4-bit",
      "tone_3ch_8k.wav | 16-bit, 3 channels, 8000 Hz",
      "tone_96k.wav | PCM (format tag 0x0001), 16-bit, 1 channel, 96000 Hz"})
  void refusesUnsupportedFormatsNamingWhatWasFoundAndWhatIsSupported(String file, String found) {
    AudioException e = assertThrows(AudioException.class, () -> Wav.read(Fixtures.path(file)));
    assertTrue(e.getMessage().startsWith(file + ": unsupported WAV format: "), e.getMessage());
    assertTrue(e.getMessage().contains(found), e.getMessage());
    assertTrue(e.getMessage().contains("supported: 16-bit integer PCM"), e.getMessage());
    assertTrue(e.getMessage().contains("mono or stereo, 8000 to 48000 Hz"), e.getMessage());
  }

  @Test
  void refusesGarbageAndTruncatedHeaders() {
    assertRefused(new byte[] {'R', 'I', 'F'}, "not a WAV file: 3 bytes");
    assertRefused(ascii("ID3\u0003\0\0\0\0\0\0\0\0"), "not a WAV file: starts with 'ID3\\x03'");
    assertRefused(ascii("RIFF\0\0\0\0AVI "), "expected 'RIFF' ... 'WAVE'");
    assertRefused(ascii("RIFX\0\0\0\0WAVE"), "big-endian RIFX");
    assertRefused(ascii("RIFF\0\0\0\0WAVE"), "truncated WAV: no 'fmt ' chunk");
    byte[] header = WavHeader.canonical(PcmFormat.pcm16Mono(8000), 0);
    assertRefused(Arrays.copyOf(header, 30), "truncated WAV: ends inside the 'fmt ' chunk");
    assertRefused(Arrays.copyOf(header, 36), "truncated WAV: no 'data' chunk");
    byte[] bigList = concat(Arrays.copyOf(header, 36), ascii("LIST"), le32(1_000_000));
    assertRefused(bigList, "ends inside the 'LIST' chunk of 1000000 bytes");
    byte[] binaryId = concat(Arrays.copyOf(header, 36), new byte[] {0, 1, 2, 3}, le32(4));
    assertRefused(binaryId, "chunk id '\\x00\\x01\\x02\\x03' is not text");
    byte[] badAlign = header.clone();
    badAlign[32] = 4;
    assertRefused(badAlign, "block align 4 does not match");
    byte[] dataFirst = concat(Arrays.copyOf(header, 12), Arrays.copyOfRange(header, 36, 44));
    assertRefused(dataFirst, "'data' chunk before 'fmt '");
  }

  @Test
  void skipsExtraChunksWithOddSizesAndPadding() {
    byte[] pcm = {1, 0, 2, 0, 3, 0};
    byte[] fmt = Arrays.copyOfRange(WavHeader.canonical(PcmFormat.pcm16Mono(16_000), 6), 12, 36);
    byte[] wav = concat(ascii("RIFF"), le32(0), ascii("WAVE"),
        ascii("LIST"), le32(3), new byte[] {'a', 'b', 'c', 0}, // odd size + pad byte
        fmt,
        ascii("fact"), le32(4), le32(3),
        ascii("junk"), le32(1), new byte[] {9, 0},
        ascii("data"), le32(6), pcm,
        ascii("LIST"), le32(2), new byte[] {'x', 'y'}); // trailing chunk is not audio
    WavData data = Wav.read(new ByteArrayInputStream(wav), "chunks.wav");
    assertEquals(PcmFormat.pcm16Mono(16_000), data.format());
    assertArrayEquals(pcm, data.pcm());
  }

  @Test
  void readsOddSizedFmtChunkWithPadByte() {
    byte[] fmt18 = concat(ascii("fmt "), le32(18),
        Arrays.copyOfRange(WavHeader.canonical(PcmFormat.pcm16Mono(8000), 0), 20, 36),
        new byte[] {0, 0}); // cbSize = 0: 18 bytes, even, no pad
    byte[] fmt17 = concat(ascii("fmt "), le32(17),
        Arrays.copyOfRange(WavHeader.canonical(PcmFormat.pcm16Mono(8000), 0), 20, 36),
        new byte[] {0, 0}); // 17 bytes + pad byte
    for (byte[] fmt : new byte[][] {fmt18, fmt17}) {
      byte[] wav = concat(ascii("RIFF"), le32(0), ascii("WAVE"), fmt, ascii("data"), le32(2),
          new byte[] {5, 0});
      assertArrayEquals(new byte[] {5, 0}, Wav.read(new ByteArrayInputStream(wav), "x").pcm());
    }
  }

  @ParameterizedTest(name = "data size placeholder 0x{0}: read to end of stream")
  @CsvSource({"00000000", "7ffff000", "ffffffff"})
  void placeholderDataSizeReadsToEndOfStream(String hex) {
    byte[] header = WavHeader.canonical(PcmFormat.pcm16Mono(22_050), 0);
    WavHeader.putU32(header, 40, Long.parseLong(hex, 16));
    byte[] pcm = new byte[1001]; // ends mid-frame, as a killed streaming writer may leave it
    pcm[998] = 7;
    WavData data = Wav.read(new ByteArrayInputStream(concat(header, pcm)), "stream.wav");
    assertEquals(1000, data.pcm().length);
    assertEquals(7, data.pcm()[998]);
  }

  @Test
  void readsWaveFormatExtensiblePcm() {
    byte[] fmt = concat(ascii("fmt "), le32(40),
        new byte[] {(byte) 0xFE, (byte) 0xFF, 2, 0}, le32(44_100), le32(44_100 * 4),
        new byte[] {4, 0, 16, 0, 22, 0, 16, 0}, le32(3),
        new byte[] {1, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38,
            (byte) 0x9B, 0x71});
    byte[] wav = concat(ascii("RIFF"), le32(0), ascii("WAVE"), fmt, ascii("data"), le32(4),
        new byte[] {1, 2, 3, 4});
    WavData data = Wav.read(new ByteArrayInputStream(wav), "ext.wav");
    assertEquals(PcmFormat.pcm16(44_100, 2), data.format());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, data.pcm());
  }

  @Test
  void writeThenReadIsBitExact() throws IOException {
    WavData speech = Wav.read(Fixtures.path("user_book_table_48k_stereo.wav"));
    Path file = dir.resolve("copy.wav");
    Wav.write(file, speech);
    assertArrayEquals(Files.readAllBytes(Fixtures.path("user_book_table_48k_stereo.wav")),
        Files.readAllBytes(file), "same canonical header and data as sox wrote");
    WavData back = Wav.read(file);
    assertEquals(speech.format(), back.format());
    assertArrayEquals(speech.pcm(), back.pcm());
  }

  @Test
  void writeRefusesNon16BitFormats() {
    assertThrows(IllegalArgumentException.class, () -> Wav.write(new ByteArrayOutputStream(),
        new PcmFormat(8000, 1, 24, false), new byte[3]));
    assertThrows(IllegalArgumentException.class, () -> Wav.write(new ByteArrayOutputStream(),
        PcmFormat.pcm16Mono(8000), new byte[3]));
  }

  @Test
  void convertToGivesSessionFormat() {
    WavData stereo = Wav.read(Fixtures.path("user_book_table_48k_stereo.wav"));
    WavData mono = stereo.convertTo(PcmFormat.pcm16Mono(24_000));
    assertEquals(PcmFormat.pcm16Mono(24_000), mono.format());
    assertEquals(500, mono.durationMillis());
    assertTrue(peak(mono.pcm()) > 10_000);
  }

  private static void assertRefused(byte[] wav, String expected) {
    AudioException e = assertThrows(AudioException.class,
        () -> Wav.read(new ByteArrayInputStream(wav), "bad.wav"));
    assertTrue(e.getMessage().startsWith("bad.wav: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static int peak(byte[] pcm16le) {
    int peak = 0;
    for (int i = 0; i + 1 < pcm16le.length; i += 2) {
      peak = Math.max(peak, Math.abs((short) ((pcm16le[i + 1] << 8) | (pcm16le[i] & 0xff))));
    }
    return peak;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static byte[] le32(long v) {
    byte[] b = new byte[4];
    WavHeader.putU32(b, 0, v);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
