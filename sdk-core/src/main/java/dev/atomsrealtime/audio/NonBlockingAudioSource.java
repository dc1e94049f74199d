package dev.atomsrealtime.audio;

/**
 * An {@link AudioSource} whose audio the application pushes in, so that it can be read without
 * waiting. A session's audio engine drives such a source from the threads that push, instead of
 * giving it a capture thread of its own: a service bridging hundreds of calls then runs no audio
 * thread per session. {@link PcmPushSource} is one.
 *
 * <p>Contract: after {@link #setAvailabilityListener} the source calls the listener, on the thread
 * that caused it and holding none of its own locks, whenever audio may have become readable, and
 * after its end of stream and its close. The engine then reads with {@link #readAvailable}, which
 * never waits. The blocking {@link #read} still works for callers that want it.
 */
public interface NonBlockingAudioSource extends AudioSource {

  /**
   * Reads up to {@code length} bytes of whole frames already buffered, without waiting.
   *
   * @param buffer the array holding the bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the bytes read (a multiple of the frame size), {@code 0} if less than a frame is
   *     buffered, or {@code -1} at the end of the stream or after {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws IllegalStateException if not opened
   */
  int readAvailable(byte[] buffer, int offset, int length);

  /**
   * Sets the callback run after audio is pushed, after the end of the stream and after close;
   * {@code null} removes it. It runs on the pushing (or ending, or closing) thread and must return
   * quickly.
   *
   * @param listener receives the events
   */
  void setAvailabilityListener(Runnable listener);
}
