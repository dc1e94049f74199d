package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.PcmConverter;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.transport.SerialContext;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The playback writer for a {@link NonBlockingAudioSink}: no thread of its own. Its step moves
 * queued audio into the sink until the queue is empty or the sink full; it runs on the read thread
 * when audio arrives, and on the application's thread when it takes audio out of the sink (the
 * sink's space listener). One thread at a time, through a {@link SerialContext.Signal}.
 *
 * <p>A sink in another format (a G.711 phone leg at 8 kHz) gets each piece converted in the step;
 * what of a converted piece did not fit waits in a small backlog (at most one piece) that goes
 * first at the next step, and is dropped with its reply at an interruption.
 */
final class PlaybackPump extends PlaybackWriter {
  private final NonBlockingAudioSink nb;
  private final SerialContext context;
  private final SerialContext.Signal pump;
  private volatile ScheduledFuture<?> drainDeadline;
  // The chunk being written and how far; the pump's context only.
  private PlaybackQueue.Chunk inHand;
  private int inHandOffset;
  // Converting only: the converter, and the converted audio that did not fit yet.
  private final PcmConverter converter;
  private final int sinkFrameBytes;
  private byte[] backlog = new byte[0];
  private int backlogOffset;
  private volatile int backlogBytes;
  private long backlogGeneration;
  private long convertedGeneration;

  /** @param opened the format the sink was opened in; the pump converts when it differs */
  PlaybackPump(AudioEngine.Stages stages, PlaybackQueue queue, NonBlockingAudioSink sink,
      PcmFormat format, PcmFormat opened) {
    super(stages, queue, sink, format);
    this.nb = sink;
    this.context = SerialContext.create(stages::stepFailed);
    this.pump = context.newSignal(this::step);
    this.converter = opened.equals(format) ? null : PcmConverter.create(format, opened);
    this.sinkFrameBytes = opened.bytesPerFrame();
    this.sinkRateNum = opened.sampleRateHz();
    this.sinkRateDen = format.sampleRateHz();
    this.convertedGeneration = queue.generation();
  }

  @Override
  int heldBytes() {
    return backlogBytes;
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
    if (converter == null) {
      int taken = nb.writeAvailable(piece, 0, len);
      if (taken > 0) {
        sinkFramesWritten.addAndGet(taken / format.bytesPerFrame());
      }
      return taken;
    }
    if (!writeBacklog()) {
      return 0; // the rest of the previous piece does not fit yet
    }
    long generation = queue.generation();
    if (generation != convertedGeneration) {
      converter.reset(); // a new reply: no resampler history from the interrupted one
      convertedGeneration = generation;
    }
    int n = converter.convert(piece, 0, len);
    byte[] out = converter.outputArray();
    int offset = converter.outputOffset();
    int taken = n == 0 ? 0 : nb.writeAvailable(out, offset, n);
    sinkFramesWritten.addAndGet(taken / sinkFrameBytes);
    if (taken < n) {
      if (backlog.length < n - taken) {
        backlog = new byte[n - taken];
      }
      System.arraycopy(out, offset + taken, backlog, 0, n - taken);
      backlogOffset = 0;
      backlogGeneration = generation;
      backlogBytes = n - taken;
    }
    return len; // the piece is the pump's now: converted, written or in the backlog
  }

  /**
   * Writes what is left of the last converted piece; drops it if its reply was interrupted.
   *
   * @return whether the backlog is empty now
   */
  private boolean writeBacklog() {
    int left = backlogBytes;
    if (left == 0) {
      return true;
    }
    if (backlogGeneration != queue.generation()) {
      stages.counters().bytesDiscardedByInterruption.addAndGet(
          format.bytesForFrames(left / sinkFrameBytes * sinkRateDen / sinkRateNum));
      backlogBytes = 0;
      return true;
    }
    int taken = nb.writeAvailable(backlog, backlogOffset, left);
    sinkFramesWritten.addAndGet(taken / sinkFrameBytes);
    backlogOffset += taken;
    backlogBytes = left - taken;
    return backlogBytes == 0;
  }

  /** Moves queued audio into the sink until the queue is empty or the sink full. */
  private void step() {
    if (released.get()) {
      return;
    }
    try {
      while (true) {
        if (converter != null && !writeBacklog()) {
          break; // the sink is full: its reader's next read calls back
        }
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
    backlogBytes = 0;
    release();
  }
}
