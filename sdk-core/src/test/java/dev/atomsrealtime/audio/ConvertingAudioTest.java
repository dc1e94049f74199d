package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class ConvertingAudioTest {

  private static final PcmFormat SESSION = PcmFormat.pcm16Mono(24_000);

  @Test
  void sourceDeliversTheSessionFormatFromA16kPushSource() {
    WavData speech = Wav.read(Fixtures.path("user_book_table_16k.wav"));
    PcmPushSource pushed = PcmPushSource.create(speech.format(), 2000);
    ConvertingAudioSource source = ConvertingAudioSource.wrap(pushed);
    assertEquals(SESSION, source.open(SESSION));
    assertEquals(PcmFormat.pcm16Mono(16_000), source.innerFormat());
    pushed.push(speech.pcm());
    pushed.endOfStream();
    byte[] out = WavFileSourceSinkTest.readAll(source, 960);
    assertArrayEquals(PcmConverter.convertAll(speech.format(), SESSION, speech.pcm()), out);
    assertEquals(48_000, out.length, "1 s at 24 kHz, tail included");
    source.close();
    assertEquals(-1, source.read(new byte[960], 0, 960));
  }

  @Test
  void sourcePassesTheSameFormatStraightThrough() {
    PcmPushSource pushed = PcmPushSource.create(SESSION, 100);
    ConvertingAudioSource source = ConvertingAudioSource.wrap(pushed);
    source.open(SESSION);
    pushed.push(new byte[] {1, 2, 3, 4, 5, 6});
    byte[] out = new byte[10];
    assertEquals(6, source.read(out, 0, 10));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, Arrays.copyOf(out, 6));
  }

  @Test
  void sinkConvertsToTheInnerFormatAndReportsFramesInTheSessionFormat() throws Exception {
    WavData speech = Wav.read(Fixtures.path("user_book_table_24k.wav"));
    byte[] session = Arrays.copyOf(speech.pcm(), 9600 * 2); // 400 ms
    PcmFormat device = PcmFormat.pcm16(48_000, 2);
    PcmPullSink pull = PcmPullSink.create(device, 1000);
    ConvertingAudioSink sink = ConvertingAudioSink.wrap(pull);
    assertEquals(SESSION, sink.open(SESSION));
    assertEquals(device, sink.innerFormat());
    for (int pos = 0; pos < session.length; pos += 960) {
      sink.write(session, pos, 960);
    }
    ByteArrayOutputStream pulled = new ByteArrayOutputStream();
    byte[] chunk = new byte[3840];
    for (int n; (n = pull.poll(chunk, 0, chunk.length)) > 0; ) {
      pulled.write(chunk, 0, n);
    }
    long innerFrames = pull.framesPlayed();
    assertEquals(pulled.size() / 4, innerFrames);
    assertEquals(innerFrames / 2, sink.framesPlayed(), "48 kHz frames reported as 24 kHz frames");
    // drain() writes the resampler tail: together it is exactly the one-shot conversion.
    Thread drainer = new Thread(sink::drain, "test-drainer");
    drainer.start();
    while (drainer.isAlive()) {
      int n = pull.read(chunk, 0, chunk.length, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (n > 0) {
        pulled.write(chunk, 0, n);
      }
    }
    drainer.join(5000);
    assertArrayEquals(PcmConverter.convertAll(SESSION, device, session), pulled.toByteArray());
    assertEquals(9600, sink.framesPlayed());
  }

  @Test
  void flushStartsConversionAfresh() {
    byte[] speech = Arrays.copyOf(Wav.read(Fixtures.path("user_book_table_24k.wav")).pcm(),
        4800 * 2);
    byte[] later = Arrays.copyOfRange(speech, 4800, 9600);
    PcmPullSink pull = PcmPullSink.create(PcmFormat.pcm16Mono(16_000), 1000);
    ConvertingAudioSink sink = ConvertingAudioSink.wrap(pull);
    sink.open(SESSION);
    sink.write(speech, 0, 4800);
    sink.flush(); // barge-in
    assertEquals(0, pull.bufferedBytes());
    sink.write(later, 0, later.length);
    byte[] afterFlush = new byte[pull.bufferedBytes()];
    pull.poll(afterFlush, 0, afterFlush.length);

    PcmConverter fresh = PcmConverter.create(SESSION, PcmFormat.pcm16Mono(16_000));
    byte[] expected = PcmConverterTest.convertChunk(fresh, later, 0, later.length);
    assertArrayEquals(expected, afterFlush, "no history from before the flush");
    PcmConverter continued = PcmConverter.create(SESSION, PcmFormat.pcm16Mono(16_000));
    PcmConverterTest.convertChunk(continued, speech, 0, 4800);
    assertNotEquals(Arrays.toString(expected), Arrays.toString(
        PcmConverterTest.convertChunk(continued, later, 0, later.length)),
        "history would have made a difference");
  }
}
