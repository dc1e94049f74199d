package dev.atomsrealtime.bench;

import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A software speaker for the load harness: never blocks (so the SDK needs no playback thread for
 * it, as for a {@code PcmPullSink} with room), and on every write that starts a chunk
 * records the latency from the server's send (the chunk's {@link ChunkHeader}) to now, and counts
 * sequence gaps (chunks that never reached the sink). Writes come from one thread at a time (the
 * SDK's read thread, or the baseline client's socket thread); results are read after {@link
 * #recording(boolean) recording} stopped.
 */
final class TimestampSink implements NonBlockingAudioSink {
  private final PcmFormat format;
  private final AtomicLong framesWritten = new AtomicLong();
  private final CountDownLatch firstWrite = new CountDownLatch(1);
  private volatile long firstWriteNanos;
  private volatile boolean recording;

  // Guarded by this.
  private final LongSamples latencies = new LongSamples();
  private long lastSeq = -1;
  private long gaps;
  private long flushes;

  TimestampSink(PcmFormat format) {
    this.format = format;
  }

  void recording(boolean on) {
    recording = on;
  }

  @Override
  public PcmFormat open(PcmFormat requested) {
    return format;
  }

  @Override
  public PcmFormat format() {
    return format;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) {
    long now = System.nanoTime();
    if (firstWrite.getCount() > 0) {
      firstWriteNanos = now;
      firstWrite.countDown();
    }
    if (ChunkHeader.present(buffer, offset, length)) {
      long latency = now - ChunkHeader.sentNanos(buffer, offset);
      long seq = ChunkHeader.seq(buffer, offset);
      synchronized (this) {
        if (recording) {
          latencies.add(latency);
          if (lastSeq >= 0 && seq > lastSeq + 1) {
            gaps += seq - lastSeq - 1;
          }
        }
        lastSeq = Math.max(lastSeq, seq);
      }
    }
    framesWritten.addAndGet(length / format.bytesPerFrame());
  }

  @Override
  public int writeAvailable(byte[] buffer, int offset, int length) {
    write(buffer, offset, length);
    return length;
  }

  @Override
  public void setSpaceListener(Runnable listener) {
    // Never full: nothing waits for room.
  }

  @Override
  public void flush() {
    synchronized (this) {
      flushes++;
    }
  }

  @Override
  public void drain() {}

  @Override
  public long framesPlayed() {
    return framesWritten.get();
  }

  @Override
  public void close() {}

  /** Waits for the first write; returns its {@code System.nanoTime()}, or -1 on time-out. */
  long awaitFirstWrite(long timeout, TimeUnit unit) throws InterruptedException {
    return firstWrite.await(timeout, unit) ? firstWriteNanos : -1;
  }

  synchronized void drainInto(LongSamples all) {
    all.addAll(latencies);
  }

  synchronized long gaps() {
    return gaps;
  }

  synchronized long chunks() {
    return latencies.size();
  }
}
