package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.transport.SerialContext;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The playback writer for a {@link NonBlockingAudioSink} in the session's format: no thread of its
 * own. Its step moves queued audio into the sink until the queue is empty or the sink full; it
 * runs on the read thread when audio arrives, and on the application's thread when it takes audio
 * out of the sink (the sink's space listener). One thread at a time, through a {@link
 * SerialContext.Signal}.
 */
final class PlaybackPump extends PlaybackWriter {
  private final NonBlockingAudioSink nb;
  private final SerialContext context;
  private final SerialContext.Signal pump;
  private volatile ScheduledFuture<?> drainDeadline;
  // The chunk being written and how far; the pump's context only.
  private PlaybackQueue.Chunk inHand;
  private int inHandOffset;

  PlaybackPump(AudioEngine.Stages stages, PlaybackQueue queue, NonBlockingAudioSink sink,
      PcmFormat format) {
    super(stages, queue, sink, format);
    this.nb = sink;
    this.context = SerialContext.create(stages::stepFailed);
    this.pump = context.newSignal(this::step);
  }

  @Override
  void start() {
    nb.setSpaceListener(pump::raise);
    pump.raise();
  }

  @Override
  void wake() {
    pump.raise();
  }

  @Override
  int put(int len) {
    int taken = nb.writeAvailable(piece, 0, len);
    if (taken > 0) {
      sinkFramesWritten.addAndGet(taken / format.bytesPerFrame());
    }
    return taken;
  }

  /** Moves queued audio into the sink until the queue is empty or the sink full. */
  private void step() {
    if (released.get()) {
      return;
    }
    try {
      while (true) {
        PlaybackQueue.Chunk c = inHand;
        if (c == null) {
          c = queue.poll();
          if (c == null) {
            checkIdle(false);
            break;
          }
          inHand = c;
          inHandOffset = 0;
        }
        int len = Math.min(piece.length, c.length - inHandOffset);
        int n = playing() ? write(c, inHandOffset, len) : -1;
        if (n < 0) {
          discard(c, inHandOffset);
          inHand = null;
          continue;
        }
        inHandOffset += n;
        if (inHandOffset == c.length) {
          inHand = null;
        }
        if (n < len) {
          break; // the sink is full: its reader's next read calls back
        }
      }
      if (!running && (idle() || !playing())) {
        finish();
      }
    } catch (RuntimeException e) {
      playbackFailed(e);
      finish();
    }
  }

  @Override
  void stop(boolean drainQueued) {
    if (drainQueued && !idle()) { // idle() counts a piece in hand: no race with the step
      long bound = drainBoundMillis();
      drainDeadlineNanos = stages.ticker().nanoTime() + bound * 1_000_000L;
      draining = true;
      running = false;
      try {
        drainDeadline = stages.resources().scheduler().schedule(pump::raise, bound,
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        draining = false; // the client is closing: release now
      }
      pump.raise(); // released once the reader took the rest, or at the deadline
      if (draining) {
        return;
      }
    }
    running = false;
    dropQueued();
    context.execute(this::finish); // in the pump's context: the step owns the piece in hand
  }

  /** Playback is over for good: the sink is released. Idempotent. */
  private void finish() {
    ScheduledFuture<?> deadline = drainDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    nb.setSpaceListener(null);
    PlaybackQueue.Chunk c = inHand;
    if (c != null) {
      queue.consumed(c.length - inHandOffset);
      inHand = null;
    }
    release();
  }
}
