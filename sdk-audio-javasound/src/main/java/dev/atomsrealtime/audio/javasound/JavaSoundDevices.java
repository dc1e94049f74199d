package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.javasound.JavaSoundDevice.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * Lists and picks the capture and playback devices javax.sound offers.
 *
 * <p>{@link #system()} asks {@link AudioSystem} every time (so devices plugged in later are seen).
 * {@link #of(List)} uses a fixed list of mixers, for applications with their own {@link Mixer} and
 * for tests; its default device is the first one of the wanted kind.
 *
 * <p>A device is picked by exact name, else by a case-insensitive part of the name that matches
 * exactly one device, or by index. Thread-safe.
 */
public final class JavaSoundDevices {

  private static final JavaSoundDevices SYSTEM = new JavaSoundDevices(null, null);

  private static final String CHECK_SETUP =
      "Check the sound setup: is a device connected and enabled, does the operating system"
          + " (ALSA or PulseAudio on Linux, Core Audio, Windows audio) see it, and may this"
          + " process use it?";

  /** Mixers of a fixed list, or null for AudioSystem. */
  private final Supplier<List<Mixer>> mixers;

  private final String label;

  private JavaSoundDevices(Supplier<List<Mixer>> mixers, String label) {
    this.mixers = mixers;
    this.label = label;
  }

  /**
   * {@return the devices {@link AudioSystem} offers; the default device is the system's default}
   */
  public static JavaSoundDevices system() {
    return SYSTEM;
  }

  /**
   * A fixed list of mixers (for example a mixer of your own, or a test double). The default
   * device is the first mixer that offers the wanted line.
   *
   * @param mixers the mixers to list
   * @return a fixed list of mixers (for example a mixer of your own, or a test double)
   */
  public static JavaSoundDevices of(List<? extends Mixer> mixers) {
    List<Mixer> copy = List.copyOf(mixers);
    return new JavaSoundDevices(() -> copy, "given mixers");
  }

  /** {@return devices that offer a {@link TargetDataLine}, in the provider's order} */
  public List<JavaSoundDevice> captureDevices() {
    return devices(Kind.CAPTURE);
  }

  /** {@return devices that offer a {@link SourceDataLine}, in the provider's order} */
  public List<JavaSoundDevice> playbackDevices() {
    return devices(Kind.PLAYBACK);
  }

  /**
   * The capture device named {@code name}: exact name first, else the one device whose name
   * contains {@code name} ignoring case.
   *
   * @param name the name
   * @return the capture device named {@code name}: exact name first, else the one device whose
   *     name contains {@code name} ignoring case
   * @throws AudioDeviceNotFoundException if none or several match; the message lists the names
   */
  public JavaSoundDevice captureDevice(String name) {
    return byName(Kind.CAPTURE, name);
  }

  /**
   * The capture device at {@code index} in {@link #captureDevices()}.
   *
   * @param index the byte's index in the PCM
   * @return the capture device at {@code index} in {@link #captureDevices()}
   */
  public JavaSoundDevice captureDevice(int index) {
    return byIndex(Kind.CAPTURE, index);
  }

  /**
   * Like {@link #captureDevice(String)}, for playback devices.
   *
   * @param name the name
   * @return like {@link #captureDevice(String)}, for playback devices
   */
  public JavaSoundDevice playbackDevice(String name) {
    return byName(Kind.PLAYBACK, name);
  }

  /**
   * The playback device at {@code index} in {@link #playbackDevices()}.
   *
   * @param index the byte's index in the PCM
   * @return the playback device at {@code index} in {@link #playbackDevices()}
   */
  public JavaSoundDevice playbackDevice(int index) {
    return byIndex(Kind.PLAYBACK, index);
  }

  @Override
  public String toString() {
    return label == null ? "JavaSoundDevices[AudioSystem]" : "JavaSoundDevices[" + label + "]";
  }

  // --- package-private: used by the source and sink when they open ---

  /** A line taken from a device but not opened yet, and words to name the device in logs. */
  record Acquired<L extends DataLine>(L line, String deviceLabel) {}

  /** Finds the device {@code selector} names and takes an unopened line of {@code lineClass}. */
  <L extends DataLine> Acquired<L> acquire(Class<L> lineClass, DeviceSelector selector) {
    Kind kind = kindOf(lineClass);
    List<JavaSoundDevice> devices = devices(kind);
    if (devices.isEmpty()) {
      throw new AudioDeviceNotFoundException(
          "No audio " + noun(kind) + " device found: javax.sound offers no "
              + lineClass.getSimpleName() + " (" + mixerCount() + " mixers in total). "
              + CHECK_SETUP,
          List.of());
    }
    if (selector.isDefault() && mixers == null) {
      return systemDefault(lineClass, kind, devices);
    }
    JavaSoundDevice device = selector.isDefault() ? devices.get(0) : select(kind, selector);
    Mixer mixer = mixerOf(device, devices);
    String deviceLabel = "'" + device.name() + "'";
    try {
      return new Acquired<>(lineClass.cast(mixer.getLine(new Line.Info(lineClass))), deviceLabel);
    } catch (LineUnavailableException e) {
      throw busy(kind, deviceLabel, e);
    } catch (IllegalArgumentException | SecurityException e) {
      throw new AudioDeviceNotFoundException(
          "The " + noun(kind) + " device " + deviceLabel + " offers no " + lineClass.getSimpleName()
              + " any more: " + e.getMessage(),
          names(devices),
          e);
    }
  }

  static AudioDeviceBusyException busy(Kind kind, String deviceLabel, Exception cause) {
    return new AudioDeviceBusyException(
        "The " + noun(kind) + " device " + deviceLabel + " is busy or unavailable ("
            + cause.getMessage() + "); another application may be using it",
        cause);
  }

  static String noun(Kind kind) {
    return kind == Kind.CAPTURE ? "capture" : "playback";
  }

  static Kind kindOf(Class<? extends DataLine> lineClass) {
    if (lineClass == TargetDataLine.class) {
      return Kind.CAPTURE;
    }
    if (lineClass == SourceDataLine.class) {
      return Kind.PLAYBACK;
    }
    throw new IllegalArgumentException("Not a TargetDataLine or SourceDataLine: " + lineClass);
  }

  private <L extends DataLine> Acquired<L> systemDefault(
      Class<L> lineClass, Kind kind, List<JavaSoundDevice> devices) {
    String deviceLabel = "(system default)";
    try {
      return new Acquired<>(
          lineClass.cast(AudioSystem.getLine(new Line.Info(lineClass))), deviceLabel);
    } catch (LineUnavailableException e) {
      throw busy(kind, deviceLabel, e);
    } catch (IllegalArgumentException | SecurityException e) {
      throw new AudioDeviceNotFoundException(
          "No default audio " + noun(kind) + " device: " + e.getMessage() + ". " + CHECK_SETUP,
          names(devices),
          e);
    }
  }

  private JavaSoundDevice select(Kind kind, DeviceSelector selector) {
    if (selector.device() != null) {
      if (selector.device().kind() != kind) {
        throw new IllegalArgumentException(
            "Device '" + selector.device().name() + "' is a " + noun(selector.device().kind())
                + " device, not a " + noun(kind) + " device");
      }
      return selector.device();
    }
    if (selector.name() != null) {
      return byName(kind, selector.name());
    }
    return byIndex(kind, selector.index());
  }

  private JavaSoundDevice byName(Kind kind, String name) {
    Objects.requireNonNull(name, "name");
    List<JavaSoundDevice> devices = devices(kind);
    for (JavaSoundDevice device : devices) {
      if (device.name().equals(name)) {
        return device;
      }
    }
    String part = name.toLowerCase(Locale.ROOT);
    List<JavaSoundDevice> matches = new ArrayList<>();
    for (JavaSoundDevice device : devices) {
      if (device.name().toLowerCase(Locale.ROOT).contains(part)) {
        matches.add(device);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new AudioDeviceNotFoundException(
          "No audio " + noun(kind) + " device is named '" + name + "'. "
              + available(kind, devices),
          names(devices));
    }
    throw new AudioDeviceNotFoundException(
        "The audio " + noun(kind) + " device name '" + name + "' is ambiguous: it matches "
            + quoted(names(matches)) + ". Use the exact name or the index. "
            + available(kind, devices),
        names(devices));
  }

  private JavaSoundDevice byIndex(Kind kind, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    List<JavaSoundDevice> devices = devices(kind);
    if (index >= devices.size()) {
      throw new AudioDeviceNotFoundException(
          "No audio " + noun(kind) + " device at index " + index + ". "
              + available(kind, devices),
          names(devices));
    }
    return devices.get(index);
  }

  private Mixer mixerOf(JavaSoundDevice device, List<JavaSoundDevice> devices) {
    if (mixers != null) {
      for (Mixer mixer : mixers.get()) {
        if (mixer.getMixerInfo().equals(device.mixerInfo())) {
          return mixer;
        }
      }
    } else {
      try {
        return AudioSystem.getMixer(device.mixerInfo());
      } catch (IllegalArgumentException | SecurityException e) {
        // Unplugged since it was listed: reported below.
      }
    }
    throw new AudioDeviceNotFoundException(
        "The audio " + noun(device.kind()) + " device '" + device.name() + "' is gone. "
            + available(device.kind(), devices),
        names(devices));
  }

  private List<JavaSoundDevice> devices(Kind kind) {
    Class<?> lineClass = kind == Kind.CAPTURE ? TargetDataLine.class : SourceDataLine.class;
    List<JavaSoundDevice> result = new ArrayList<>();
    for (Mixer mixer : mixers()) {
      Line.Info[] infos =
          kind == Kind.CAPTURE ? mixer.getTargetLineInfo() : mixer.getSourceLineInfo();
      boolean offersLine = false;
      List<AudioFormat> formats = new ArrayList<>();
      for (Line.Info info : infos) {
        if (info instanceof DataLine.Info dataInfo
            && lineClass.isAssignableFrom(dataInfo.getLineClass())) {
          offersLine = true;
          formats.addAll(Arrays.asList(dataInfo.getFormats()));
        }
      }
      if (offersLine) {
        Mixer.Info info = mixer.getMixerInfo();
        result.add(
            new JavaSoundDevice(
                result.size(),
                kind,
                info.getName(),
                info.getVendor(),
                info.getDescription(),
                formats,
                info));
      }
    }
    return result;
  }

  private List<Mixer> mixers() {
    if (mixers != null) {
      return mixers.get();
    }
    List<Mixer> result = new ArrayList<>();
    for (Mixer.Info info : AudioSystem.getMixerInfo()) {
      try {
        result.add(AudioSystem.getMixer(info));
      } catch (IllegalArgumentException | SecurityException e) {
        // Listed but not obtainable (unplugged meanwhile, or not permitted): not offered.
      }
    }
    return result;
  }

  private int mixerCount() {
    return mixers().size();
  }

  private static String available(Kind kind, List<JavaSoundDevice> devices) {
    if (devices.isEmpty()) {
      return "There is no " + noun(kind) + " device at all. " + CHECK_SETUP;
    }
    StringBuilder text = new StringBuilder("Available " + noun(kind) + " devices:");
    for (JavaSoundDevice device : devices) {
      text.append(' ').append(device.index()).append(": '").append(device.name()).append("';");
    }
    text.setLength(text.length() - 1);
    return text.toString();
  }

  private static List<String> names(List<JavaSoundDevice> devices) {
    return devices.stream().map(JavaSoundDevice::name).toList();
  }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }
}
