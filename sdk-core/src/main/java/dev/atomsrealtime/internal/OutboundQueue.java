package dev.atomsrealtime.internal;

import dev.atomsrealtime.transport.SerialContext;
import dev.atomsrealtime.transport.Transport;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's outbound path: frames from any number of threads go into one queue, and one
 * writer at a time (whichever sending thread finds the writer idle; a {@link SerialContext.Signal})
 * hands them to the transport in order, with no lock held across the transport call. Frames
 * therefore never interleave and keep their order.
 *
 * <p>Frames go to the transport while its own queue is below the high-water mark. Past it, they
 * wait here; while they wait, user audio is bounded to {@code maxAudioBytes}: the oldest audio is
 * dropped (and counted) first, because under sustained pressure fresh audio beats stale audio.
 * Control frames are never dropped. A retry on a wall-clock scheduler moves waiting frames on as
 * the transport catches up (a socket drains in real time, whatever the session's clock); it is
 * scheduled only while something waits.
 *
 * <p>Each frame is tagged with the connection it was queued for: frames queued for a connection
 * that has since ended are discarded, never written into the next one (a new connection is a new
 * server session).
 *
 * <p>Thread-safe.
 */
final class OutboundQueue {
  private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);
  private static final long RETRY_MILLIS = 5;

  private final ScheduledExecutorService scheduler;
  private final long id;
  private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
  private final SerialContext writer;
  private final SerialContext.Signal flush;
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  // Written by attach/detach (the session's context), read by senders and the writer.
  private volatile Target target;
  // Bytes and audio bytes queued here; added by senders, removed by the writer.
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong queuedAudioBytes = new AtomicLong();

  private final AtomicLong audioSent = new AtomicLong();
  private final AtomicLong audioDropped = new AtomicLong();

  OutboundQueue(ScheduledExecutorService scheduler, long id) {
    this.scheduler = scheduler;
    this.id = id;
    this.writer = SerialContext.create("session " + id + " outbound");
    this.flush = writer.newSignal(this::writeStep);
  }

  /**
   * Starts writing to a new connection; frames still waiting for a previous one are discarded on
   * the writer's next step (they belonged to another server session).
   */
  void attach(Transport transport, long maxAudioBytes, long highWaterBytes) {
    target = new Target(transport, maxAudioBytes, highWaterBytes);
    flush.raise();
  }

  /** Stops writing (the connection ended). Waiting frames are discarded. */
  void detach() {
    target = null;
    flush.raise();
  }

  /**
   * Queues a frame for the current connection. Returns false if none is attached.
   *
   * <p>When nothing is waiting and no thread is writing (almost always: a socket takes a 20 ms
   * chunk at once), the frame goes to the transport directly from this thread, as the writer,
   * without passing through the queue: the same order and the same bounds, without a queue node
   * and four atomic updates per frame.
   */
  boolean send(byte[] frame, boolean audio) {
    Target t = target;
    if (t == null) {
      return false;
    }
    if (frames.isEmpty() && writer.runIfIdle(() -> writeDirect(frame, audio, t))) {
      return true;
    }
    enqueue(frame, audio, t);
    flush.raise();
    return true;
  }

  /** The writer, for one frame that found the queue empty. */
  private void writeDirect(byte[] frame, boolean audio, Target t) {
    if (!frames.isEmpty() || t != target || t.transport.queuedBytes() >= t.highWaterBytes) {
      // Another sender got in first, the connection changed, or the transport is full: the
      // queue decides, as for any frame.
      enqueue(frame, audio, t);
      writeStep();
      return;
    }
    t.transport.sendText(frame);
    if (audio) {
      audioSent.incrementAndGet();
    }
  }

  private void enqueue(byte[] frame, boolean audio, Target t) {
    frames.add(new Frame(frame, audio, t));
    queuedBytes.addAndGet(frame.length);
    if (audio) {
      queuedAudioBytes.addAndGet(frame.length);
    }
  }

  /** The writer: one thread at a time. Writes in order until the transport is full. */
  private void writeStep() {
    Target t = target;
    Frame f;
    while ((f = frames.peek()) != null) {
      if (f.target != t) {
        remove(f); // for a connection that ended
        continue;
      }
      if (t.transport.queuedBytes() >= t.highWaterBytes) {
        trimAudio(t);
        scheduleRetry();
        return;
      }
      remove(f);
      t.transport.sendText(f.bytes);
      if (f.audio) {
        audioSent.incrementAndGet();
      }
    }
  }

  private void remove(Frame f) {
    frames.poll();
    queuedBytes.addAndGet(-f.bytes.length);
    if (f.audio) {
      queuedAudioBytes.addAndGet(-f.bytes.length);
    }
  }

  /** Writer only. Drops the oldest waiting audio until the audio bound holds. */
  private void trimAudio(Target t) {
    Iterator<Frame> it = frames.iterator();
    while (queuedAudioBytes.get() > t.maxAudioBytes && it.hasNext()) {
      Frame f = it.next();
      if (f.audio && f.target == t) {
        it.remove();
        queuedBytes.addAndGet(-f.bytes.length);
        queuedAudioBytes.addAndGet(-f.bytes.length);
        if (audioDropped.incrementAndGet() == 1) {
          log.warn("session {}: the connection cannot keep up; dropping the oldest queued audio"
              + " (counted in SessionStats.audioChunksDroppedBackpressure)", id);
        }
      }
    }
  }

  private void scheduleRetry() {
    if (!retryScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.schedule(() -> {
        retryScheduled.set(false);
        flush.raise();
      }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      retryScheduled.set(false);
      log.debug("session {}: client shutting down; queued frames not written", id);
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
    Target t = target;
    return queuedBytes.get() + (t == null ? 0 : t.transport.queuedBytes());
  }

  /** A connection and its bounds. */
  private record Target(Transport transport, long maxAudioBytes, long highWaterBytes) {}

  private record Frame(byte[] bytes, boolean audio, Target target) {}
}
