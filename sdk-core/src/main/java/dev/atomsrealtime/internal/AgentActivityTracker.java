package dev.atomsrealtime.internal;

import dev.atomsrealtime.AgentActivity;

/**
 * The one owner of {@link AgentActivity}: whether the agent is speaking, as the user hears it. The
 * agent speaks while it says it is talking ({@code agent_start_talking} until {@code
 * agent_stop_talking}) or while attached playback still has its audio to play; an interruption or
 * a lost connection ends both at once.
 *
 * <p>Threads: every input runs in the session's serial context, so changes are reported in order.
 * {@link #activity()} and {@link #listeningSinceNanos()} are read from any thread (the capture
 * stage's half-duplex gate reads them for every chunk).
 */
final class AgentActivityTracker {
  /** What made the activity change. */
  enum Reason {
    /** {@code agent_start_talking}. */
    AGENT_STARTED,
    /** {@code agent_stop_talking}. */
    AGENT_STOPPED,
    /** Attached playback started or finished playing. */
    PLAYBACK,
    /** An interruption or a lost connection. */
    CUT_OFF
  }

  /** Told of every change, in the context. */
  interface Observer {
    /** @param now when the change happened, on the session's clock */
    void changed(AgentActivity from, AgentActivity to, long now, Reason reason);

    /** A new reply started while the previous one was still being heard. */
    void replyRestarted(long now);
  }

  private final Observer observer;
  private volatile AgentActivity activity = AgentActivity.LISTENING;
  private volatile long listeningSinceNanos;
  private volatile boolean everSpoke;
  // Context only.
  private boolean talking;
  private boolean playing;

  AgentActivityTracker(Observer observer) {
    this.observer = observer;
  }

  AgentActivity activity() {
    return activity;
  }

  /** When the agent last went quiet; meaningful only if {@link #everSpoke()}. */
  long listeningSinceNanos() {
    return listeningSinceNanos;
  }

  boolean everSpoke() {
    return everSpoke;
  }

  /** {@code agent_start_talking}. */
  void startedTalking(long now) {
    boolean wasSpeaking = activity == AgentActivity.AGENT_SPEAKING;
    talking = true;
    if (wasSpeaking) {
      observer.replyRestarted(now);
    } else {
      update(now, Reason.AGENT_STARTED);
    }
  }

  /** {@code agent_stop_talking}: the reply was sent; it may still be playing. */
  void stoppedTalking(long now) {
    talking = false;
    update(now, Reason.AGENT_STOPPED);
  }

  /** Attached playback went from idle to busy ({@code false}) or from busy to idle. */
  void playbackChanged(boolean idle, long now) {
    playing = !idle;
    update(now, Reason.PLAYBACK);
  }

  /** {@code interruption}, or the connection was lost: the reply is over at once. */
  void cutOff(long now) {
    talking = false;
    playing = false;
    update(now, Reason.CUT_OFF);
  }

  private void update(long now, Reason reason) {
    AgentActivity from = activity;
    AgentActivity to = talking || playing ? AgentActivity.AGENT_SPEAKING : AgentActivity.LISTENING;
    if (from == to) {
      return;
    }
    if (to == AgentActivity.LISTENING) {
      listeningSinceNanos = now;
    } else {
      everSpoke = true;
    }
    activity = to;
    observer.changed(from, to, now, reason);
  }
}
