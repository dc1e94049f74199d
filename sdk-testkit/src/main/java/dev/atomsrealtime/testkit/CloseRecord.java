package dev.atomsrealtime.testkit;

/**
 * How a {@link FakeConnection} ended, as the server saw it.
 *
 * @param code the close code: the one the client sent when it closed, the one the server sent when
 *     it closed, or 1006 when the TCP connection ended without a close handshake (including {@link
 *     FakeConnection#drop()})
 * @param reason the close reason, possibly empty
 * @param remote true when the client started the close (or the connection was lost from the
 *     client's side); false when the server closed or dropped it
 */
public record CloseRecord(int code, String reason, boolean remote) {
  public CloseRecord {
    reason = reason == null ? "" : reason;
  }
}
