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

  private final String frameType;
  private final int frameChars;

  public InvalidFrameException(String message, String frameType, int frameChars, Throwable cause) {
    super(message, false, cause);
    this.frameType = frameType;
    this.frameChars = frameChars;
  }

  /** The frame's {@code type} if it could be read, else null. */
  public String frameType() {
    return frameType;
  }

  /** The size of the frame in characters (text frames) or bytes (binary frames). */
  public int frameChars() {
    return frameChars;
  }
}
