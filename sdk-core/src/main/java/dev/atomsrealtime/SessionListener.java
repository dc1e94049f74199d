package dev.atomsrealtime;

import dev.atomsrealtime.event.ServerEvent;

/**
 * Receives what happens in one {@link AtomsSession}. Every method has a no-op default; override
 * what you need.
 *
 * <h2>Threading and ordering</h2>
 *
 * <ul>
 *   <li>Calls for one session are serial, in the order things happened, on an SDK thread ({@code
 *       atoms-events-*}), never on the socket's thread: a slow listener does not stall the socket
 *       or the audio.
 *   <li>A listener must not block for long: events of the session wait behind it. Hand slow work
 *       (tool calls) to your own executor.
 *   <li>{@link #onClosed} is called exactly once, last; nothing follows it. It is called even if
 *       the session never opened.
 *   <li>An exception thrown by a listener method is logged and otherwise ignored.
 * </ul>
 */
public interface SessionListener {

  /**
   * The session opened ({@code session.created} arrived). At most once, before other events.
   *
   * @param session the session
   * @param info what the server said about the session
   */
  default void onOpen(AtomsSession session, SessionInfo info) {}

  /**
   * A server event, including {@code session.created}, audio deltas and {@link
   * dev.atomsrealtime.event.UnknownServerEvent unknown} events. A listener that does not override
   * this method costs nothing per event: events are then not dispatched at all (attached audio
   * still plays).
   *
   * <p>Stale agent audio is withheld: with audio attached, an {@code output_audio.delta} that
   * arrives after an {@code interruption} and before the next reply starts is dropped by the
   * playback engine (counted in {@code AudioStats.staleDeltasDropped}) and never reaches this
   * method, so a recording built from the deltas seen here holds no audio of an interrupted
   * reply sent after the interruption. Without audio attached, every delta is delivered.
   *
   * @param session the session the event belongs to
   * @param event the decoded event
   */
  default void onEvent(AtomsSession session, ServerEvent event) {}

  /**
   * The session's state changed.
   *
   * @param session the session
   * @param from the previous state
   * @param to the new state
   */
  default void onStateChanged(AtomsSession session, SessionState from, SessionState to) {}

  /**
   * The agent started or stopped speaking (see {@link AgentActivity}): {@code AGENT_SPEAKING} when
   * a reply starts, {@code LISTENING} once it is over for the user (stopped and played out,
   * interrupted, or cut off by a lost connection). Ordered with every other callback: a change
   * caused by a server event comes just before {@link #onEvent} for that event, as state changes
   * do.
   *
   * @param session the session
   * @param from the previous state
   * @param to the new state
   */
  default void onAgentActivityChanged(AtomsSession session, AgentActivity from,
      AgentActivity to) {}

  /**
   * The connection was lost with a retryable cause and the reconnect policy allows another
   * attempt: a new connection starts after {@code delay}. Only with a reconnect policy.
   *
   * @param attempt the attempt about to be made, from 1
   * @param cause why the previous connection ended
   * @param session the session
   * @param delay how long before the attempt
   */
  default void onReconnecting(AtomsSession session, int attempt, java.time.Duration delay,
      AtomsException cause) {}

  /**
   * A reconnect succeeded: a <b>new</b> server session started (new session and call ids; the
   * agent may greet again). Declared tools were declared again; audio captured during the outage
   * was not replayed and agent audio of the old session was discarded.
   *
   * @param info the new session's details
   * @param attempts how many attempts it took
   * @param session the session
   */
  default void onReconnected(AtomsSession session, SessionInfo info, int attempts) {}

  /**
   * A frame could not be decoded; it was skipped and the session carries on.
   *
   * @param session the session
   * @param error the error
   */
  default void onInvalidFrame(AtomsSession session, InvalidFrameException error) {}

  /**
   * Latency of one agent turn, measured on the client (only with audio attached). Called once
   * per turn, when the turn is over.
   *
   * @param session the session
   * @param metrics the turn metrics
   */
  default void onTurnMetrics(AtomsSession session, dev.atomsrealtime.audio.TurnMetrics metrics) {}

  /**
   * The audio source or sink failed (for example a device was unplugged). Capture or playback
   * stopped; the session itself stays open.
   *
   * @param session the session
   * @param error the error
   */
  default void onAudioError(AtomsSession session, dev.atomsrealtime.audio.AudioException error) {}

  /**
   * Terminal: the session ended, and why. Exactly once; nothing is delivered after it.
   *
   * @param session the session
   * @param end how the session ended
   */
  default void onClosed(AtomsSession session, SessionEnd end) {}
}
