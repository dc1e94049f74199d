package dev.atomsrealtime.audio.javasound;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.javasound.JavaSoundDevice.Kind;
import dev.atomsrealtime.audio.javasound.fake.FakeMixer;
import dev.atomsrealtime.audio.javasound.fake.FakeMixerProvider;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(value = 10, unit = SECONDS)
@ExtendWith(NoLeakedThreadsExtension.class)
class JavaSoundDevicesTest {

  private final FakeMixer usbMic = new FakeMixer("USB Mic").captureOnly();
  private final FakeMixer usbMic2 = new FakeMixer("USB Mic 2").captureOnly();
  private final FakeMixer builtIn = new FakeMixer("Built-in Audio");
  private final FakeMixer hdmi = new FakeMixer("HDMI Out").playbackOnly();
  private final JavaSoundDevices devices =
      JavaSoundDevices.of(List.of(usbMic, usbMic2, builtIn, hdmi));

  @AfterEach
  void uninstall() {
    FakeMixerProvider.uninstall();
  }

  @Test
  void listsCaptureAndPlaybackDevicesWithTheirFormats() {
    List<JavaSoundDevice> capture = devices.captureDevices();
    assertEquals(List.of("USB Mic", "USB Mic 2", "Built-in Audio"),
        capture.stream().map(JavaSoundDevice::name).toList());
    assertEquals(List.of(0, 1, 2), capture.stream().map(JavaSoundDevice::index).toList());
    assertEquals(Kind.CAPTURE, capture.get(0).kind());
    assertEquals(4, capture.get(0).formats().size());
    assertEquals("Fake device USB Mic", capture.get(0).description());
    assertSame(usbMic.getMixerInfo(), capture.get(0).mixerInfo());

    List<JavaSoundDevice> playback = devices.playbackDevices();
    assertEquals(List.of("Built-in Audio", "HDMI Out"),
        playback.stream().map(JavaSoundDevice::name).toList());
    assertEquals(Kind.PLAYBACK, playback.get(1).kind());
  }

  @Test
  void picksByExactNameThenByUniquePartIgnoringCaseThenByIndex() {
    assertEquals("USB Mic", devices.captureDevice("USB Mic").name());
    assertEquals("Built-in Audio", devices.captureDevice("built-IN").name());
    assertEquals("USB Mic 2", devices.captureDevice("mic 2").name());
    assertEquals("Built-in Audio", devices.captureDevice(2).name());
    assertEquals("HDMI Out", devices.playbackDevice(1).name());
    assertEquals("HDMI Out", devices.playbackDevice("hdmi").name());
  }

  @Test
  void ambiguousNameListsTheCandidates() {
    AudioDeviceNotFoundException e =
        assertThrows(AudioDeviceNotFoundException.class, () -> devices.captureDevice("usb"));
    assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    assertTrue(e.getMessage().contains("'USB Mic', 'USB Mic 2'"), e.getMessage());
  }

  @Test
  void unknownNameOrIndexListsWhatExists() {
    AudioDeviceNotFoundException byName =
        assertThrows(AudioDeviceNotFoundException.class, () -> devices.playbackDevice("Mic"));
    assertTrue(byName.getMessage().contains("0: 'Built-in Audio'; 1: 'HDMI Out'"),
        byName.getMessage());
    assertEquals(List.of("Built-in Audio", "HDMI Out"), byName.availableDevices());

    AudioDeviceNotFoundException byIndex =
        assertThrows(AudioDeviceNotFoundException.class, () -> devices.captureDevice(3));
    assertTrue(byIndex.getMessage().contains("index 3"), byIndex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> devices.captureDevice(-1));
  }

  @Test
  void builderSelectionsOpenTheChosenDevice() {
    try (AudioSource byName = JavaSoundAudioSource.builder().devices(devices).device("built")
            .build();
        AudioSource byIndex = JavaSoundAudioSource.builder().devices(devices).deviceIndex(1)
            .build();
        AudioSink byDevice = JavaSoundAudioSink.builder().devices(devices)
            .device(devices.playbackDevice("HDMI Out")).build();
        AudioSource byDefault = JavaSoundAudioSource.builder().devices(devices).build()) {
      PcmFormat wire = PcmFormat.pcm16Mono(24_000);
      byName.open(wire);
      byIndex.open(wire);
      byDevice.open(wire);
      byDefault.open(wire);
      assertEquals(1, builtIn.targetLines().size());
      assertEquals(1, usbMic2.targetLines().size());
      assertEquals(1, hdmi.sourceLines().size());
      assertEquals(1, usbMic.targetLines().size(), "default of a given list is its first");
    }
    assertEquals(0, builtIn.openLineCount() + usbMic.openLineCount() + usbMic2.openLineCount()
        + hdmi.openLineCount());
  }

  @Test
  void captureDeviceGivenToSinkIsMisuse() {
    JavaSoundAudioSink sink = JavaSoundAudioSink.builder().devices(devices)
        .device(devices.captureDevice(0)).build();
    assertThrows(IllegalArgumentException.class, () -> sink.open(PcmFormat.pcm16Mono(24_000)));
    sink.close();
  }

  /** A fresh machine: AudioSystem lists no mixer at all. The same, injected. */
  @Test
  void noDeviceAtAllFailsCleanlyAndSaysToCheckTheSoundSetup() {
    JavaSoundDevices none = JavaSoundDevices.of(List.of());
    assertEquals(List.of(), none.captureDevices());
    assertEquals(List.of(), none.playbackDevices());

    JavaSoundAudioSource mic = JavaSoundAudioSource.builder().devices(none).build();
    AudioDeviceNotFoundException micError = assertThrows(AudioDeviceNotFoundException.class,
        () -> mic.open(PcmFormat.pcm16Mono(24_000)));
    assertTrue(micError.getMessage().startsWith("No audio capture device found"),
        micError.getMessage());
    assertTrue(micError.getMessage().contains("Check the sound setup"), micError.getMessage());
    assertEquals(-1, mic.read(new byte[960], 0, 960), "a source that failed to open is closed");
    mic.close();

    JavaSoundAudioSink speaker = JavaSoundAudioSink.builder().devices(none).build();
    AudioDeviceNotFoundException speakerError = assertThrows(AudioDeviceNotFoundException.class,
        () -> speaker.open(PcmFormat.pcm16Mono(24_000)));
    assertTrue(speakerError.getMessage().startsWith("No audio playback device found"),
        speakerError.getMessage());
    speaker.close();

    JavaSoundAudioSource named = JavaSoundAudioSource.builder().devices(none).device("USB")
        .build();
    assertThrows(AudioDeviceNotFoundException.class, () -> named.open(PcmFormat.pcm16Mono(8000)));
  }

  @Test
  void systemDevicesIncludeInstalledProviderMixers() {
    FakeMixerProvider.install(builtIn);
    assertTrue(JavaSoundDevices.system().captureDevices().stream()
        .anyMatch(d -> d.name().equals("Built-in Audio")));
    JavaSoundDevice found = JavaSoundDevices.system().playbackDevice("Built-in Audio");
    try (JavaSoundAudioSink sink = JavaSoundAudioSink.builder().device(found).build()) {
      sink.open(PcmFormat.pcm16Mono(16_000));
      assertEquals(1, builtIn.sourceLines().size());
    }
  }
}
