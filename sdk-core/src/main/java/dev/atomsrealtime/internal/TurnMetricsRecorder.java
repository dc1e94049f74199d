package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.TurnMetrics;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Computes {@link TurnMetrics} from the stages' events: a turn is one stretch of {@code
 * AGENT_SPEAKING} (see {@link AgentActivityTracker}), measured from the end of the user's speech
 * (the last voiced chunk the capture stage sent before the turn) to the agent's start event, its
 * first delta and its first audio written to the sink. A turn is complete when the agent goes back
 * to listening, when a new reply starts, or when the session ends.
 *
 * <p>Threads: the capture stage, the read thread, the playback writer and the session's context
 * report here; each call is a few field updates under this object's monitor, which is never held
 * across a call out (completed turns are handed to {@code emit} after it is released).
 */
final class TurnMetricsRecorder {
  private static final long NONE = Long.MIN_VALUE;

  private final Consumer<TurnMetrics> emit;
  private volatile long lastVoicedNanos = NONE;
  // Guarded by this.
  private int turns;
  private long previousStartNanos = NONE;
  private Turn current;

  TurnMetricsRecorder(Consumer<TurnMetrics> emit) {
    this.emit = emit;
  }

  /** Capture stage: a chunk above the voice threshold was sent. */
  void voicedChunkSent(long now) {
    lastVoicedNanos = now;
  }

  /** Context: a turn begins, with the agent's start event or (without one) with its audio. */
  void turnStarted(long now, boolean byStartEvent) {
    synchronized (this) {
      long voiced = lastVoicedNanos;
      long userEnd = voiced != NONE && (previousStartNanos == NONE || voiced - previousStartNanos > 0)
          ? voiced : NONE;
      current = new Turn(++turns, userEnd, byStartEvent ? now : NONE);
      previousStartNanos = now;
    }
  }

  /** Read thread: agent audio arrived. */
  synchronized void deltaReceived(long now) {
    if (current != null && current.firstDelta == NONE) {
      current.firstDelta = now;
    }
  }

  /** Playback writer: agent audio was written to the sink. */
  synchronized void audioPlayed(long now) {
    if (current != null && current.firstPlayed == NONE) {
      current.firstPlayed = now;
    }
  }

  /** Read thread: the interruption silenced the sink {@code silentNanos} after it arrived. */
  synchronized void interruptionSilenced(long silentNanos) {
    if (current != null) {
      current.silenceNanos = silentNanos;
    }
  }

  /** Context, or the end of the session: the turn in progress (if any) is over. */
  void turnEnded(boolean interrupted) {
    TurnMetrics done;
    synchronized (this) {
      Turn t = current;
      if (t == null) {
        return;
      }
      current = null;
      done = new TurnMetrics(t.index, since(t.userEnd, t.agentStart), since(t.userEnd, t.firstDelta),
          since(t.userEnd, t.firstPlayed), interrupted,
          interrupted ? Duration.ofNanos(Math.max(0, t.silenceNanos)) : null);
    }
    emit.accept(done);
  }

  private static Duration since(long from, long to) {
    if (from == NONE || to == NONE) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, to - from));
  }

  private static final class Turn {
    final int index;
    final long userEnd;
    final long agentStart;
    long firstDelta = NONE;
    long firstPlayed = NONE;
    long silenceNanos;

    Turn(int index, long userEnd, long agentStart) {
      this.index = index;
      this.userEnd = userEnd;
      this.agentStart = agentStart;
    }
  }
}
