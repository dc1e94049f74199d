package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.TurnMetrics;

/** What an {@link AudioEngine} needs from its session (the session's {@link AudioAttachment}). */
interface AudioEngineHost {
  /** Where captured chunks go. */
  ChunkSender chunks();

  /** The client's clock, scheduler and blocking pool. */
  ClientResources resources();

  /** The clock sources and sinks that pace themselves run on. */
  AudioClock clock();

  /** The session's one owner of agent activity (read by the half-duplex gate). */
  AgentActivityTracker activity();

  /** Playback went busy or idle: the session re-reads {@link AudioEngine#isPlaybackIdle()} in order. */
  void playbackChanged(AudioEngine engine);

  void turnMetrics(TurnMetrics metrics);

  /**
   * Whether turn metrics reach anyone (a listener or the log); if not, and no tap records them,
   * the capture stage skips the voice detection that only feeds them.
   */
  boolean turnMetricsWanted();

  void audioError(AudioException error);
}
