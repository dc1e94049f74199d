package dev.atomsrealtime.audio.javasound;

import java.util.List;
import java.util.Objects;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.Mixer;

/**
 * A capture or playback device as javax.sound sees it: a {@link Mixer} that offers a
 * {@link javax.sound.sampled.TargetDataLine} (capture) or {@link
 * javax.sound.sampled.SourceDataLine} (playback). Created by {@link JavaSoundDevices}.
 *
 * @param index position in the list of devices of this kind, as returned by {@link
 *     JavaSoundDevices#captureDevices()} or {@link JavaSoundDevices#playbackDevices()}
 * @param kind capture or playback
 * @param name the mixer's name, what {@code device(String)} on the builders matches
 * @param vendor the mixer's vendor (for the JDK's Linux provider, ALSA)
 * @param description the mixer's description
 * @param formats the formats the device's lines advertise; a rate or channel count of {@link
 *     javax.sound.sampled.AudioSystem#NOT_SPECIFIED} means any
 * @param mixerInfo the mixer this device is, to open it again
 */
public record JavaSoundDevice(
    int index,
    Kind kind,
    String name,
    String vendor,
    String description,
    List<AudioFormat> formats,
    Mixer.Info mixerInfo) {

  /** Whether a device captures (microphone) or plays (speaker). */
  public enum Kind {
    /** Validates the components. */
    CAPTURE,
    /** Validates the components. */
    PLAYBACK
  }

  /**
   * Creates the record from its components.
   *
   * @param index position in the list of devices of this kind, as returned by {@link
   *     JavaSoundDevices#captureDevices()} or {@link JavaSoundDevices#playbackDevices()}
   * @param kind capture or playback
   * @param name the mixer's name, what {@code device(String)} on the builders matches
   * @param vendor the mixer's vendor (for the JDK's Linux provider, ALSA)
   * @param description the mixer's description
   * @param formats the formats the device's lines advertise; a rate or channel count of {@link
   *     javax.sound.sampled.AudioSystem#NOT_SPECIFIED} means any
   * @param mixerInfo the mixer this device is, to open it again
   */
  public JavaSoundDevice {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mixerInfo, "mixerInfo");
    vendor = vendor == null ? "" : vendor;
    description = description == null ? "" : description;
    formats = List.copyOf(formats);
  }

  @Override
  public String toString() {
    return index + ": '" + name + "' (" + vendor + ", " + description + ", " + formats.size()
        + " formats)";
  }
}
