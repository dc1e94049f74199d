package dev.atomsrealtime.audio;

/**
 * Where user audio comes from: a microphone, a WAV file, or PCM an application pushes in.
 *
 * <p>Lifecycle: {@link #open(PcmFormat)} once, then {@link #read(byte[], int, int)} repeatedly from
 * one thread (the session's capture thread), then {@link #close()}. {@code close()} may be called
 * from any thread, at any time, more than once; it unblocks a pending {@code read}, which then
 * returns {@code -1}.
 */
public interface AudioSource extends AutoCloseable {

  /**
   * Gives the source the clock to pace itself on. A session calls this once, before {@link #open},
   * with its own clock (virtual in tests); a source that reads at the pace of a real device
   * ignores it (the default). A source that paces itself (a file played like a microphone)
   * measures and waits on it; without a call it uses {@link AudioClock#system()}.
   *
   * @param clock the clock to read
   */
  default void setClock(AudioClock clock) {}

  /**
   * Opens the source. The source tries to deliver {@code requested} (the session's format) and
   * returns the format it will really deliver from {@link #read}, which may differ (for example a
   * device that only captures 48 kHz stereo); the caller converts when it does.
   *
   * @param requested the format the session asks for
   * @return the format {@link #read} will deliver
   * @throws AudioException if the source cannot be opened in any format
   * @throws IllegalStateException if already opened or closed
   */
  PcmFormat open(PcmFormat requested);

  /** {@return the format {@link #read} delivers; only valid after {@link #open}} */
  PcmFormat format();

  /**
   * Reads up to {@code length} bytes of PCM into {@code buffer}, blocking until at least one whole
   * frame is available. Live sources (and files paced at real time) block for as long as the audio
   * takes to happen. Returns a whole number of frames.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the bytes read (a multiple of the frame size, greater than zero), or {@code -1} at the
   *     end of the stream or after {@link #close()}
   * @throws AudioException if the source fails (for example a device unplugged mid-call)
   */
  int read(byte[] buffer, int offset, int length);

  /** Releases the source. Idempotent; never throws. */
  @Override
  void close();
}
