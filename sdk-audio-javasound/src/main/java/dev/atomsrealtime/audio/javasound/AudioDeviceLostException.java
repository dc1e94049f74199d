package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioException;

/**
 * An open device stopped working mid-call: it was unplugged, its line was closed underneath us, it
 * threw, or it made no progress for longer than the stall timeout. Capture or playback has ended;
 * the source or sink should be closed.
 */
public class AudioDeviceLostException extends AudioException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public AudioDeviceLostException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param cause the underlying failure, or null
   */
  public AudioDeviceLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
