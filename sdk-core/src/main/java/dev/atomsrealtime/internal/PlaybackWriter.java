package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves agent audio from the {@link PlaybackQueue} into the sink. Two kinds share one {@link
 * #write write step} (the generation check before and after, and the accounting):
 * {@link PlaybackThread} for a blocking sink (a thread {@code atoms-playback-N}, converting the
 * format when the sink needs another) and {@link PlaybackPump} for a non-blocking sink in the
 * session's format (no thread: run by the thread that delivers audio or drains the sink).
 *
 * <p>Barge-in never waits for the writer: the read thread bumps the queue's generation, empties
 * it, and flushes the sink ({@link #interrupted}); a writer that was in the middle of a write when
 * that happened sees the new generation when its write returns and flushes the sink once more
 * itself, so nothing of an interrupted reply remains in the sink once both are done.
 *
 * <p>Busy and idle: the writer tells the session (through {@link AudioEngine.Stages}) when it
 * starts having agent audio to play and when the sink has played all of it, which is what ends
 * {@code AGENT_SPEAKING} and the half-duplex gate.
 */
abstract class PlaybackWriter {
  private static final Logger log = LoggerFactory.getLogger(PlaybackWriter.class);
  /** Largest piece written to the sink at once, so an interruption waits at most this long. */
  static final int PIECE_MILLIS = 10;

  final AudioEngine.Stages stages;
  final PlaybackQueue queue;
  final AudioSink sink;
  final PcmFormat format;
  final byte[] piece;
  /** Frames handed to the sink, in the sink's own format. Writer writes; resynced at barge-in. */
  final AtomicLong sinkFramesWritten = new AtomicLong();
  /** Sink frames per session frame, as a fraction (when the writer converts). */
  volatile long sinkRateNum = 1;
  volatile long sinkRateDen = 1;
  volatile boolean running = true;
  volatile boolean draining;
  volatile long drainDeadlineNanos;
  final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Object idleMonitor = new Object();
  // Threads in awaitIdle: the writer wakes them only when there are any (a monitor's notifyAll
  // goes through the VM's runtime, and the writer finds the queue empty after every delta).
  private final AtomicInteger idleWaiters = new AtomicInteger();
  private final AtomicBoolean recheckScheduled = new AtomicBoolean();

  PlaybackWriter(AudioEngine.Stages stages, PlaybackQueue queue, AudioSink sink,
      PcmFormat format) {
    this.stages = stages;
    this.queue = queue;
    this.sink = sink;
    this.format = format;
    this.piece = new byte[Math.max(2, format.bytesForMillis(PIECE_MILLIS))];
  }

  /**
   * The writer for {@code sink}: a pump for a non-blocking sink (converting when it was opened in
   * another format), a thread for anything else. A non-blocking sink is opened here; null
   * (reported) if it fails to open.
   */
  static PlaybackWriter forSink(AudioSink sink, AudioEngine.Stages stages, PlaybackQueue queue,
      PcmFormat format) {
    if (!(sink instanceof NonBlockingAudioSink nb)) {
      return new PlaybackThread(stages, queue, sink, format, null);
    }
    PcmFormat opened;
    try {
      nb.setClock(stages.clock());
      opened = nb.open(format);
    } catch (RuntimeException e) {
      AudioException error = e instanceof AudioException ae ? ae
          : new AudioException("the sink failed to open: " + e, e);
      log.warn("audio engine {}: the sink failed to open: {}", stages.id(), error.getMessage());
      stages.audioError(error);
      sink.close();
      return null;
    }
    return new PlaybackPump(stages, queue, nb, format, opened);
  }

  /** Starts writing. */
  abstract void start();

  /** New audio was queued, or something changed: go round again. Never blocks. */
  abstract void wake();

  /**
   * Stops for good. With {@code drainQueued} (a normal end) the audio already queued is still
   * written, bounded by its duration plus a second, and the sink is released after; otherwise it
   * is discarded and the sink released now. May block (closing a device).
   */
  abstract void stop(boolean drainQueued);

  /** Waits (bounded) until the writer has finished with the sink; a pump has nothing to wait for. */
  void awaitTermination(long nanos) throws InterruptedException {}

  /**
   * Puts {@code len} bytes of {@link #piece} into the sink: all of them for a blocking sink (which
   * paces the caller), as many as fit for a non-blocking one. Updates {@link #sinkFramesWritten}.
   *
   * @return the bytes of the piece taken
   */
  abstract int put(int len);

  /**
   * The write step both kinds share: writes {@code len} bytes of {@code c} from {@code off}.
   *
   * @return the bytes taken (0 if a non-blocking sink is full), or -1 if the chunk belongs to an
   *     interrupted reply (the caller then discards the rest of it with {@link #discard})
   */
  final int write(PlaybackQueue.Chunk c, int off, int len) {
    if (c.generation != queue.generation()) {
      return -1;
    }
    c.copy(off, piece, len);
    int taken = put(len);
    if (taken <= 0) {
      return 0;
    }
    queue.consumed(taken);
    if (c.generation != queue.generation()) {
      // Interrupted while this piece was being written: it may have reached the sink after the
      // read thread flushed it. Flush again; the piece was never heard.
      sink.flush();
      stages.counters().bytesDiscardedByInterruption.addAndGet(taken);
      resyncSinkPosition();
    } else {
      stages.counters().deltaBytesPlayed.addAndGet(taken);
      long now = stages.ticker().nanoTime();
      stages.metrics().audioPlayed(now);
      stages.taps().agentAudio(piece, 0, taken, now);
    }
    return taken;
  }

  /**
   * Drops the rest of a chunk from {@code off}: counted as discarded by an interruption when its
   * reply was interrupted, not counted when playback simply stopped.
   */
  final void discard(PlaybackQueue.Chunk c, int off) {
    int rest = c.length - off;
    queue.consumed(rest);
    if (c.generation != queue.generation()) {
      stages.counters().bytesDiscardedByInterruption.addAndGet(rest);
    }
  }

  /**
   * Read thread, at barge-in, after the queue was emptied: the sink drops what it holds (counted
   * as discarded: it was never heard), and the writer is woken to drop its old-generation piece.
   */
  final void interrupted() {
    long unplayed = unplayedSinkFrames();
    try {
      sink.flush();
    } catch (RuntimeException e) {
      playbackFailed(e);
    }
    long bytes = format.bytesForFrames(unplayed * sinkRateDen / sinkRateNum);
    if (bytes > 0) {
      stages.counters().bytesDiscardedByInterruption.addAndGet(bytes);
      stages.counters().deltaBytesPlayed.addAndGet(-bytes);
    }
    resyncSinkPosition();
    wake();
  }

  /** Whatever the sink had not played is gone after a flush: count from what it played. */
  final void resyncSinkPosition() {
    try {
      sinkFramesWritten.set(sink.framesPlayed());
    } catch (RuntimeException e) {
      log.debug("audio engine {}: sink position unavailable after flush", stages.id());
    }
  }

  /** Frames given to the sink that it has not played yet (in the sink's format). */
  final long unplayedSinkFrames() {
    try {
      return Math.max(0, sinkFramesWritten.get() - sink.framesPlayed());
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Frames of agent audio the sink has played, in the session's format. */
  final long framesPlayed() {
    try {
      return sink.framesPlayed() * sinkRateDen / sinkRateNum;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Whether all agent audio received so far has been played: nothing queued or being written (the
   * queue counts a piece until its write returned) and nothing the sink still has to play.
   */
  final boolean idle() {
    return queue.queuedBytes() == 0 && heldBytes() == 0 && unplayedSinkFrames() == 0;
  }

  /** Converted audio the writer holds for the sink beyond the queue's count (a pump's backlog). */
  int heldBytes() {
    return 0;
  }

  /** Read thread: audio was queued. Tells the session when playback goes from idle to busy. */
  final void markBusy() {
    if (busy.compareAndSet(false, true)) {
      stages.playbackChanged();
    }
  }

  /**
   * The queue ran empty: if the sink has played everything, playback is idle now; otherwise, with
   * {@code recheck}, look again once the sink should have played it (a device sink plays in its
   * own time; a non-blocking sink tells us through its space listener instead).
   */
  final void checkIdle(boolean recheck) {
    if (!idle()) {
      long unplayed = unplayedSinkFrames();
      if (recheck && unplayed > 0 && !released.get()) {
        scheduleRecheck(unplayed);
      }
      return;
    }
    wakeIdleWaiters();
    if (busy.compareAndSet(true, false)) {
      stages.playbackChanged();
    }
  }

  private void scheduleRecheck(long unplayedSinkFrames) {
    if (!recheckScheduled.compareAndSet(false, true)) {
      return;
    }
    long sinkRate = format.sampleRateHz() * sinkRateNum / sinkRateDen;
    long delayNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
        unplayedSinkFrames * 1_000_000_000L / Math.max(1, sinkRate));
    try {
      stages.resources().scheduler().schedule(() -> {
        recheckScheduled.set(false);
        checkIdle(true);
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      recheckScheduled.set(false);
    }
  }

  /** Waits (bounded) until {@link #idle()}; woken when the writer finds the queue empty. */
  final boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    idleWaiters.incrementAndGet(); // before looking at idle(): see wakeIdleWaiters
    try {
      while (!idle() && !released.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        synchronized (idleMonitor) {
          // A device plays in its own time: look again at least every 10 ms.
          TimeUnit.NANOSECONDS.timedWait(idleMonitor, Math.min(left, 10_000_000L));
        }
      }
      return true;
    } finally {
      idleWaiters.decrementAndGet();
    }
  }

  /**
   * Wakes {@link #awaitIdle} callers, if any. The state they wait for is published before this
   * reads the count, and a waiter counts itself before reading that state, so one of the two
   * always sees the other; a wake-up missed anyway costs at most one 10 ms look.
   */
  private void wakeIdleWaiters() {
    if (idleWaiters.get() > 0) {
      synchronized (idleMonitor) {
        idleMonitor.notifyAll();
      }
    }
  }

  /** Whether audio still goes to the sink: running, or draining a normal end in time. */
  final boolean playing() {
    return running || draining && stages.ticker().nanoTime() - drainDeadlineNanos < 0;
  }

  /** The deadline of a graceful end's drain: the queued audio's duration plus a second. */
  final long drainBoundMillis() {
    return format.millisForBytes(queue.queuedBytes()) + 1_000;
  }

  /** Queued audio is dropped when playback stops without draining (not an interruption). */
  final void dropQueued() {
    PlaybackQueue.Chunk c;
    long dropped = 0;
    while ((c = queue.poll()) != null) {
      queue.consumed(c.length);
      dropped += c.length;
    }
    if (dropped > 0) {
      log.debug("audio engine {}: {} ms of queued agent audio discarded at stop", stages.id(),
          format.millisForBytes(dropped));
    }
  }

  /** Releases the sink once. */
  final void release() {
    if (released.compareAndSet(false, true)) {
      sink.close();
      synchronized (idleMonitor) {
        idleMonitor.notifyAll();
      }
      stages.taps().stopped(stages.ticker().nanoTime());
    }
  }

  /** Reports a sink failure; playback is then over. */
  final void playbackFailed(RuntimeException e) {
    if (e instanceof AudioException ae) {
      log.warn("audio engine {}: the sink failed: {}", stages.id(), ae.getMessage());
      stages.audioError(ae);
    } else {
      log.warn("audio engine {}: playback failed", stages.id(), e);
      stages.audioError(new AudioException("playback failed: " + e, e));
    }
  }
}
