package dev.atomsrealtime.recording;

import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.Role;
import java.util.Optional;

/**
 * One turn of a recorded call, placed on the recording's timeline.
 *
 * @param role who spoke
 * @param text the turn's transcript (the last cumulative delta, or the final text); empty when
 *     the server sent none
 * @param startMillis where the turn starts in the recording: the user's first voiced chunk, or the
 *     agent's first audio played
 * @param endMillis where it ends: the end of the user's last voiced chunk, or of the agent's last
 *     audio played (where the interruption cut it, for an interrupted turn)
 * @param interrupted whether the user barged in on this agent turn
 * @param metrics the agent turn's latency as the session measured it, or null
 */
public record RecordedTurn(Role role, String text, double startMillis, double endMillis,
    boolean interrupted, TurnMetrics metrics) {

  /**
   * The agent turn's latency figures.
   *
   * @return the metrics, or empty for a user turn or an agent turn that was not measured
   */
  public Optional<TurnMetrics> latency() {
    return Optional.ofNullable(metrics);
  }
}
