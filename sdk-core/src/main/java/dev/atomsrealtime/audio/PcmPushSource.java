package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link AudioSource} fed by the application: a telephony bridge or media server pushes the
 * caller's PCM with {@link #push}, and the session reads it. It is a {@link
 * NonBlockingAudioSource}: attached to a session, it needs no capture thread, because the session
 * reads and sends whole chunks on the thread that pushes them (see {@link #push}).
 *
 * <p>The format is fixed at creation (whatever the application pushes) and is what {@link
 * #open(PcmFormat)} returns. A session converts it to the session's format itself, on the pushing
 * thread, so attach it as it is: wrapped in a {@link ConvertingAudioSource} it would no longer be
 * non-blocking and would get a capture thread. A phone leg pushes G.711 as it arrives: create
 * the source in {@link PcmFormat#muLaw(int)} or {@link PcmFormat#aLaw(int)} and the session decodes
 * (and resamples, if its rate differs) per ITU-T G.711. Pushes may have any length, including ones
 * that split a frame or a sample: {@link #read} only ever returns whole frames, and a frame is
 * completed by later pushes.
 *
 * <p>Overflow. The buffer holds {@code capacityMillis} of audio. When a push does not fit, the
 * newest audio is dropped, never silently: {@code push} keeps the whole frames that fit, drops the
 * rest of the chunk, returns {@code false} and adds the dropped bytes to {@link #droppedBytes()}.
 * Frames are dropped whole (the rest of a frame cut at the end of a chunk is dropped from the next
 * push), so samples never become misaligned.
 *
 * <p>End. {@link #endOfStream()} lets {@code read} drain what is buffered and then return {@code
 * -1} (an incomplete last frame is discarded). {@link #close()} makes a blocked {@code read}
 * return {@code -1} at once and discards the buffer. After either, pushes are refused ({@code
 * false}, counted as dropped).
 *
 * <p>Thread-safe: {@code push}, {@code endOfStream} and {@code close} from any threads; {@code
 * read} and {@code readAvailable} from one reader at a time.
 */
public final class PcmPushSource extends PcmBuffer implements NonBlockingAudioSource {

  private int skipBytes; // guarded by lock: rest of a dropped frame still to arrive
  private boolean ended; // guarded by lock
  private long droppedBytes; // guarded by lock
  private volatile Runnable availabilityListener;

  private PcmPushSource(PcmFormat format, int capacityMillis) {
    super(format, capacityMillis);
  }

  /**
   * Creates a source of PCM in {@code format}, buffering up to {@code capacityMillis} of audio
   * (for example 1000: enough to ride out a stalled pump, small enough to bound latency).
   *
   * @param format the PCM format
   * @param capacityMillis how much audio the buffer holds, in milliseconds
   * @return the pcm push source
   * @throws IllegalArgumentException if the capacity holds less than one frame
   */
  public static PcmPushSource create(PcmFormat format, int capacityMillis) {
    return new PcmPushSource(Objects.requireNonNull(format, "format"), capacityMillis);
  }

  /**
   * Pushes all of {@code pcm}; see {@link #push(byte[], int, int)}.
   *
   * @param pcm 16-bit PCM bytes
   * @return whether all of it was taken (see {@link #push(byte[], int, int)})
   */
  public boolean push(byte[] pcm) {
    return push(pcm, 0, pcm.length);
  }

  /**
   * Appends {@code length} bytes of PCM (any length; they need not be whole frames). Never blocks
   * beyond a short lock. When the source is attached to a session, this call also encodes and
   * sends every whole chunk now buffered, on the calling thread: with the default transport, about
   * 25 microseconds per 20 ms chunk on a small VM (encoding, framing, handing the frame to the
   * writer thread); the JDK transport also writes to the socket on this thread. It never waits
   * for the network.
   *
   * @param pcm 16-bit PCM bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return {@code true} if all of it was buffered; {@code false} if some or all was dropped
   *     (buffer full, or the source ended or closed), counted in {@link #droppedBytes()}
   */
  public boolean push(byte[] pcm, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, pcm.length);
    return push(pcm, offset, length, null);
  }

  /**
   * Appends the remaining bytes of {@code pcm}, like {@link #push(byte[], int, int)}. The buffer's
   * position advances to its limit, whether the bytes were kept or dropped.
   *
   * @param pcm 16-bit PCM bytes
   * @return whether all of it was taken (see {@link #push(byte[], int, int)})
   */
  public boolean push(ByteBuffer pcm) {
    int length = pcm.remaining();
    boolean all = push(null, 0, length, pcm);
    ((Buffer) pcm).position(pcm.limit());
    return all;
  }

  private boolean push(byte[] array, int offset, int length, ByteBuffer buffer) {
    boolean all;
    boolean readable;
    lock.lock();
    try {
      all = pushLocked(array, offset, length, buffer);
      readable = ring.size() >= frameBytes;
    } finally {
      lock.unlock();
    }
    if (readable) {
      notifyAvailable();
    }
    return all;
  }

  private boolean pushLocked(byte[] array, int offset, int length, ByteBuffer buffer) {
    if (ended || closed) {
      droppedBytes += length;
      return length == 0;
    }
    int pos = buffer != null ? buffer.position() : offset;
    int end = pos + length;
    int accepted = 0;
    if (skipBytes > 0) {
      int skip = Math.min(skipBytes, length);
      skipBytes -= skip;
      pos += skip;
    }
    int partial = ring.size() % frameBytes;
    if (partial > 0 && pos < end) {
      // Completing a buffered frame always fits: the capacity is a whole number of frames.
      int complete = Math.min(frameBytes - partial, end - pos);
      append(array, buffer, pos, complete);
      pos += complete;
      accepted += complete;
    }
    int remaining = end - pos;
    if (remaining > 0) {
      // Keep every frame that starts in this chunk and fits whole; drop the others whole.
      int startedFrames = (remaining + frameBytes - 1) / frameBytes;
      int keptFrames = Math.min(startedFrames, ring.free() / frameBytes);
      int kept = Math.min(remaining, keptFrames * frameBytes);
      append(array, buffer, pos, kept);
      accepted += kept;
      int cut = (remaining - kept) % frameBytes;
      if (cut > 0) {
        skipBytes = frameBytes - cut; // the dropped frame's rest comes with the next push
      }
    }
    int dropped = length - accepted;
    droppedBytes += dropped;
    if (ring.size() >= frameBytes) {
      readable.signalAll();
    }
    return dropped == 0;
  }

  private void notifyAvailable() {
    Runnable l = availabilityListener;
    if (l != null) {
      l.run();
    }
  }

  private void append(byte[] array, ByteBuffer buffer, int position, int length) {
    if (buffer != null) {
      ((Buffer) buffer).position(position);
      ring.write(buffer, length);
    } else {
      ring.write(array, position, length);
    }
  }

  /**
   * Marks the end of the pushed stream: {@code read} returns what is buffered, then {@code -1}.
   * Idempotent.
   */
  public void endOfStream() {
    lock.lock();
    try {
      ended = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
    notifyAvailable();
  }

  /**
   * Blocks until at least one whole frame is buffered, then returns up to {@code length} bytes of
   * whole frames.
   *
   * @return the bytes read, or {@code -1} after {@link #endOfStream()} once drained, or after
   *     {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws IllegalStateException if not opened
   */
  @Override
  public int read(byte[] buffer, int offset, int length) {
    return read(buffer, offset, length, true);
  }

  /**
   * Returns up to {@code length} bytes of the whole frames buffered now, without waiting.
   *
   * @return the bytes read, {@code 0} if less than a frame is buffered, or {@code -1} after
   *     {@link #endOfStream()} once drained, or after {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws IllegalStateException if not opened
   */
  @Override
  public int readAvailable(byte[] buffer, int offset, int length) {
    return read(buffer, offset, length, false);
  }

  private int read(byte[] buffer, int offset, int length, boolean wait) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    int maxBytes = wholeFrameBytes(length);
    lock.lock();
    try {
      if (!opened) {
        throw new IllegalStateException("not opened");
      }
      while (wait && !closed && ring.size() < frameBytes && !ended) {
        await(readable);
      }
      int whole = ring.size() - ring.size() % frameBytes;
      if (closed || whole == 0 && ended) {
        return -1;
      }
      if (whole == 0) {
        return 0;
      }
      int n = Math.min(whole, maxBytes);
      ring.read(buffer, offset, n);
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets the callback run after a push that leaves at least a whole frame buffered, after {@link
   * #endOfStream()} and after {@link #close()}, on that call's thread with no lock held; {@code
   * null} removes it. A session sets it while the source is attached.
   */
  @Override
  public void setAvailabilityListener(Runnable listener) {
    this.availabilityListener = listener;
  }

  /**
   * Bytes pushed but dropped so far (buffer full, or pushed after the end). Never decreases.
   *
   * @return bytes pushed but dropped so far (buffer full, or pushed after the end)
   */
  public long droppedBytes() {
    lock.lock();
    try {
      return droppedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the source: a blocked {@code read} returns {@code -1} at once, buffered audio is
   * discarded, later pushes are refused. Idempotent; never throws.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      ring.clear();
      readable.signalAll();
    } finally {
      lock.unlock();
    }
    notifyAvailable();
  }
}
