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

  private final boolean retryable;

  public AtomsException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public AtomsException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether a new attempt (a new connection and session) may succeed where this one failed. */
  public boolean isRetryable() {
    return retryable;
  }
}
