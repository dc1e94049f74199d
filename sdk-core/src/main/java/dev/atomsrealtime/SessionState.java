package dev.atomsrealtime;

/**
 * Where a session is in its life: {@code CONNECTING -> OPEN -> CLOSING -> CLOSED}. {@code CLOSED}
 * is terminal.
 */
public enum SessionState {
  /** Created, not connected yet: {@code connect()} has not been called. */
  NEW,
  /**
   * Connecting, or connected and waiting for {@code session.created}. Control sends (text, tools,
   * commit) are held and sent in order once the session opens; audio sent now is dropped and
   * counted, because it would be stale.
   */
  CONNECTING,
  /** {@code session.created} arrived; everything sent goes to the server. */
  OPEN,
  /** Reconnecting after a lost connection (only with a reconnect policy). */
  RECONNECTING,
  /** {@code close()} was called: {@code session.close} sent, waiting for the server to end it. */
  CLOSING,
  /** Terminal. Sending throws {@link IllegalStateException}. */
  CLOSED
}
