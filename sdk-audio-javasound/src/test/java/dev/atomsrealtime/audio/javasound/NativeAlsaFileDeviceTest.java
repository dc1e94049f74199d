package dev.atomsrealtime.audio.javasound;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.atomsrealtime.audio.PcmFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JDK's real native path ({@code DirectAudioDevice}, libasound) through ALSA's {@code file}
 * plugin: capture reads a fixture file, playback writes a file. Runs in the {@code native-alsa}
 * Surefire execution, which sets {@code ALSA_CONFIG_PATH}, {@code AUDIO_TEST_IN} and {@code
 * AUDIO_TEST_OUT} (see {@code src/test/resources/alsa/test-asound.conf}).
 */
@Timeout(value = 10, unit = SECONDS)
@ExtendWith(NoLeakedThreadsExtension.class)
class NativeAlsaFileDeviceTest {

  private static final PcmFormat WIRE = PcmFormat.pcm16Mono(24_000);
  private static final Path ALSA_CONF = Path.of("/usr/share/alsa/alsa.conf");

  private static byte[] fixture;
  private static Path outFile;

  @BeforeAll
  static void writeFixture() throws IOException {
    assumeTrue(System.getProperty("os.name", "").startsWith("Linux"),
        "the ALSA file device exists on Linux only");
    assumeTrue(Files.exists(ALSA_CONF),
        ALSA_CONF + " does not exist: ALSA's configuration is not installed, so the JDK's native"
            + " ALSA path cannot be tested on this machine");
    String in = System.getenv("AUDIO_TEST_IN");
    String out = System.getenv("AUDIO_TEST_OUT");
    assumeTrue(in != null && out != null && System.getenv("ALSA_CONFIG_PATH") != null,
        "ALSA_CONFIG_PATH, AUDIO_TEST_IN and AUDIO_TEST_OUT are not set: run this test through"
            + " the native-alsa Surefire execution");
    // Before the first AudioSystem call: the file device is probed when the JDK lists devices.
    Path inFile = Path.of(in);
    Files.createDirectories(inFile.getParent());
    fixture = Signals.sine(WIRE, 1000);
    Files.write(inFile, fixture);
    outFile = Path.of(out);
  }

  /** The ALSA default device (ALSA vendor; the name varies, so it is not asserted). */
  private static JavaSoundDevice alsaDevice(List<JavaSoundDevice> devices) {
    List<JavaSoundDevice> alsa = devices.stream()
        .filter(d -> d.vendor().contains("ALSA"))
        .sorted(Comparator.comparing(d -> d.name().endsWith("[default]") ? 0 : 1))
        .toList();
    assertFalse(alsa.isEmpty(), "no ALSA device although ALSA_CONFIG_PATH="
        + System.getenv("ALSA_CONFIG_PATH") + " defines one; devices: " + devices);
    return alsa.get(0);
  }

  @Test
  void capturesTheFixtureThroughTheNativeLine() {
    JavaSoundDevice device = alsaDevice(JavaSoundDevices.system().captureDevices());
    try (JavaSoundAudioSource mic = JavaSoundAudioSource.builder().device(device).build()) {
      assertEquals(WIRE, mic.open(WIRE));
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      byte[] chunk = new byte[WIRE.bytesForMillis(20)];
      while (captured.size() < fixture.length) {
        int n = mic.read(chunk, 0, Math.min(chunk.length, fixture.length - captured.size()));
        captured.write(chunk, 0, n);
      }
      assertArrayEquals(fixture, captured.toByteArray());
    }
  }

  @Test
  void playbackReachesTheOutputFileByteForByte() throws IOException {
    JavaSoundDevice device = alsaDevice(JavaSoundDevices.system().playbackDevices());
    byte[] pcm = Signals.pattern(WIRE.bytesForMillis(1000), 42);
    try (JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().device(device).build()) {
      assertEquals(WIRE, speaker.open(WIRE));
      int chunkBytes = WIRE.bytesForMillis(20);
      for (int at = 0; at < pcm.length; at += chunkBytes) {
        speaker.write(pcm, at, Math.min(chunkBytes, pcm.length - at));
      }
      // No drain(): the file device is complete once closed; drain() would idle for 0.5 s.
    }
    assertArrayEquals(pcm, Files.readAllBytes(outFile));
  }
}
