package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.NonBlockingAudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.transport.SerialContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the {@link CaptureStage}: opens the source, feeds the stage what the source delivers, and
 * after the source ends streams silence on the scheduler so the server sees the end of speech. Two
 * kinds, one stage: {@link #threaded} for a blocking source (a capture thread {@code
 * atoms-capture-N} reads), {@link #pumped} for a {@link NonBlockingAudioSource} (each push runs the
 * stage on the pushing thread; no thread of its own).
 *
 * <p>Threads: {@link #start} on the session's thread that starts the engine; {@link #stop} on the
 * client's blocking pool (closing a device may block); the stage on the capture thread or pump.
 */
abstract class CaptureDriver {
  private static final Logger log = LoggerFactory.getLogger(CaptureDriver.class);

  final AudioSource source;
  final AudioEngine.Stages stages;
  private final CountDownLatch ended = new CountDownLatch(1);
  volatile boolean running = true;
  private volatile ScheduledFuture<?> silence;

  private CaptureDriver(AudioSource source, AudioEngine.Stages stages) {
    this.source = source;
    this.stages = stages;
  }

  static CaptureDriver threaded(AudioSource source, AudioEngine.Stages stages) {
    return new Threaded(source, stages);
  }

  static CaptureDriver pumped(NonBlockingAudioSource source, AudioEngine.Stages stages) {
    return new Pumped(source, stages);
  }

  /** Starts capture in the session's format. */
  abstract void start(PcmFormat format);

  /** Stops capture for good and releases the source. May block (a device). */
  void stop() {
    running = false;
    cancelSilence();
    source.close(); // unblocks a pending read
    ended.countDown();
  }

  /** Waits (bounded) until capture's thread, if it has one, has finished. */
  void awaitTermination(long nanos) throws InterruptedException {}

  /** Waits until the source ended and its last chunk was sent. */
  boolean awaitEnded(long nanos) throws InterruptedException {
    return ended.await(nanos, TimeUnit.NANOSECONDS);
  }

  /** Opens the source and the stage; null (reported, capture over) if the source failed. */
  final CaptureStage open(PcmFormat format) {
    try {
      source.setClock(stages.clock());
      PcmFormat delivered = source.open(format);
      CaptureStage stage = stages.captureStage(format, delivered);
      if (stage.converting()) {
        log.info("audio engine {}: source delivers {}, converting to {}", stages.id(), delivered,
            format);
      }
      return stage;
    } catch (AudioException e) {
      log.warn("audio engine {}: the source failed: {}", stages.id(), e.getMessage());
      stages.audioError(e);
    } catch (RuntimeException e) {
      log.warn("audio engine {}: the source failed to open", stages.id(), e);
      stages.audioError(new AudioException("the source failed to open: " + e, e));
    }
    finish();
    return null;
  }

  /** The source reached its end: the tail goes out, then silence if configured. */
  final void sourceEnded(CaptureStage stage) {
    stage.end();
    ended.countDown();
    if (running && !stage.closed() && stages.options().streamSilenceAfterSourceEnds()) {
      long period = TimeUnit.MILLISECONDS.toNanos(stages.options().chunkMillis());
      try {
        silence = stages.resources().scheduler().scheduleAtFixedRate(() -> {
          if (running && !stage.closed()) {
            stage.sendSilence();
          } else {
            cancelSilence();
          }
        }, period, period, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("audio engine {}: the client is closing; no silence after the source ended",
            stages.id());
      }
      if (!running) {
        cancelSilence();
      }
    }
  }

  /** Capture failed: reported (unless the session was simply closing), then over. */
  final void failed(RuntimeException e) {
    if (e instanceof AudioException ae) {
      log.warn("audio engine {}: the source failed: {}", stages.id(), ae.getMessage());
      stages.audioError(ae);
    } else {
      log.warn("audio engine {}: capture failed", stages.id(), e);
      stages.audioError(new AudioException("capture failed: " + e, e));
    }
  }

  /** Capture is over for good: the source is released. Idempotent. */
  void finish() {
    ended.countDown();
    source.close();
  }

  private void cancelSilence() {
    ScheduledFuture<?> s = silence;
    if (s != null) {
      s.cancel(false);
    }
  }

  /** A blocking source, read by a capture thread of its own. */
  private static final class Threaded extends CaptureDriver {
    private Thread thread;

    Threaded(AudioSource source, AudioEngine.Stages stages) {
      super(source, stages);
    }

    @Override
    void start(PcmFormat format) {
      thread = new Thread(() -> run(format), "atoms-capture-" + stages.id());
      thread.setDaemon(true);
      thread.start();
    }

    private void run(PcmFormat format) {
      CaptureStage stage = open(format);
      if (stage == null) {
        return;
      }
      try {
        boolean atEnd = false;
        while (running && !stage.closed()) {
          if (stage.pull(source::read) < 0) {
            atEnd = true;
            break;
          }
        }
        if (atEnd && running) {
          sourceEnded(stage);
        }
      } catch (RuntimeException e) {
        if (running) {
          failed(e);
        }
      } finally {
        finish();
      }
    }

    @Override
    void stop() {
      super.stop();
      try {
        awaitTermination(TimeUnit.SECONDS.toNanos(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    void awaitTermination(long nanos) throws InterruptedException {
      Thread t = thread;
      if (t != null && t != Thread.currentThread()) {
        TimeUnit.NANOSECONDS.timedJoin(t, nanos);
      }
    }
  }

  /** A non-blocking source, run by whichever thread pushes. */
  private static final class Pumped extends CaptureDriver {
    private final NonBlockingAudioSource nb;
    private final SerialContext.Signal pump;
    private volatile CaptureStage stage;
    private volatile boolean over;

    Pumped(NonBlockingAudioSource source, AudioEngine.Stages stages) {
      super(source, stages);
      this.nb = source;
      this.pump = SerialContext.create(stages::stepFailed).newSignal(this::step);
    }

    @Override
    void start(PcmFormat format) {
      stage = open(format);
      if (stage != null) {
        nb.setAvailabilityListener(pump::raise);
        pump.raise(); // audio pushed before the session opened
      }
    }

    /** Sends every whole chunk the source holds now. One thread at a time (the pump). */
    private void step() {
      CaptureStage s = stage;
      if (s == null || over) {
        return;
      }
      try {
        while (running && !s.closed()) {
          int n = s.pull(nb::readAvailable);
          if (n == 0) {
            return;
          }
          if (n < 0) {
            if (running) {
              sourceEnded(s);
            }
            finish();
            return;
          }
        }
        finish(); // stopped, or the session closed
      } catch (RuntimeException e) {
        if (running) {
          failed(e);
        }
        finish();
      }
    }

    @Override
    void finish() {
      over = true;
      nb.setAvailabilityListener(null);
      super.finish();
    }
  }
}
