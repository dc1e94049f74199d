package dev.atomsrealtime.internal;

import dev.atomsrealtime.transport.Transport;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's outbound path: a bounded queue in front of the transport with a single writer
 * (whoever holds {@link #lock}), so frames from many threads never interleave and keep their
 * order.
 *
 * <p>Frames go straight to the transport while its own queue is below the high-water mark. Past
 * it, frames wait here; while they wait, user audio is bounded to {@code maxAudioBytes}: the
 * oldest audio is dropped (and counted) first, because under sustained pressure fresh audio beats
 * stale audio. Control frames are never dropped. A drain task on the scheduler moves waiting
 * frames on as the transport catches up; it only runs while something is waiting.
 *
 * <p>Thread-safe.
 */
final class OutboundQueue {
  private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);
  private static final long DRAIN_PERIOD_MILLIS = 5;

  private final ScheduledExecutorService scheduler;
  private final long id;
  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<Frame> backlog = new ArrayDeque<>();
  private Transport transport;
  private long highWaterBytes;
  private long maxAudioBytes;
  private long backlogAudioBytes;
  private long backlogBytes;
  private boolean drainScheduled;

  private final AtomicLong audioSent = new AtomicLong();
  private final AtomicLong audioDropped = new AtomicLong();

  OutboundQueue(ScheduledExecutorService scheduler, long id) {
    this.scheduler = scheduler;
    this.id = id;
  }

  /**
   * Starts writing to a new connection; anything still waiting for the previous one is
   * discarded (it belonged to another server session).
   *
   * @param bytesPerSecond the wire size of one second of audio, for the bounds
   */
  void attach(Transport transport, long maxAudioBytes, long highWaterBytes) {
    synchronized (lock) {
      if (!backlog.isEmpty()) {
        log.debug("session {}: {} queued frames of the previous connection discarded", id,
            backlog.size());
      }
      backlog.clear();
      backlogAudioBytes = 0;
      backlogBytes = 0;
      this.transport = transport;
      this.maxAudioBytes = maxAudioBytes;
      this.highWaterBytes = highWaterBytes;
    }
  }

  /** Sends or queues a frame. Returns false if it was dropped (audio only). */
  boolean send(byte[] frame, boolean audio) {
    synchronized (lock) {
      if (transport == null) {
        return false;
      }
      if (backlog.isEmpty() && transport.queuedBytes() < highWaterBytes) {
        transport.sendText(frame);
        if (audio) {
          audioSent.incrementAndGet();
        }
        return true;
      }
      backlog.add(new Frame(frame, audio));
      backlogBytes += frame.length;
      if (audio) {
        backlogAudioBytes += frame.length;
        trimAudio();
      }
      scheduleDrain();
      return true;
    }
  }

  /** Must hold lock. Drops the oldest waiting audio until the audio bound holds. */
  private void trimAudio() {
    Iterator<Frame> it = backlog.iterator();
    while (backlogAudioBytes > maxAudioBytes && it.hasNext()) {
      Frame f = it.next();
      if (f.audio) {
        it.remove();
        backlogAudioBytes -= f.bytes.length;
        backlogBytes -= f.bytes.length;
        if (audioDropped.incrementAndGet() == 1) {
          log.warn("session {}: the connection cannot keep up; dropping the oldest queued audio"
              + " (counted in SessionStats.audioChunksDroppedBackpressure)", id);
        }
      }
    }
  }

  /** Must hold lock. */
  private void scheduleDrain() {
    if (drainScheduled) {
      return;
    }
    try {
      scheduler.schedule(this::drain, DRAIN_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      drainScheduled = true;
    } catch (RejectedExecutionException e) {
      log.debug("session {}: client shutting down; queued frames not drained", id);
    }
  }

  private void drain() {
    synchronized (lock) {
      drainScheduled = false;
      while (!backlog.isEmpty() && transport != null
          && transport.queuedBytes() < highWaterBytes) {
        Frame f = backlog.poll();
        backlogBytes -= f.bytes.length;
        if (f.audio) {
          backlogAudioBytes -= f.bytes.length;
        }
        transport.sendText(f.bytes);
        if (f.audio) {
          audioSent.incrementAndGet();
        }
      }
      if (!backlog.isEmpty()) {
        scheduleDrain();
      }
    }
  }

  /** Stops writing (the connection ended). Waiting frames are discarded. */
  void detach() {
    synchronized (lock) {
      backlog.clear();
      backlogAudioBytes = 0;
      backlogBytes = 0;
      transport = null;
    }
  }

  long audioSent() {
    return audioSent.get();
  }

  long audioDropped() {
    return audioDropped.get();
  }

  /** Bytes waiting here plus in the transport's own queue. */
  long queuedBytes() {
    synchronized (lock) {
      return backlogBytes + (transport == null ? 0 : transport.queuedBytes());
    }
  }

  private record Frame(byte[] bytes, boolean audio) {}
}
