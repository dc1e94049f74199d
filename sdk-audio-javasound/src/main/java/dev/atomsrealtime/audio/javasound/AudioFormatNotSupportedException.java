package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioException;

/**
 * The device offers no format this module can deliver or accept: linear PCM (signed 16, 24 or 32
 * bits, or unsigned 8 bits), mono or stereo, at a rate from 1000 to 192000 Hz. The message lists
 * what the device does offer.
 */
public class AudioFormatNotSupportedException extends AudioException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public AudioFormatNotSupportedException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param cause the underlying failure, or null
   */
  public AudioFormatNotSupportedException(String message, Throwable cause) {
    super(message, cause);
  }
}
