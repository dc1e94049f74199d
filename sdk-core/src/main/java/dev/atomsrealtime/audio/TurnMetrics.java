package dev.atomsrealtime.audio;

import java.time.Duration;
import java.util.Optional;

/**
 * Latency of one agent turn, measured on the client. Every duration starts at the end of the
 * user's speech (the last voiced chunk sent, by an energy detector); any may be absent when the
 * turn did not have that point (for example an agent that spoke first, or a turn interrupted
 * before any audio played).
 *
 * @param turn 1-based index of the agent turn in the session
 * @param toAgentStart end of user speech to {@code agent_start_talking}
 * @param toFirstDelta end of user speech to the first {@code output_audio.delta} of the turn
 * @param toFirstPlayed end of user speech to the first agent audio written to the sink
 * @param interrupted whether the turn ended with an {@code interruption}
 * @param interruptionToSilence from receiving {@code interruption} to the sink having been
 *     flushed (silent)
 */
public record TurnMetrics(
    int turn,
    Duration toAgentStart,
    Duration toFirstDelta,
    Duration toFirstPlayed,
    boolean interrupted,
    Duration interruptionToSilence) {

  /**
   * {@link #toAgentStart()}, if the turn had that point.
   *
   * @return the duration, or empty
   */
  public Optional<Duration> agentStart() {
    return Optional.ofNullable(toAgentStart);
  }

  /**
   * {@link #toFirstDelta()}, if the turn had that point.
   *
   * @return the duration, or empty
   */
  public Optional<Duration> firstDelta() {
    return Optional.ofNullable(toFirstDelta);
  }

  /**
   * {@link #toFirstPlayed()}, if the turn had that point.
   *
   * @return the duration, or empty
   */
  public Optional<Duration> firstPlayed() {
    return Optional.ofNullable(toFirstPlayed);
  }

  /**
   * {@link #interruptionToSilence()}, if the turn was interrupted and measured.
   *
   * @return the duration, or empty
   */
  public Optional<Duration> silenceAfterInterruption() {
    return Optional.ofNullable(interruptionToSilence);
  }

  /** {@return a one-line summary in milliseconds, for logs and the CLI} */
  public String summary() {
    return "turn " + turn + ": agent start " + ms(toAgentStart) + ", first audio received "
        + ms(toFirstDelta) + ", first audio played " + ms(toFirstPlayed)
        + (interrupted ? ", interrupted (silent after " + ms(interruptionToSilence) + ")" : "");
  }

  private static String ms(Duration d) {
    if (d == null) {
      return "-";
    }
    long micros = d.toNanos() / 1_000;
    return micros < 10_000
        ? String.format(java.util.Locale.ROOT, "%.1f ms", micros / 1000.0)
        : d.toMillis() + " ms";
  }
}
