package dev.atomsrealtime.testkit;

/**
 * A bounded wait of {@link FakeAtomsServer} or {@link FakeConnection} ran out of time. The message
 * says what was awaited and what had been seen instead (event types and counts, never audio or
 * credentials).
 *
 * <p>It extends {@link IllegalStateException} so that it needs no test framework: any test runner
 * reports it as a failure with its message.
 */
public final class AwaitTimeoutException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public AwaitTimeoutException(String message) {
    super(message);
  }
}
