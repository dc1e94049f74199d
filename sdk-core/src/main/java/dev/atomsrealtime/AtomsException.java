package dev.atomsrealtime;

/**
 * Base of every exception the SDK raises for a failed operation (as opposed to misuse, which is an
 * {@link IllegalArgumentException} or {@link IllegalStateException}).
 *
 * <p>Subtypes are split by what the caller can do about the failure; {@link #isRetryable()} says
 * whether trying again (with a new session) can help. Messages never contain credentials.
 */
public class AtomsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Whether a new attempt may succeed. */
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param retryable whether a new attempt may succeed
   */
  public AtomsException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message
   * @param retryable whether a new attempt may succeed
   * @param cause the underlying failure, or null
   */
  public AtomsException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * {@return whether a new attempt (a new connection and session) may succeed where this one
   * failed}
   */
  public boolean isRetryable() {
    return retryable;
  }
}
