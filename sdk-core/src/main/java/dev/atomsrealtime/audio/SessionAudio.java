package dev.atomsrealtime.audio;

/**
 * The audio engine attached to a session: a capture pump that streams the source to the agent in
 * fixed chunks, and a playback engine that plays the agent's voice into the sink with barge-in.
 * Obtained from {@code AtomsSession.attachAudio}; it stops by itself when the session ends.
 *
 * <p>Thread-safe.
 */
public interface SessionAudio extends AutoCloseable {

  /**
   * Mutes the microphone without ending the session: the source keeps being read (so a live
   * microphone does not back up), and silence is sent in its place so the server's voice
   * detection sees the user stop speaking and the connection stays active.
   */
  void mute();

  /** Unmutes the microphone. */
  void unmute();

  /**
   * Whether the microphone is muted (silence is sent in its place).
   *
   * @return whether muted
   */
  boolean isMuted();

  /** {@return whether the microphone is currently gated by half duplex (the agent is speaking)} */
  boolean isGatedByPlayback();

  /**
   * {@return the format the session uses on the wire (PCM16 mono at the negotiated rate), once
   * started}
   */
  PcmFormat sessionFormat();

  /**
   * Level of the last microphone chunk read, in dBFS (-120 for silence), before muting. The level
   * is measured from the first call on (sessions that never ask skip the work on every chunk), so
   * the first call may return -120; the chunk after it is measured.
   *
   * @return the level in dBFS
   */
  double micLevelDbfs();

  /** {@return a snapshot of the counters} */
  AudioStats stats();

  /**
   * Waits until all agent audio received so far has been played (the queue is empty and the sink
   * has played what it was given), for example before closing the session so a reply is heard to
   * the end.
   *
   * @param timeout how long to wait at most
   * @return true if playback went idle within {@code timeout}
   * @throws java.lang.InterruptedException if interrupted while waiting
   */
  boolean awaitPlaybackIdle(java.time.Duration timeout) throws InterruptedException;

  /**
   * Waits until the source has ended (a file source reached its end) and its last chunk was sent.
   *
   * @param timeout how long to wait at most
   * @return true if that happened within {@code timeout}
   * @throws java.lang.InterruptedException if interrupted while waiting
   */
  boolean awaitSourceEnded(java.time.Duration timeout) throws InterruptedException;

  /** {@return frames of agent audio the sink has really played, in the session's format} */
  long framesPlayed();

  /**
   * Stops capture and playback and closes the source and sink, waiting (bounded, 2 s) for the
   * capture and playback threads, if any, to finish. Queued agent audio is discarded. Idempotent.
   * The session stays open. The engine also stops when the session ends: after a normal end (the
   * agent ended the call) the queued reply still plays out first, and this method then waits for
   * it (bounded); call {@link #awaitPlaybackIdle} first to let a reply finish while the session
   * is open.
   */
  @Override
  void close();
}
