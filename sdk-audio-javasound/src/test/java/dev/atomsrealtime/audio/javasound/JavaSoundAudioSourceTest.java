package dev.atomsrealtime.audio.javasound;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.javasound.fake.Failure;
import dev.atomsrealtime.audio.javasound.fake.FakeMixer;
import dev.atomsrealtime.audio.javasound.fake.FakeMixerProvider;
import java.io.ByteArrayOutputStream;
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
class JavaSoundAudioSourceTest {

  private static final PcmFormat WIRE = PcmFormat.pcm16Mono(24_000);

  private final FakeMixer mixer = new FakeMixer("Fake Mic").captureOnly();
  private final ExecutorService reader =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-reader"));

  @AfterEach
  void cleanUp() throws InterruptedException {
    FakeMixerProvider.uninstall();
    reader.shutdownNow();
    assertTrue(reader.awaitTermination(2, SECONDS));
  }

  /** Reads {@code bytes} bytes in 20 ms chunks, as the capture pump does. */
  private static byte[] readFully(JavaSoundAudioSource source, int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[source.format().bytesForMillis(20)];
    while (out.size() < bytes) {
      int n = source.read(chunk, 0, Math.min(chunk.length, bytes - out.size()));
      assertTrue(n > 0 && n % source.format().bytesPerFrame() == 0, "read " + n);
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void capturesAKnownSignalEndToEndFromTheSystemDefault() {
    byte[] fixture = Signals.sine(WIRE, 500);
    FakeMixerProvider.install(mixer.captureSignal(fixture));
    try (JavaSoundAudioSource mic = JavaSoundAudioSource.defaultMicrophone()) {
      assertEquals(WIRE, mic.open(WIRE));
      assertEquals(WIRE, mic.format());
      assertArrayEquals(fixture, readFully(mic, fixture.length));
      AudioFormat opened = mixer.lastTargetLine().openedFormat();
      assertEquals(24_000f, opened.getSampleRate());
      assertFalse(opened.isBigEndian());
      assertEquals(WIRE.bytesForMillis(JavaSoundAudioSource.DEFAULT_BUFFER_MILLIS),
          mixer.lastTargetLine().getBufferSize());
    }
  }

  @Test
  void opensWhatTheDeviceOffersWhenItLacksTheRequestedFormat() {
    PcmFormat stereo48k = PcmFormat.pcm16(48_000, 2);
    byte[] fixture = Signals.pattern(stereo48k.bytesForMillis(300), 7);
    mixer.formats(List.of(new AudioFormat(48_000, 16, 2, true, false))).captureSignal(fixture);
    try (JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer).build()) {
      assertEquals(stereo48k, mic.open(WIRE));
      assertEquals(stereo48k, mic.format());
      assertArrayEquals(fixture, readFully(mic, fixture.length));
    }
  }

  @Test
  void readReturnsWholeFramesOnly() {
    mixer.captureSignal(Signals.pattern(4800, 3));
    try (JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer).build()) {
      mic.open(WIRE);
      byte[] buffer = new byte[101];
      assertEquals(100, mic.read(buffer, 0, 101));
      assertThrows(IllegalArgumentException.class, () -> mic.read(buffer, 0, 1));
    }
  }

  @Test
  void busyDeviceIsReportedAndNothingStaysOpen() {
    mixer.busy(true);
    JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer).build();
    AudioDeviceBusyException e = assertThrows(AudioDeviceBusyException.class, () -> mic.open(WIRE));
    assertTrue(e.getMessage().contains("'Fake Mic' is busy"), e.getMessage());
    assertEquals(0, mixer.openLineCount());
    mic.close();
  }

  @Test
  void deviceWithoutUsablePcmFormatIsReported() {
    mixer.formats(List.of(
        new AudioFormat(AudioFormat.Encoding.ULAW, 8000, 8, 1, 1, 8000, false)));
    JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer).build();
    AudioFormatNotSupportedException e =
        assertThrows(AudioFormatNotSupportedException.class, () -> mic.open(WIRE));
    assertTrue(e.getMessage().contains("ULAW"), e.getMessage());
    assertEquals(0, mixer.openLineCount());
    mic.close();
  }

  @Test
  void unknownDeviceNameListsTheDevices() {
    JavaSoundAudioSource mic = JavaSoundAudioSource.builder()
        .devices(JavaSoundDevices.of(List.of(mixer))).device("Studio").build();
    AudioDeviceNotFoundException e =
        assertThrows(AudioDeviceNotFoundException.class, () -> mic.open(WIRE));
    assertTrue(e.getMessage().contains("'Fake Mic'"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Failure.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void deviceDisappearingMidCallEndsCaptureWithAnAudioException(Failure failure) {
    int stallMillis = 300;
    mixer.failure(failure, WIRE.bytesForMillis(100));
    try (JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer)
        .stallTimeoutMillis(stallMillis).build()) {
      mic.open(WIRE);
      byte[] chunk = new byte[WIRE.bytesForMillis(20)];
      for (int i = 0; i < 5; i++) {
        assertEquals(chunk.length, mic.read(chunk, 0, chunk.length));
      }
      long start = System.nanoTime();
      AudioException e = assertThrows(AudioDeviceLostException.class,
          () -> mic.read(chunk, 0, chunk.length));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMillis < stallMillis + 1000, failure + " took " + tookMillis + " ms");
      assertTrue(e.getMessage().startsWith("Microphone lost"), e.getMessage());
      assertThrows(AudioDeviceLostException.class, () -> mic.read(chunk, 0, chunk.length),
          "stays lost");
    }
    assertEquals(0, mixer.openLineCount());
  }

  @Test
  void closeUnblocksAReadInProgressWhichReturnsMinusOne() throws Exception {
    mixer.failure(Failure.BLOCK, 0);
    JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer)
        .stallTimeoutMillis(0).build();
    mic.open(WIRE);
    Future<Integer> read = reader.submit(() -> mic.read(new byte[960], 0, 960));
    assertTrue(mixer.lastTargetLine().awaitBlockedReader(2000));
    mic.close();
    assertEquals(-1, read.get(1, SECONDS));
    assertEquals(0, mixer.openLineCount());
  }

  @Test
  void closeLeavesNoThreadAndNoOpenLineAndIsIdempotent() {
    JavaSoundAudioSource mic = JavaSoundAudioSource.builder().mixer(mixer).build();
    assertThrows(IllegalStateException.class, () -> mic.read(new byte[2], 0, 2));
    mic.open(WIRE);
    assertTrue(NoLeakedThreadsExtension.atomsThreads().stream()
        .anyMatch(t -> t.getName().startsWith("atoms-capture-watchdog-") && t.isDaemon()));
    assertThrows(IllegalStateException.class, () -> mic.open(WIRE));
    mic.close();
    assertEquals(List.of(), NoLeakedThreadsExtension.atomsThreads());
    assertEquals(0, mixer.openLineCount());
    assertEquals(-1, mic.read(new byte[2], 0, 2));
    mic.close();
    assertThrows(IllegalStateException.class, () -> mic.open(WIRE));
  }
}
