package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class PcmConverterTest {

  private static final PcmFormat MONO_24K = PcmFormat.pcm16Mono(24_000);

  @Test
  void identityHandsBackTheInputArrayWithoutCopying() {
    PcmConverter converter = PcmConverter.create(MONO_24K, PcmFormat.pcm16Mono(24_000));
    assertTrue(converter.isIdentity());
    byte[] chunk = new byte[960];
    int n = converter.convert(chunk, 10, 480);
    assertEquals(480, n);
    assertSame(chunk, converter.outputArray());
    assertEquals(10, converter.outputOffset());
    assertEquals(0, converter.finish());
  }

  @Test
  void identityKeepsFramesAlignedAcrossOddChunks() {
    PcmConverter converter = PcmConverter.create(MONO_24K, MONO_24K);
    byte[] input = {1, 2, 3, 4, 5, 6, 7};
    assertArrayEquals(new byte[] {1, 2}, convertChunk(converter, input, 0, 3));
    assertArrayEquals(new byte[] {3, 4, 5, 6}, convertChunk(converter, input, 3, 4));
    // The trailing odd byte is held back, then completed by the next chunk.
    assertArrayEquals(new byte[] {7, 8}, convertChunk(converter, new byte[] {8}, 0, 1));
  }

  @Test
  void stereoDownmixAveragesAndRoundsHalfUp() {
    PcmFormat stereo = PcmFormat.pcm16(16_000, 2);
    PcmFormat mono = PcmFormat.pcm16Mono(16_000);
    short[] out = toShorts(PcmConverter.convertAll(stereo, mono,
        toBytes(new short[] {1000, 3000, -1, -2, 1, 2, 32767, 32767, -32768, -32768, 100, -100})));
    assertArrayEquals(new short[] {2000, -1, 2, 32767, -32768, 0}, out);
  }

  @Test
  void monoUpmixDuplicates() {
    short[] out = toShorts(PcmConverter.convertAll(PcmFormat.pcm16Mono(8000),
        PcmFormat.pcm16(8000, 3), toBytes(new short[] {5, -7})));
    assertArrayEquals(new short[] {5, 5, 5, -7, -7, -7}, out);
  }

  @Test
  void fourChannelsFoldToStereoByInterleavedAverage() {
    short[] out = toShorts(PcmConverter.convertAll(PcmFormat.pcm16(8000, 4),
        PcmFormat.pcm16(8000, 2), toBytes(new short[] {10, 20, 30, 40})));
    assertArrayEquals(new short[] {20, 30}, out);
    short[] up = toShorts(PcmConverter.convertAll(PcmFormat.pcm16(8000, 2),
        PcmFormat.pcm16(8000, 4), toBytes(new short[] {10, 20})));
    assertArrayEquals(new short[] {10, 20, 10, 20}, up);
  }

  @Test
  void sampleFormatsConvertExactly() {
    // u8 -> s16: (u - 128) * 256
    assertArrayEquals(new short[] {-32768, -256, 0, 256, 32512},
        toShorts(PcmConverter.convertAll(new PcmFormat(8000, 1, 8, false),
            PcmFormat.pcm16Mono(8000), new byte[] {0, 127, (byte) 128, (byte) 129, (byte) 255})));
    // s16 -> u8 rounds half up
    assertArrayEquals(new byte[] {0, (byte) 128, (byte) 129, (byte) 255, (byte) 128},
        PcmConverter.convertAll(PcmFormat.pcm16Mono(8000), new PcmFormat(8000, 1, 8, false),
            toBytes(new short[] {-32768, 127, 128, 32767, -128})));
    // s24 BE -> s16 LE: rounds half up, clips at full scale
    byte[] s24be = {
        0x12, 0x34, 0x56, // 0x123456 -> 0x1234 + 0x56/0x100 -> 0x1234
        0x12, 0x34, (byte) 0x80, // exactly half -> up to 0x1235
        (byte) 0xFF, (byte) 0xFF, (byte) 0x80, // -128/256 = -0.5 -> 0
        0x7F, (byte) 0xFF, (byte) 0xFF, // just below full scale -> 32767 (clipped, not wrapped)
        (byte) 0x80, 0x00, 0x00}; // -8388608 -> -32768
    assertArrayEquals(new short[] {0x1234, 0x1235, 0, 32767, -32768},
        toShorts(PcmConverter.convertAll(new PcmFormat(8000, 1, 24, true),
            PcmFormat.pcm16Mono(8000), s24be)));
    // s16 LE -> s32 LE and back
    short[] samples = {0, 1, -1, 12345, -32768, 32767};
    byte[] s32 = PcmConverter.convertAll(PcmFormat.pcm16Mono(8000),
        new PcmFormat(8000, 1, 32, false), toBytes(samples));
    assertEquals(samples.length * 4, s32.length);
    assertEquals(12345 << 16, readIntLe(s32, 12));
    assertEquals(-32768 << 16, readIntLe(s32, 16));
    assertArrayEquals(samples, toShorts(PcmConverter.convertAll(
        new PcmFormat(8000, 1, 32, false), PcmFormat.pcm16Mono(8000), s32)));
    // s16 LE <-> s16 BE is a byte swap
    assertArrayEquals(new byte[] {0x12, 0x34},
        PcmConverter.convertAll(PcmFormat.pcm16Mono(8000), new PcmFormat(8000, 1, 16, true),
            new byte[] {0x34, 0x12}));
  }

  @Test
  void everyFormatRoundTripsThroughWiderFormatsLosslessly() {
    Random random = new Random(42);
    short[] samples = new short[999];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) random.nextInt();
    }
    byte[] pcm = toBytes(samples);
    PcmFormat base = PcmFormat.pcm16(8000, 1);
    for (int bits : new int[] {16, 24, 32}) {
      for (boolean bigEndian : new boolean[] {false, true}) {
        PcmFormat wide = new PcmFormat(8000, 1, bits, bigEndian);
        byte[] there = PcmConverter.convertAll(base, wide, pcm);
        assertArrayEquals(pcm, PcmConverter.convertAll(wide, base, there), wide.toString());
      }
    }
  }

  @Test
  void frameSplittingChunksGiveTheSameOutputAsOneShot() {
    // Real speech, 48 kHz stereo -> 24 kHz mono, a resampling + downmix + chunking path.
    WavData wav = Wav.read(Fixtures.path("user_book_table_48k_stereo.wav"));
    byte[] oneShot = PcmConverter.convertAll(wav.format(), MONO_24K, wav.pcm());
    PcmConverter converter = PcmConverter.create(wav.format(), MONO_24K);
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    int[] chunkBytes = {1, 3, 5, 7, 1919, 2, 3840, 13, 1};
    int pos = 0;
    for (int i = 0; pos < wav.pcm().length; i++) {
      int len = Math.min(chunkBytes[i % chunkBytes.length], wav.pcm().length - pos);
      byte[] out = convertChunk(converter, wav.pcm(), pos, len);
      pos += len;
      assertEquals(0, out.length % 2, "whole frames only");
      chunked.writeBytes(out);
    }
    int tail = converter.finish();
    chunked.write(converter.outputArray(), converter.outputOffset(), tail);
    assertArrayEquals(oneShot, chunked.toByteArray());
    assertEquals(wav.frames() / 2, oneShot.length / 2, "48k -> 24k halves the frame count");
  }

  @Test
  void callerProvidedArrayGetsTheSameBytes() {
    WavData wav = Wav.read(Fixtures.path("user_book_table_16k.wav"));
    PcmConverter internal = PcmConverter.create(wav.format(), MONO_24K);
    PcmConverter external = PcmConverter.create(wav.format(), MONO_24K);
    for (int pos = 0; pos < wav.pcm().length; pos += 641) {
      int len = Math.min(641, wav.pcm().length - pos);
      byte[] destination = new byte[external.maxOutputBytes(len) + 3];
      int n = external.convert(wav.pcm(), pos, len, destination, 3);
      assertArrayEquals(convertChunk(internal, wav.pcm(), pos, len),
          Arrays.copyOfRange(destination, 3, 3 + n));
    }
  }

  @Test
  void convertedSpeechMatchesSoxWithin50DbSnr() {
    // The 22050 Hz fixture and the 24 kHz fixture were made from the same espeak-ng output; the
    // 24 kHz one by sox's resampler (and padded with 0.3 s of silence). Both resamplers are
    // band-limited and time-aligned; they differ only in their transition bands.
    WavData native22k = Wav.read(Fixtures.path("user_book_table_22k.wav"));
    WavData sox24k = Wav.read(Fixtures.path("user_book_table_24k.wav"));
    short[] ours = toShorts(PcmConverter.convertAll(native22k.format(), MONO_24K,
        native22k.pcm()));
    short[] theirs = toShorts(sox24k.pcm());
    int offset = 7200; // 0.3 s of padding at 24 kHz
    double signal = 0;
    double error = 0;
    for (int n = 100; n < ours.length - 100; n++) {
      double reference = theirs[offset + n];
      signal += reference * reference;
      error += (ours[n] - reference) * (ours[n] - reference);
    }
    double snrDb = 10 * Math.log10(signal / error);
    assertTrue(snrDb > 50, "SNR vs sox " + snrDb + " dB (measured 56.6), want > 50 dB");
  }

  @Test
  void resetDropsHistoryAndPendingBytes() {
    PcmConverter converter = PcmConverter.create(PcmFormat.pcm16Mono(16_000), MONO_24K);
    byte[] speech = Wav.read(Fixtures.path("user_book_table_16k.wav")).pcm();
    byte[] first = convertChunk(converter, speech, 0, 3201);
    converter.reset();
    byte[] again = convertChunk(converter, speech, 0, 3201);
    assertArrayEquals(first, again);
    assertFalse(Arrays.equals(new byte[first.length], first), "real audio came out");
  }

  @Test
  void finishEmitsTheResamplerTailSoLengthMatchesTheRateRatio() {
    PcmConverter converter = PcmConverter.create(PcmFormat.pcm16Mono(16_000), MONO_24K);
    byte[] input = new byte[3200]; // 100 ms
    int n = converter.convert(input, 0, input.length);
    assertTrue(n < 4800, "resampler holds back its look-ahead");
    assertEquals(4800, n + converter.finish());
  }

  static byte[] convertChunk(PcmConverter converter, byte[] input, int offset, int length) {
    int n = converter.convert(input, offset, length);
    int start = converter.outputOffset();
    return Arrays.copyOfRange(converter.outputArray(), start, start + n);
  }

  static byte[] toBytes(short[] samples) {
    byte[] bytes = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      bytes[2 * i] = (byte) samples[i];
      bytes[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    return bytes;
  }

  static short[] toShorts(byte[] pcm16le) {
    short[] samples = new short[pcm16le.length / 2];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) ((pcm16le[2 * i + 1] << 8) | (pcm16le[2 * i] & 0xff));
    }
    return samples;
  }

  private static int readIntLe(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24;
  }
}
