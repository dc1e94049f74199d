package dev.atomsrealtime.audio.javasound;

import java.util.List;
import java.util.Objects;
import javax.sound.sampled.Mixer;

/**
 * What the microphone and speaker builders share: which device, how large a device buffer, and
 * when a silent device counts as lost. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class LineBuilder<B extends LineBuilder<B>> {
  /** The device buffer asked for by default: small, so that a flush silences quickly. */
  static final int DEFAULT_BUFFER_MILLIS = 80;
  /** How long a device may stall before it counts as lost, by default. */
  static final long DEFAULT_STALL_TIMEOUT_MILLIS = 2_000;

  JavaSoundDevices devices = JavaSoundDevices.system();
  DeviceSelector selector = DeviceSelector.DEFAULT;
  int bufferMillis = DEFAULT_BUFFER_MILLIS;
  long stallTimeoutMillis = DEFAULT_STALL_TIMEOUT_MILLIS;

  LineBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Where devices come from; {@link JavaSoundDevices#system()} by default.
   *
   * @param devices the devices
   * @return this builder
   */
  public B devices(JavaSoundDevices devices) {
    this.devices = Objects.requireNonNull(devices, "devices");
    return self();
  }

  /**
   * Uses this mixer (its first line of the kind this builder makes).
   *
   * @param mixer the mixer to use
   * @return this builder
   */
  public B mixer(Mixer mixer) {
    this.devices = JavaSoundDevices.of(List.of(mixer));
    this.selector = DeviceSelector.DEFAULT;
    return self();
  }

  /**
   * Uses this device, as listed by {@link JavaSoundDevices}.
   *
   * @param device the device
   * @return this builder
   */
  public B device(JavaSoundDevice device) {
    this.selector = DeviceSelector.of(Objects.requireNonNull(device, "device"));
    return self();
  }

  /**
   * Uses the device with this exact name, else the only one whose name contains it (ignoring
   * case). Resolved when the line opens.
   *
   * @param nameOrPart the device's name, or a part of it
   * @return this builder
   */
  public B device(String nameOrPart) {
    this.selector = DeviceSelector.named(Objects.requireNonNull(nameOrPart, "nameOrPart"));
    return self();
  }

  /**
   * Uses the device at this index of the capture or playback list of {@link JavaSoundDevices}.
   *
   * @param index the device's position in the list
   * @return this builder
   */
  public B deviceIndex(int index) {
    this.selector = DeviceSelector.at(index);
    return self();
  }

  /**
   * The system's (or the given mixers') default device; the default.
   *
   * @return this builder
   */
  public B defaultDevice() {
    this.selector = DeviceSelector.DEFAULT;
    return self();
  }

  /**
   * The device buffer to ask for, 10 to 1000 ms; 80 ms by default. Smaller means a quicker
   * silence on flush; the device may grant another size, and the log says which.
   *
   * @param bufferMillis the buffer in milliseconds
   * @return this builder
   */
  public B bufferMillis(int bufferMillis) {
    if (bufferMillis < 10 || bufferMillis > 1000) {
      throw new IllegalArgumentException("bufferMillis must be 10..1000, got " + bufferMillis);
    }
    this.bufferMillis = bufferMillis;
    return self();
  }

  /**
   * How long the device may move no audio while a read, write or drain waits on it before it
   * counts as lost; 2000 ms by default, 0 to wait forever (and start no watchdog thread).
   *
   * @param stallTimeoutMillis the stall timeout in milliseconds
   * @return this builder
   */
  public B stallTimeoutMillis(long stallTimeoutMillis) {
    if (stallTimeoutMillis < 0) {
      throw new IllegalArgumentException(
          "stallTimeoutMillis must be >= 0, got " + stallTimeoutMillis);
    }
    this.stallTimeoutMillis = stallTimeoutMillis;
    return self();
  }
}
