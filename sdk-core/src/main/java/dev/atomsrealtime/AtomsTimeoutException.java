package dev.atomsrealtime;

/**
 * A bounded wait ran out: connecting, waiting for {@code session.created}, or closing. The
 * message names which. Retryable.
 */
public final class AtomsTimeoutException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public AtomsTimeoutException(String message) {
    super(message, true);
  }
}
