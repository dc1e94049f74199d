package dev.atomsrealtime.audio;

/**
 * Where agent audio goes: a speaker, a WAV file, or a buffer an application pulls PCM from.
 *
 * <p>Lifecycle: {@link #open(PcmFormat)} once, then {@link #write} from one thread (the session's
 * playback thread), then {@link #close()}. {@link #flush()}, {@link #framesPlayed()} and
 * {@link #close()} may be called from any thread.
 */
public interface AudioSink extends AutoCloseable {

  /**
   * Gives the sink the clock to pace itself on. A session calls this once, before {@link #open},
   * with its own clock (virtual in tests); a sink that writes at the pace of a real device ignores
   * it (the default). A sink that paces itself (one played like a speaker) measures and waits on
   * it; without a call it uses {@link AudioClock#system()}. A sink that wraps another passes the
   * clock on.
   *
   * @param clock the clock to read
   */
  default void setClock(AudioClock clock) {}

  /**
   * Opens the sink. Returns the format {@link #write} accepts, which may differ from
   * {@code requested}; the caller converts when it does.
   *
   * @param requested the format the session asks for
   * @return the format {@link #write} accepts
   * @throws AudioException if the sink cannot be opened in any format
   * @throws IllegalStateException if already opened or closed
   */
  PcmFormat open(PcmFormat requested);

  /** {@return the format {@link #write} accepts; only valid after {@link #open}} */
  PcmFormat format();

  /**
   * Writes PCM ({@code length} a whole number of frames), blocking while the sink's own buffer is
   * full, so that a real-time sink paces its caller.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @throws AudioException if the sink fails (for example a device unplugged mid-call)
   */
  void write(byte[] buffer, int offset, int length);

  /**
   * Discards audio written but not yet played, at once (barge-in). A {@code write} blocked in
   * another thread returns promptly.
   */
  void flush();

  /** Blocks until everything written has been played (graceful end). */
  void drain();

  /**
   * Frames really played so far (heard, for a speaker; stored, for a file or buffer), in
   * {@link #format()}. Never decreases; flushed audio is not counted.
   *
   * @return frames really played so far (heard, for a speaker; stored, for a file or buffer), in
   *     {@link #format()}
   */
  long framesPlayed();

  /** Releases the sink without draining. Idempotent; never throws. */
  @Override
  void close();
}
