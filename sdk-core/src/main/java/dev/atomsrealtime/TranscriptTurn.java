package dev.atomsrealtime;

import dev.atomsrealtime.event.Role;

/**
 * One turn of a conversation's transcript, as built by {@link TranscriptAccumulator}.
 *
 * @param index 0-based position in the transcript
 * @param role who spoke
 * @param text the text so far (final once {@code complete})
 * @param complete whether a final {@code transcript} event settled the text
 * @param interrupted whether the user barged in while this agent turn was speaking
 */
public record TranscriptTurn(int index, Role role, String text, boolean complete,
    boolean interrupted) {

  /** {@return {@code "user: text"} / {@code "agent: text [interrupted]"}} */
  public String line() {
    String who = role == Role.USER ? "user" : role == Role.AGENT ? "agent" : "unknown";
    return who + ": " + text + (interrupted ? " [interrupted]" : "") + (complete ? "" : " ...");
  }
}
