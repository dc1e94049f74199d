package dev.atomsrealtime.audio.javasound;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.javasound.fake.Failure;
import dev.atomsrealtime.audio.javasound.fake.FakeMixer;
import dev.atomsrealtime.audio.javasound.fake.FakeMixerProvider;
import dev.atomsrealtime.audio.javasound.fake.FakeSourceDataLine;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 10, unit = SECONDS)
@ExtendWith(NoLeakedThreadsExtension.class)
class JavaSoundAudioSinkTest {

  private static final PcmFormat WIRE = PcmFormat.pcm16Mono(24_000);

  private final FakeMixer mixer = new FakeMixer("Fake Speaker").playbackOnly();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-writer"));

  @AfterEach
  void cleanUp() throws InterruptedException {
    FakeMixerProvider.uninstall();
    writer.shutdownNow();
    assertTrue(writer.awaitTermination(2, SECONDS));
  }

  /** Writes {@code pcm} in 20 ms chunks, as the playback engine does. */
  private static void writeInChunks(JavaSoundAudioSink sink, byte[] pcm) {
    int chunkBytes = sink.format().bytesForMillis(20);
    for (int at = 0; at < pcm.length; at += chunkBytes) {
      sink.write(pcm, at, Math.min(chunkBytes, pcm.length - at));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  @Test
  void playsBytesEndToEndOnTheSystemDefault() {
    byte[] fixture = Signals.sine(WIRE, 500);
    FakeMixerProvider.install(mixer);
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.defaultSpeaker()) {
      assertEquals(WIRE, speaker.open(WIRE));
      writeInChunks(speaker, fixture);
      speaker.drain();
      assertArrayEquals(fixture, mixer.lastSourceLine().played());
      assertEquals(WIRE.framesForBytes(fixture.length), speaker.framesPlayed());
      assertEquals(WIRE.bytesForMillis(JavaSoundAudioSink.DEFAULT_BUFFER_MILLIS),
          mixer.lastSourceLine().getBufferSize());
    }
  }

  @Test
  void opensWhatTheDeviceOffersWhenItLacksTheRequestedFormat() {
    PcmFormat stereo48k = PcmFormat.pcm16(48_000, 2);
    mixer.formats(List.of(new AudioFormat(48_000, 16, 2, true, false)));
    byte[] fixture = Signals.pattern(stereo48k.bytesForMillis(300), 11);
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer).build()) {
      assertEquals(stereo48k, speaker.open(WIRE));
      assertEquals(stereo48k, speaker.format());
      writeInChunks(speaker, fixture);
      assertArrayEquals(fixture, mixer.lastSourceLine().played());
    }
  }

  /**
   * Barge-in: a write blocked on a full device buffer returns promptly when flushed, nothing
   * written before the flush is played after it, and flushed frames are not counted as played.
   */
  @Test
  void flushOnInterruptionSilencesAtOnceAndUnblocksTheWriter() throws Exception {
    mixer.manualPlayback(true);
    JavaSoundAudioSink speaker =
        JavaSoundAudioSink.builder().mixer(mixer).bufferMillis(80).build();
    speaker.open(WIRE);
    FakeSourceDataLine line = mixer.lastSourceLine();
    byte[] stale = Signals.constant(WIRE.bytesForMillis(1000), 0x11);
    Future<?> write = writer.submit(() -> speaker.write(stale, 0, stale.length));
    assertTrue(line.awaitBlockedWriter(2000));
    int playedBeforeBytes = line.consume(WIRE.bytesForMillis(20));
    assertTrue(line.awaitBlockedWriter(2000));

    long start = System.nanoTime();
    speaker.flush();
    write.get(1, SECONDS);
    long flushMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    System.out.printf("flush to blocked write returning: %.3f ms%n", flushMicros / 1000.0);
    assertTrue(flushMicros < 200_000, "flush took " + flushMicros + " us");

    assertEquals(0, line.pendingBytes(), "the device buffer is empty after the flush");
    byte[] fresh = Signals.constant(WIRE.bytesForMillis(40), 0x22);
    speaker.write(fresh, 0, fresh.length);
    line.consumeAll();
    byte[] expected = concat(Arrays.copyOf(stale, playedBeforeBytes), fresh);
    assertArrayEquals(expected, line.played(), "only pre-flush audio played before the flush");
    assertEquals(WIRE.framesForBytes(expected.length), speaker.framesPlayed(),
        "flushed frames are not counted");
    speaker.close();
    assertEquals(0, mixer.openLineCount());
  }

  @Test
  void framesPlayedNeverDecreasesAcrossFlushesAndClose() {
    mixer.manualPlayback(true);
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer).build()) {
      speaker.open(WIRE);
      FakeSourceDataLine line = mixer.lastSourceLine();
      byte[] chunk = Signals.pattern(WIRE.bytesForMillis(40), 5);
      long last = 0;
      for (int round = 0; round < 5; round++) {
        speaker.write(chunk, 0, chunk.length);
        line.consume(WIRE.bytesForMillis(10));
        long played = speaker.framesPlayed();
        assertTrue(played >= last, played + " < " + last);
        speaker.flush();
        assertEquals(played, speaker.framesPlayed(), "a flush counts nothing as played");
        last = played;
      }
      assertEquals(WIRE.framesForMillis(50), last);
      speaker.close();
      assertEquals(last, speaker.framesPlayed());
    }
  }

  @Test
  void drainWaitsUntilEverythingIsPlayed() throws Exception {
    mixer.manualPlayback(true);
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer).build()) {
      speaker.open(WIRE);
      byte[] pcm = Signals.pattern(WIRE.bytesForMillis(40), 9);
      speaker.write(pcm, 0, pcm.length);
      Future<?> drain = writer.submit(speaker::drain);
      FakeSourceDataLine line = mixer.lastSourceLine();
      line.consumeAll();
      drain.get(2, SECONDS);
      assertArrayEquals(pcm, line.played());
    }
  }

  @Test
  void busyDeviceIsReportedAndNothingStaysOpen() {
    mixer.busy(true);
    JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer).build();
    AudioDeviceBusyException e =
        assertThrows(AudioDeviceBusyException.class, () -> speaker.open(WIRE));
    assertTrue(e.getMessage().contains("'Fake Speaker' is busy"), e.getMessage());
    assertEquals(0, mixer.openLineCount());
    speaker.close();
  }

  @Test
  void busyDefaultDeviceIsReportedThroughAudioSystem() {
    FakeMixerProvider.install(mixer.busy(true));
    JavaSoundAudioSink speaker = JavaSoundAudioSink.defaultSpeaker();
    assertThrows(AudioDeviceBusyException.class, () -> speaker.open(WIRE));
    speaker.close();
  }

  @Test
  void noPlaybackDeviceIsReported() {
    JavaSoundAudioSink speaker = JavaSoundAudioSink.builder()
        .devices(JavaSoundDevices.of(List.of(new FakeMixer("Mic only").captureOnly()))).build();
    AudioDeviceNotFoundException e =
        assertThrows(AudioDeviceNotFoundException.class, () -> speaker.open(WIRE));
    assertTrue(e.getMessage().contains("No audio playback device found"), e.getMessage());
    speaker.close();
  }

  @ParameterizedTest
  @EnumSource(value = Failure.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void deviceDisappearingMidCallEndsPlaybackWithAnAudioException(Failure failure) {
    int stallMillis = 300;
    mixer.failure(failure, WIRE.bytesForMillis(100));
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer)
        .stallTimeoutMillis(stallMillis).build()) {
      speaker.open(WIRE);
      byte[] chunk = Signals.pattern(WIRE.bytesForMillis(20), 1);
      for (int i = 0; i < 5; i++) {
        speaker.write(chunk, 0, chunk.length);
      }
      long start = System.nanoTime();
      AudioException e = assertThrows(AudioDeviceLostException.class,
          () -> speaker.write(chunk, 0, chunk.length));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMillis < stallMillis + 1000, failure + " took " + tookMillis + " ms");
      assertTrue(e.getMessage().startsWith("Speaker lost"), e.getMessage());
      assertThrows(AudioDeviceLostException.class, () -> speaker.write(chunk, 0, chunk.length));
    }
    assertEquals(0, mixer.openLineCount());
  }

  @Test
  void closeUnblocksAWriteInProgressAndLaterWritesAreDiscarded() throws Exception {
    mixer.manualPlayback(true);
    JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer)
        .stallTimeoutMillis(0).build();
    speaker.open(WIRE);
    byte[] pcm = Signals.pattern(WIRE.bytesForMillis(500), 2);
    Future<?> write = writer.submit(() -> speaker.write(pcm, 0, pcm.length));
    assertTrue(mixer.lastSourceLine().awaitBlockedWriter(2000));
    speaker.close();
    write.get(1, SECONDS);
    assertEquals(0, mixer.openLineCount());
    speaker.write(pcm, 0, pcm.length);
    speaker.flush();
    speaker.drain();
    speaker.close();
  }

  @Test
  void closeLeavesNoThreadAndNoOpenLine() {
    JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().mixer(mixer).build();
    assertThrows(IllegalStateException.class, () -> speaker.write(new byte[2], 0, 2));
    assertThrows(IllegalStateException.class, speaker::format);
    speaker.open(WIRE);
    assertTrue(NoLeakedThreadsExtension.atomsThreads().stream()
        .anyMatch(t -> t.getName().startsWith("atoms-playback-watchdog-") && t.isDaemon()));
    assertThrows(IllegalArgumentException.class, () -> speaker.write(new byte[3], 0, 3));
    speaker.close();
    assertEquals(List.of(), NoLeakedThreadsExtension.atomsThreads());
    assertEquals(0, mixer.openLineCount());
  }
}
