package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioException;
import java.util.List;

/**
 * No audio device could be selected: javax.sound offers no capture (or playback) device at all, or
 * the device asked for by name or index does not exist or is ambiguous. The message says which,
 * and {@link #availableDevices()} lists the names that can be used instead.
 */
public class AudioDeviceNotFoundException extends AudioException {
  private static final long serialVersionUID = 1L;

  /** The availableDevices. */
  private final List<String> availableDevices;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param availableDevices the names of the devices there are
   */
  public AudioDeviceNotFoundException(String message, List<String> availableDevices) {
    super(message);
    this.availableDevices = List.copyOf(availableDevices);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param availableDevices the names of the devices there are
   * @param cause the underlying failure, or null
   */
  public AudioDeviceNotFoundException(
      String message, List<String> availableDevices, Throwable cause) {
    super(message, cause);
    this.availableDevices = List.copyOf(availableDevices);
  }

  /** {@return names of the devices of the wanted kind that do exist (possibly empty)} */
  public List<String> availableDevices() {
    return availableDevices;
  }
}
