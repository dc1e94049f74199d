package dev.atomsrealtime.audio;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AudioTap#mirrorTo}: the agent's audio, as the session's sink was given it, copied into a
 * bounded ring and written to a second sink by a thread of its own, so that neither sink waits
 * for the other. A cut empties the ring and flushes the second sink.
 */
final class MirrorTap implements AudioTap {
  private static final Logger log = LoggerFactory.getLogger(MirrorTap.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final AudioSink sink;
  private final int bufferMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final AtomicLong bytesDropped = new AtomicLong();
  private ByteRing ring; // guarded by lock
  private long cuts; // guarded by lock: bumped by a cut, so the writer drops what it holds
  private boolean stopped; // guarded by lock
  private volatile Thread thread;

  MirrorTap(AudioSink sink, int bufferMillis) {
    this.sink = Objects.requireNonNull(sink, "sink");
    if (bufferMillis < 100 || bufferMillis > 60_000) {
      throw new IllegalArgumentException("bufferMillis must be 100..60000, got " + bufferMillis);
    }
    this.bufferMillis = bufferMillis;
  }

  @Override
  public void started(PcmFormat sessionFormat, AudioClock clock) {
    lock.lock();
    try {
      if (ring != null || stopped) {
        return;
      }
      ring = new ByteRing(sessionFormat.bytesForMillis(bufferMillis));
    } finally {
      lock.unlock();
    }
    Thread t = new Thread(() -> run(sessionFormat, clock), "atoms-mirror-" + IDS.incrementAndGet());
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  @Override
  public void userAudio(byte[] pcm, int offset, int length, long nanos) {}

  @Override
  public void agentAudio(byte[] pcm, int offset, int length, long nanos) {
    lock.lock();
    try {
      if (ring == null || stopped) {
        return;
      }
      int over = length - ring.free();
      if (over > 0) { // the second sink is behind: it loses its oldest audio, the first waits not
        int drop = Math.min(ring.size(), over); // whole frames: every size here is
        ring.read(new byte[drop], 0, drop);
        bytesDropped.addAndGet(drop);
      }
      int n = Math.min(length, ring.free());
      ring.write(pcm, offset + length - n, n);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void agentAudioCut(long nanos) {
    lock.lock();
    try {
      if (ring != null) {
        ring.clear();
      }
      cuts++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    sink.flush(); // never blocks; a write in progress returns
  }

  @Override
  public void stopped(long nanos) {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread == null) {
      sink.close();
    }
  }

  /** Bytes of agent audio the second sink never got because it fell behind by the whole buffer. */
  long bytesDropped() {
    return bytesDropped.get();
  }

  private boolean cutsSince(long before) {
    lock.lock();
    try {
      return cuts != before;
    } finally {
      lock.unlock();
    }
  }

  private void run(PcmFormat format, AudioClock clock) {
    PcmConverter converter = null;
    byte[] piece = new byte[Math.max(2, format.bytesForMillis(10))];
    try {
      sink.setClock(clock);
      PcmFormat opened = sink.open(format);
      if (!opened.equals(format)) {
        converter = PcmConverter.create(format, opened);
      }
      while (true) {
        int n;
        long cutsBefore;
        lock.lock();
        try {
          while (ring.size() == 0 && !stopped) {
            changed.awaitUninterruptibly();
          }
          if (ring.size() == 0) {
            break; // stopped, and everything given was written
          }
          n = Math.min(piece.length, ring.size());
          ring.read(piece, 0, n);
          cutsBefore = cuts;
        } finally {
          lock.unlock();
        }
        if (converter == null) {
          sink.write(piece, 0, n);
        } else {
          int out = converter.convert(piece, 0, n);
          sink.write(converter.outputArray(), converter.outputOffset(), out);
        }
        if (cutsSince(cutsBefore)) {
          if (converter != null) {
            converter.reset();
          }
          sink.flush(); // cut while this piece was being written: it was never heard
        }
      }
      sink.drain();
    } catch (RuntimeException e) {
      log.warn("the mirrored sink failed; it gets no more audio: {}", e.toString());
    } finally {
      sink.close();
    }
  }
}
