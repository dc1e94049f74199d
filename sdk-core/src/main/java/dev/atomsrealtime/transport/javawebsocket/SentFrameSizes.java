package dev.atomsrealtime.transport.javawebsocket;

/**
 * The sizes of the frames a connection hands to the library, in the order they were built, as a
 * ring of running totals: the bytes of the last {@code k} frames come out in constant time. The
 * library's output queue is first-in first-out and its length is a lock-free read, so the bytes
 * still queued are those of the last {@code queue length} frames, without walking the queue under
 * its locks as the library's own iteration does.
 *
 * <p>Exact while frames are built and queued in the same order (one sending thread at a time, the
 * session's case); when two threads race between building and queueing, the figure is off by the
 * difference of two frame sizes until the next frame. Beyond the ring's reach (a backlog of more
 * than {@value #CAPACITY} frames) the figure is scaled from the newest frames' average size.
 *
 * <p>Thread-safe; every method is constant time under this object's lock.
 */
final class SentFrameSizes {
  static final int CAPACITY = 1024;
  private static final int MASK = CAPACITY - 1;

  // Guarded by this: totals[i & MASK] = bytes of frames 0..i; count = frames recorded.
  private final long[] totals = new long[CAPACITY];
  private long count;
  private long total;

  /** Records the next frame built. */
  synchronized void add(int bytes) {
    total += bytes;
    totals[(int) (count & MASK)] = total;
    count++;
  }

  /** The bytes of the last {@code frames} frames recorded (all of them if fewer). */
  synchronized long ofLast(int frames) {
    if (frames <= 0 || count == 0) {
      return 0;
    }
    long k = Math.min(frames, count);
    if (k == count) {
      return total;
    }
    if (k < CAPACITY) {
      return total - totals[(int) ((count - k - 1) & MASK)];
    }
    long reach = CAPACITY - 1;
    long newest = total - totals[(int) ((count - reach - 1) & MASK)];
    return newest * k / reach;
  }
}
