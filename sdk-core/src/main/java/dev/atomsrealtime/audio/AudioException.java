package dev.atomsrealtime.audio;

import dev.atomsrealtime.AtomsException;

/**
 * An audio source or sink failed: a file that cannot be read or has an unsupported format, a
 * device that does not exist, is busy, cannot open any usable format, or disappeared mid-call.
 */
public class AudioException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public AudioException(String message) {
    super(message, false);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param cause the underlying failure, or null
   */
  public AudioException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
