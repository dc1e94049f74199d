package dev.atomsrealtime;

/**
 * A frame from the server could not be decoded (not JSON, not an object, invalid UTF-8, invalid
 * base64 audio, a known event with fields of the wrong shape). The session reports it through
 * {@link SessionListener#onInvalidFrame} and carries on.
 *
 * <p>The message describes the problem and the frame's size and type; it never contains the
 * frame's audio.
 */
public final class InvalidFrameException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /** The frame's {@code type}, or null. */
  /** The frame's {@code type}, or null. */
  private final String frameType;
  /** The size of the frame. */
  /** The size of the frame. */
  private final int frameChars;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param frameType the frame's {@code type}, or null
   * @param frameChars the size of the frame
   * @param cause the underlying failure, or null
   */
  public InvalidFrameException(String message, String frameType, int frameChars, Throwable cause) {
    super(message, false, cause);
    this.frameType = frameType;
    this.frameChars = frameChars;
  }

  /** {@return the frame's {@code type} if it could be read, else null} */
  public String frameType() {
    return frameType;
  }

  /** {@return the size of the frame in characters (text frames) or bytes (binary frames)} */
  public int frameChars() {
    return frameChars;
  }
}
