package dev.atomsrealtime.audio;

/**
 * An {@link AudioSink} that the application drains at its own pace, so that it can be written
 * without waiting. A session's audio engine writes agent audio into such a sink from the thread
 * that receives it, and writes what did not fit from the thread that drains the sink, instead of
 * giving it a playback thread of its own. {@link PcmPullSink} is one.
 *
 * <p>Contract: after {@link #setSpaceListener} the sink calls the listener, on the draining
 * thread and holding none of its own locks, whenever the application has taken audio out. The
 * engine then writes with {@link #writeAvailable}, which never waits. The blocking {@link #write}
 * still works for callers that want it.
 */
public interface NonBlockingAudioSink extends AudioSink {

  /**
   * Buffers as many whole frames of {@code buffer} as fit now, without waiting. After {@link
   * #close()}, the audio is accepted and ignored.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the bytes taken, a multiple of the frame size, {@code 0} when the buffer is full
   * @throws IllegalArgumentException if {@code length} is not a whole number of frames
   * @throws IllegalStateException if not opened
   */
  int writeAvailable(byte[] buffer, int offset, int length);

  /**
   * Sets the callback run after the application took audio out; {@code null} removes it. It runs
   * on the draining thread and must return quickly.
   *
   * @param listener receives the events
   */
  void setSpaceListener(Runnable listener);
}
