package dev.atomsrealtime.audio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A test sink that stores every write with the time it happened, and tells its {@link #changes()}
 * after each write and at close. It accepts a chosen format (to exercise conversion) and can pace
 * like a speaker when wrapped in {@link RealTimeAudioSink}.
 */
final class RecordingSink implements AudioSink {
  record Write(long nanos, byte[] pcm) {}

  private final PcmFormat offered;
  private final List<Write> writes = new ArrayList<>();
  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private PcmFormat format;
  private volatile boolean closed;
  private long frames;
  private final Changes changes = new Changes();

  /** Accepts whatever is requested. */
  RecordingSink() {
    this(null);
  }

  /** Accepts only {@code offered}. */
  RecordingSink(PcmFormat offered) {
    this.offered = offered;
  }

  @Override
  public synchronized PcmFormat open(PcmFormat requested) {
    format = offered != null ? offered : requested;
    return format;
  }

  @Override
  public synchronized PcmFormat format() {
    return format;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) {
    synchronized (this) {
      if (closed) {
        return;
      }
      byte[] copy = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
      writes.add(new Write(System.nanoTime(), copy));
      all.write(copy, 0, copy.length);
      frames += length / format.bytesPerFrame();
    }
    changes.changed();
  }

  @Override
  public void flush() {}

  @Override
  public void drain() {
    drains.incrementAndGet();
  }

  private final java.util.concurrent.atomic.AtomicInteger drains =
      new java.util.concurrent.atomic.AtomicInteger();

  int drains() {
    return drains.get();
  }

  @Override
  public synchronized long framesPlayed() {
    return frames;
  }

  @Override
  public void close() {
    closed = true;
    changes.changed();
  }

  /** Notified after each write and at close. */
  Changes changes() {
    return changes;
  }

  boolean isClosed() {
    return closed;
  }

  synchronized byte[] bytes() {
    return all.toByteArray();
  }

  synchronized List<Write> writes() {
    return new ArrayList<>(writes);
  }
}
