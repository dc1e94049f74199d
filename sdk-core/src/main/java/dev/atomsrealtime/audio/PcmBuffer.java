package dev.atomsrealtime.audio;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@link PcmPushSource} and {@link PcmPullSink} share: a fixed format, a bounded ring of PCM
 * guarded by one lock, and the open/closed state. The subclasses add their own end of the buffer.
 */
abstract class PcmBuffer {
  final PcmFormat format;
  final int frameBytes;
  final ReentrantLock lock = new ReentrantLock();
  final Condition readable = lock.newCondition();
  final ByteRing ring; // guarded by lock; capacity is a whole number of frames
  boolean opened; // guarded by lock
  boolean closed; // guarded by lock
  /**
   * Test support: run by a reader, writer or drainer holding {@link #lock} just before it waits
   * for the other side, so a test knows the call is blocked once the other side can take the lock.
   * Null outside tests, and read only on the way into a wait.
   */
  volatile Runnable beforeWait;

  PcmBuffer(PcmFormat format, int capacityMillis) {
    this.format = format;
    this.frameBytes = format.bytesPerFrame();
    int capacityBytes = format.bytesForMillis(capacityMillis);
    if (capacityBytes < frameBytes) {
      throw new IllegalArgumentException("capacityMillis " + capacityMillis
          + " holds less than one frame of " + format);
    }
    this.ring = new ByteRing(capacityBytes);
  }

  /**
   * Opens the buffer.
   *
   * @param requested the format the session asks for
   * @return the format given at creation, whatever was requested
   * @throws IllegalStateException if already opened or closed
   */
  public PcmFormat open(PcmFormat requested) {
    lock.lock();
    try {
      if (opened || closed) {
        throw new IllegalStateException(closed ? "closed" : "already opened");
      }
      opened = true;
      return format;
    } finally {
      lock.unlock();
    }
  }

  /** {@return the format given at creation} */
  public PcmFormat format() {
    return format;
  }

  /** {@return bytes buffered and not yet read} */
  public int bufferedBytes() {
    lock.lock();
    try {
      return ring.size();
    } finally {
      lock.unlock();
    }
  }

  /** {@return the buffer's capacity in bytes, a whole number of frames} */
  public int capacityBytes() {
    return ring.capacity();
  }

  /** Caller holds the lock: waits on {@code condition}, uninterruptibly. */
  final void await(Condition condition) {
    announceWait();
    condition.awaitUninterruptibly();
  }

  /** Caller holds the lock: waits on {@code condition} at most {@code nanos}; returns the rest. */
  final long awaitNanos(Condition condition, long nanos) throws InterruptedException {
    announceWait();
    return condition.awaitNanos(nanos);
  }

  private void announceWait() {
    Runnable hook = beforeWait;
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * The largest whole number of frames' bytes within {@code length}.
   *
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   */
  final int wholeFrameBytes(int length) {
    int whole = length - length % frameBytes;
    if (whole <= 0) {
      throw new IllegalArgumentException("length " + length + " is less than one "
          + frameBytes + "-byte frame");
    }
    return whole;
  }
}
