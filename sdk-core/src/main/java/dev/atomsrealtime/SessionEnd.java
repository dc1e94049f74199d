package dev.atomsrealtime;

import dev.atomsrealtime.event.ErrorEvent;
import java.util.Optional;

/**
 * Why a session ended: the one terminal outcome, combining what the server said and how the
 * connection closed (PROTOCOL.md §3).
 *
 * @param closeCode the WebSocket close code (1000 normal, 1006 dropped, 4000 fatal server error,
 *     ...), or -1 if the connection never opened
 * @param closeReason the close frame's reason text, possibly empty
 * @param closedReason the {@code reason} of the server's {@code session.closed}, or null if none
 *     arrived
 * @param lastError the last {@code error} event the server sent, or null
 * @param cause why it failed, or null for a normal end (the client closed, or the agent ended the
 *     call)
 * @param clientInitiated whether this side asked for the end ({@code close()})
 */
public record SessionEnd(
    int closeCode,
    String closeReason,
    String closedReason,
    ErrorEvent lastError,
    AtomsException cause,
    boolean clientInitiated) {

  /** {@return whether the session ended normally (no failure cause)} */
  public boolean isNormal() {
    return cause == null;
  }

  /** {@return the failure, if any} */
  public Optional<AtomsException> failure() {
    return Optional.ofNullable(cause);
  }
}
