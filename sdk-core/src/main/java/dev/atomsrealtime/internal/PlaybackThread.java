package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.PcmConverter;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playback writer for a blocking sink (a speaker, a paced file): a thread {@code
 * atoms-playback-N} that opens the sink, takes chunks from the queue (parking while it is empty),
 * converts them when the sink accepts another format, and writes them in pieces of {@link
 * #PIECE_MILLIS} through the shared write step. The sink's blocking write paces it.
 */
final class PlaybackThread extends PlaybackWriter {
  private static final Logger log = LoggerFactory.getLogger(PlaybackThread.class);

  private final PcmFormat alreadyOpened;
  private volatile Thread thread;
  // Writer thread only.
  private PcmConverter converter;

  /** @param alreadyOpened the format the sink was already opened in, or null to open it here */
  PlaybackThread(AudioEngine.Stages stages, PlaybackQueue queue, AudioSink sink, PcmFormat format,
      PcmFormat alreadyOpened) {
    super(stages, queue, sink, format);
    this.alreadyOpened = alreadyOpened;
  }

  @Override
  void start() {
    Thread t = new Thread(this::run, "atoms-playback-" + stages.id());
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  @Override
  void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  int put(int len) {
    if (converter == null) {
      sink.write(piece, 0, len);
      sinkFramesWritten.addAndGet(len / format.bytesPerFrame());
    } else {
      int n = converter.convert(piece, 0, len);
      if (n > 0) {
        sink.write(converter.outputArray(), converter.outputOffset(), n);
        sinkFramesWritten.addAndGet(n / sink.format().bytesPerFrame());
      }
    }
    return len;
  }

  private void run() {
    try {
      PcmFormat opened = alreadyOpened;
      if (opened == null) {
        sink.setClock(stages.clock());
        opened = sink.open(format);
      }
      if (!opened.equals(format)) {
        converter = PcmConverter.create(format, opened);
        sinkRateNum = opened.sampleRateHz();
        sinkRateDen = format.sampleRateHz();
        log.info("audio engine {}: sink accepts {}, converting from {}", stages.id(), opened,
            format);
      }
      long lastGeneration = queue.generation();
      PlaybackQueue.Chunk c;
      while ((c = next()) != null) {
        if (c.generation != lastGeneration) {
          // A new reply after an interruption: no resampler history from the old one.
          lastGeneration = c.generation;
          if (converter != null) {
            converter.reset();
          }
        }
        int off = 0;
        while (off < c.length) {
          int n = playing() ? write(c, off, Math.min(piece.length, c.length - off)) : -1;
          if (n < 0) {
            discard(c, off);
            break;
          }
          off += n;
        }
      }
      if (draining && playing()) {
        sink.drain(); // a graceful end: let the device play out what it holds before closing
      }
    } catch (RuntimeException e) {
      playbackFailed(e);
    } finally {
      release();
    }
  }

  /** The next chunk, parking while there is none; null once stopped (or drained). */
  private PlaybackQueue.Chunk next() {
    while (true) {
      PlaybackQueue.Chunk c = queue.poll();
      if (c != null) {
        return c;
      }
      checkIdle(true);
      if (!running) {
        return null;
      }
      LockSupport.park(this);
    }
  }

  @Override
  void awaitTermination(long nanos) throws InterruptedException {
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      TimeUnit.NANOSECONDS.timedJoin(t, nanos);
    }
  }

  @Override
  void stop(boolean drainQueued) {
    if (drainQueued && queue.queuedBytes() > 0) {
      drainDeadlineNanos = stages.ticker().nanoTime() + drainBoundMillis() * 1_000_000L;
      draining = true;
      running = false;
      wake();
      return; // the thread releases the sink when it is done
    }
    running = false;
    dropQueued();
    sink.flush(); // unblocks a pending write; the thread then releases the sink
    wake();
    try {
      awaitTermination(TimeUnit.SECONDS.toNanos(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
