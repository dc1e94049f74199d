package dev.atomsrealtime.audio;

import dev.atomsrealtime.event.ServerEvent;

/**
 * Observes a session's audio as it really went: the user's audio as it was sent (after muting and
 * half-duplex gating), the agent's audio as it was played (handed to the sink, in the reply's
 * current generation), and where an interruption cut playback. A {@link
 * dev.atomsrealtime.recording.CallRecorder} is one; {@link #mirrorTo(AudioSink)} makes any {@link
 * AudioSink} a second destination of the agent's audio. Attach taps with {@link
 * AudioOptions.Builder#tap(AudioTap)}.
 *
 * <p>Times are the session clock's nanoseconds (its {@code Ticker}: virtual in tests), so audio
 * placed by them lines up with {@link TurnMetrics}. Audio is PCM16 little-endian mono in the
 * session's format, as given to {@link #started}.
 *
 * <p>Threads: calls come from the session's audio paths (the capture thread or the pushing
 * thread, the playback writer or the thread reading a pull sink, the socket's read thread),
 * possibly at the same time. An implementation copies what it keeps, must not block and must
 * return quickly (hand work to a thread of its own): the session's audio waits for it. A tap that
 * throws is reported once and detached.
 */
public interface AudioTap {

  /**
   * The session's audio started.
   *
   * @param sessionFormat the format of every buffer that follows
   * @param clock the session's clock: every {@code nanos} that follows is its time
   */
  void started(PcmFormat sessionFormat, AudioClock clock);

  /**
   * A chunk of the user's audio was sent (silence in place of muted or gated audio).
   *
   * @param pcm the audio; read it during the call only
   * @param offset where it starts
   * @param length its bytes, whole frames
   * @param nanos when it was sent
   */
  void userAudio(byte[] pcm, int offset, int length, long nanos);

  /**
   * A piece of the agent's audio was handed to the sink to play now (after what the sink holds).
   *
   * @param pcm the audio; read it during the call only
   * @param offset where it starts
   * @param length its bytes, whole frames
   * @param nanos when the sink took it
   */
  void agentAudio(byte[] pcm, int offset, int length, long nanos);

  /**
   * Playback was cut (an interruption, or a lost connection): agent audio handed over before and
   * not yet played by {@code nanos} was never heard.
   *
   * @param nanos when the sink was flushed
   */
  void agentAudioCut(long nanos);

  /**
   * A server event other than agent audio arrived (transcripts, talking events), before the
   * listener sees it. Does nothing by default.
   *
   * @param event the event
   * @param nanos when it arrived
   */
  default void serverEvent(ServerEvent event, long nanos) {}

  /**
   * An agent turn's latency was measured. Does nothing by default.
   *
   * @param metrics the turn's figures
   */
  default void turnMetrics(TurnMetrics metrics) {}

  /**
   * The session's audio stopped: nothing follows.
   *
   * @param nanos the session clock's time
   */
  void stopped(long nanos);

  /**
   * A tap that plays the agent's audio into a second sink as well as the session's own, on a
   * thread of its own ({@code atoms-mirror-N}) through a bounded buffer of {@code bufferMillis}:
   * neither sink waits for the other (when the buffer is full, the oldest audio for the second
   * sink is dropped), there is no second playback queue, and an interruption flushes both. The
   * second sink gets what the first one was given, in the session's format (converted when it
   * opens another); it is opened on the mirror's thread and closed when the session's audio
   * stops.
   *
   * @param sink the second sink
   * @param bufferMillis how much audio may wait for the second sink, 100 to 60000 ms
   * @return the tap
   * @throws IllegalArgumentException if {@code bufferMillis} is out of range
   */
  static AudioTap mirrorTo(AudioSink sink, int bufferMillis) {
    return new MirrorTap(sink, bufferMillis);
  }

  /**
   * {@link #mirrorTo(AudioSink, int)} with a 2 s buffer.
   *
   * @param sink the second sink
   * @return the tap
   */
  static AudioTap mirrorTo(AudioSink sink) {
    return new MirrorTap(sink, 2_000);
  }
}
