package dev.atomsrealtime.testkit;

import dev.atomsrealtime.event.ClientEvent;

/**
 * Scripts what a {@link FakeAtomsServer} does on each connection, beyond its built-in replies. All
 * methods have no-op defaults; implement only what the scenario needs. One instance serves every
 * connection of a server, so keep per-connection state keyed by the {@link FakeConnection} (or in a
 * map created in {@link #onConnected}).
 *
 * <h2>Threading and ordering</h2>
 *
 * <ul>
 *   <li>Callbacks for one connection run one at a time, in order, on a thread of the server's own
 *       pool (named {@code atoms-fakeserver-N}), never on a Java-WebSocket selector or worker
 *       thread. Callbacks for different connections may run concurrently.
 *   <li>A callback may block (for example to simulate a slow agent); that delays later callbacks
 *       and default replies of the same connection only. The socket keeps reading meanwhile: every
 *       frame is recorded in {@link FakeConnection#received()} as soon as it arrives.
 *   <li>Order per connection: {@link #onConnected} first; {@link #onSessionCreated} once {@code
 *       session.created} has been sent; {@link #onClientEvent}/{@link #onInvalidFrame} per frame,
 *       in arrival order; {@link #onClosed} exactly once and last (frames that arrive after the
 *       connection closed are recorded but not passed to the behaviour).
 *   <li>An exception thrown by a callback is logged, kept in {@link
 *       FakeAtomsServer#behaviorFailures()}, and otherwise ignored: the connection stays up.
 * </ul>
 *
 * <p>Sending from a callback ({@link FakeConnection#send}, {@link FakeConnection#close}) is safe
 * and does not block.
 */
public interface ServerBehavior {

  /** A behaviour that does nothing beyond the built-in replies. */
  ServerBehavior NONE = new ServerBehavior() {};

  /**
   * A client completed the upgrade. When {@code session.created} is sent automatically (the
   * default) it has already been sent when this runs; otherwise this is the place to call {@link
   * FakeConnection#sendSessionCreated()} or to send something else first.
   *
   * @param connection the connection
   */
  default void onConnected(FakeConnection connection) {}

  /**
   * {@code session.created} was sent on {@code connection} (automatically or by a script).
   *
   * @param connection the connection
   */
  default void onSessionCreated(FakeConnection connection) {}

  /**
   * A client frame was decoded (it is already in {@link FakeConnection#received()}).
   *
   * @param connection the connection
   * @param event the event
   * @return true to suppress the server's default reply: {@code error no_session} before {@code
   *     session.created}; otherwise {@code session.closed client_requested} then close 1000 for
   *     {@code session.close}, {@code session.updated} for {@code session.update}, and {@code error
   *     invalid_event} for an {@link dev.atomsrealtime.event.UnknownClientEvent}. Other events have
   *     no default reply.
   */
  default boolean onClientEvent(FakeConnection connection, ClientEvent event) {
    return false;
  }

  /**
   * A client frame could not be decoded (it is already in {@link FakeConnection#invalidFrames()}).
   *
   * @param connection the connection
   * @param frame the frame
   * @return true to suppress the default reply: {@code error invalid_json} when the frame is not a
   *     JSON object, else {@code error no_session} before {@code session.created} or {@code error
   *     invalid_event} after it
   */
  default boolean onInvalidFrame(FakeConnection connection, InvalidClientFrame frame) {
    return false;
  }

  /**
   * The connection ended; called exactly once, after every other callback of the connection.
   *
   * @param code the close code (1006 when the TCP connection ended without a close handshake)
   * @param reason the close reason, possibly empty
   * @param remote true when the client started the close or the connection was lost from its side
   * @param connection the connection
   */
  default void onClosed(FakeConnection connection, int code, String reason, boolean remote) {}
}
