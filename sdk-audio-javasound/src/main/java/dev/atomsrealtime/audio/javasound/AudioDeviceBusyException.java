package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioException;

/**
 * The device exists but could not be opened, typically because another application holds it
 * exclusively ({@link javax.sound.sampled.LineUnavailableException}). Closing the other
 * application, or choosing another device, may help.
 */
public class AudioDeviceBusyException extends AudioException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param cause the underlying failure, or null
   */
  public AudioDeviceBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
