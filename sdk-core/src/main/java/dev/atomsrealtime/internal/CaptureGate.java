package dev.atomsrealtime.internal;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.audio.Duplex;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether a captured chunk goes out as it is or as silence: muted by the application, or
 * (in half duplex) while the agent speaks and for a short tail after, read from the session's one
 * {@link AgentActivityTracker}. Thread-safe: the capture stage asks, the application mutes.
 */
final class CaptureGate {
  private final boolean halfDuplex;
  private final long tailNanos;
  private final AgentActivityTracker activity;
  private final Ticker ticker;
  private volatile boolean muted;

  CaptureGate(Duplex duplex, int tailMillis, AgentActivityTracker activity, Ticker ticker) {
    this.halfDuplex = duplex == Duplex.HALF;
    this.tailNanos = TimeUnit.MILLISECONDS.toNanos(tailMillis);
    this.activity = activity;
    this.ticker = ticker;
  }

  /** Whether the next chunk may go out as captured. */
  boolean passes() {
    return !muted && !gatedByPlayback();
  }

  /** In half duplex: the agent speaks, or went quiet less than the tail ago. */
  boolean gatedByPlayback() {
    if (!halfDuplex) {
      return false;
    }
    if (activity.activity() == AgentActivity.AGENT_SPEAKING) {
      return true;
    }
    return activity.everSpoke() && ticker.nanoTime() - activity.listeningSinceNanos() < tailNanos;
  }

  void mute(boolean mute) {
    muted = mute;
  }

  boolean isMuted() {
    return muted;
  }
}
