package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.TurnMetrics;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Builds {@link TurnMetrics}: timestamps from the capture thread (last voiced chunk sent), the
 * read thread (start talking, first delta, interruption) and the playback thread (first audio
 * written). A turn is complete when it was interrupted, when the agent stopped talking and its
 * audio finished playing, or when the next turn starts. Thread-safe.
 */
final class LatencyTracker {
  private volatile long lastVoicedNanos = Long.MIN_VALUE;

  // Guarded by this.
  private Turn current;
  private int turns;
  private long previousStartNanos = Long.MIN_VALUE;
  private final ArrayDeque<TurnMetrics> ready = new ArrayDeque<>();

  void voicedChunkSent(long nanos) {
    lastVoicedNanos = nanos;
  }

  synchronized void agentStart(long nanos) {
    complete();
    long voiced = lastVoicedNanos;
    long userEnd = voiced > previousStartNanos && voiced != Long.MIN_VALUE ? voiced : Long.MIN_VALUE;
    current = new Turn(++turns, userEnd, nanos);
    previousStartNanos = nanos;
  }

  synchronized void firstDelta(long nanos) {
    if (current != null && current.firstDelta == Long.MIN_VALUE && !current.interrupted) {
      current.firstDelta = nanos;
    }
  }

  synchronized void firstPlayed(long nanos, long generation) {
    if (current != null && current.firstPlayed == Long.MIN_VALUE && !current.interrupted) {
      current.firstPlayed = nanos;
    }
  }

  synchronized void agentStop(long nanos, boolean playbackIdle) {
    if (current == null) {
      return;
    }
    current.stopped = true;
    if (playbackIdle && current.firstDelta == Long.MIN_VALUE
        || playbackIdle && current.firstPlayed != Long.MIN_VALUE) {
      complete();
    }
  }

  synchronized void playbackIdle() {
    if (current != null && current.stopped && current.firstPlayed != Long.MIN_VALUE) {
      complete();
    }
  }

  synchronized void interrupted(long nanos, long silentNanos) {
    if (current == null) {
      return;
    }
    current.interrupted = true;
    current.silenceNanos = silentNanos;
    complete();
  }

  synchronized void sessionEnded() {
    complete();
  }

  /** The next completed turn's metrics, or null. */
  synchronized TurnMetrics poll() {
    return ready.poll();
  }

  private void complete() {
    Turn t = current;
    if (t == null) {
      return;
    }
    current = null;
    ready.add(new TurnMetrics(t.index, since(t.userEnd, t.start), since(t.userEnd, t.firstDelta),
        since(t.userEnd, t.firstPlayed), t.interrupted,
        t.interrupted ? Duration.ofNanos(t.silenceNanos) : null));
  }

  private static Duration since(long from, long to) {
    if (from == Long.MIN_VALUE || to == Long.MIN_VALUE) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, to - from));
  }

  private static final class Turn {
    final int index;
    final long userEnd;
    final long start;
    long firstDelta = Long.MIN_VALUE;
    long firstPlayed = Long.MIN_VALUE;
    boolean stopped;
    boolean interrupted;
    long silenceNanos;

    Turn(int index, long userEnd, long start) {
      this.index = index;
      this.userEnd = userEnd;
      this.start = start;
    }
  }
}
