package dev.atomsrealtime.testkit;

/**
 * How a {@link FakeConnection} ended, as the server saw it.
 *
 * @param code the close code: the one the client sent when it started the close, the one the
 *     server sent when it started the close (whether or not the client answered), or 1006 when the
 *     TCP connection ended otherwise (lost, or dropped with {@link FakeConnection#drop()})
 * @param reason the close reason, possibly empty
 * @param remote true when the client started the close (or the connection was lost from the
 *     client's side); false when the server closed or dropped it
 * @param clientCloseCode the code in the client's close frame if one arrived (1005 when the frame
 *     carried no code), whether it started the close or answered the server's; 0 when no close
 *     frame came from the client (it dropped the connection, or did not answer the server's close
 *     in time, or the server dropped the connection first)
 */
public record CloseRecord(int code, String reason, boolean remote, int clientCloseCode) {
  /** The code for "no close frame arrived from the client" in {@link #clientCloseCode()}. */
  public static final int NO_CLIENT_CLOSE_FRAME = 0;

  /**
   * Creates the record from its components.
   *
   * @param code the close code: the one the client sent when it started the close, the one the
   *     server sent when it started the close (whether or not the client answered), or 1006 when
   *     the TCP connection ended otherwise (lost, or dropped with {@link FakeConnection#drop()})
   * @param reason the close reason, possibly empty
   * @param remote true when the client started the close (or the connection was lost from the
   *     client's side); false when the server closed or dropped it
   * @param clientCloseCode the code in the client's close frame if one arrived (1005 when the
   *     frame carried no code), whether it started the close or answered the server's; 0 when no
   *     close frame came from the client (it dropped the connection, or did not answer the
   *     server's close in time, or the server dropped the connection first)
   */
  public CloseRecord {
    reason = reason == null ? "" : reason;
  }

  /**
   * A record without the client's close frame code, as before that was recorded: when {@code
   * remote} is true and {@code code} is not 1006, the client started the close with a frame
   * carrying {@code code}, so {@link #clientCloseCode()} is {@code code}; otherwise it is {@link
   * #NO_CLIENT_CLOSE_FRAME}.
   *
   * @param code the close code
   * @param reason the close reason
   * @param remote true when the client started the close
   */
  public CloseRecord(int code, String reason, boolean remote) {
    this(code, reason, remote, remote && code != 1006 ? code : NO_CLIENT_CLOSE_FRAME);
  }

  /** {@return whether the client's close frame reached the server} */
  public boolean clientCloseFrameReceived() {
    return clientCloseCode != NO_CLIENT_CLOSE_FRAME;
  }
}
