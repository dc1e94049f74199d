package dev.atomsrealtime.internal;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.NonBlockingAudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's audio: it builds the stages when the session's format is known, feeds them the
 * read thread's events, stops them, and sums their statistics. It holds no audio logic itself.
 *
 * <pre>
 * capture:  source -> CaptureDriver (thread | pump) -> CaptureStage (chunks, CaptureGate)
 *                  -> ChunkSender (codec, outbound queue)
 * playback: read thread -> PlaybackQueue (generation, stale gate) -> PlaybackWriter
 *                  (PlaybackThread | PlaybackPump; one write step) -> sink
 * </pre>
 *
 * <p>Turn latency comes from {@link TurnMetricsRecorder}, whose turns follow the session's
 * {@link AgentActivityTracker}. Thread-safe; see {@code sdk-core/CONCURRENCY.md}.
 */
final class AudioEngine implements SessionAudio {
  private static final Logger log = LoggerFactory.getLogger(AudioEngine.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final AudioEngineHost host;
  private final AudioSource source;
  private final AudioSink sink;
  private final AudioOptions options;
  private final Stages stages = new Stages();
  private final AudioCounters counters = new AudioCounters();
  private final TurnMetricsRecorder metrics;
  private final CaptureGate gate;
  private final AudioTaps taps;
  private final AtomicInteger startedRate = new AtomicInteger();
  private final AtomicBoolean captureStarted = new AtomicBoolean();
  private final CountDownLatch built = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile PcmFormat format;
  private volatile CaptureDriver capture;
  private volatile CaptureStage captureStage;
  private volatile PlaybackQueue queue;
  private volatile PlaybackWriter writer;

  AudioEngine(AudioEngineHost host, AudioSource source, AudioSink sink, AudioOptions options) {
    this.host = host;
    this.source = source;
    this.sink = sink;
    this.options = options;
    this.taps = new AudioTaps(options.taps(), host::audioError);
    this.metrics = new TurnMetricsRecorder(m -> {
      log.debug("audio engine {}: turn {} measured", id, m.turn());
      taps.turnMetrics(m);
      host.turnMetrics(m);
    });
    this.gate = new CaptureGate(options.duplex(), options.halfDuplexTailMillis(), host.activity(),
        host.resources().ticker());
  }

  /**
   * Builds the stages once the session's rate is known and starts playback (deltas may follow
   * {@code session.created} at once); later calls with the same rate do nothing. A reconnect that
   * negotiates another rate stops the audio (reported): the stages are built for one format.
   * Never blocks: a blocking source or sink is opened on its own thread. Capture starts only with
   * {@link #startCapture()}, once the session is open, so that audio pushed before is sent, not
   * dropped as "not open".
   */
  void start(int sampleRateHz) {
    if (stopped) {
      return;
    }
    if (!startedRate.compareAndSet(0, sampleRateHz)) {
      int previous = startedRate.get();
      if (previous != sampleRateHz) {
        log.warn("audio engine {}: the new session negotiated {} Hz instead of {} Hz; audio"
            + " stops", id, sampleRateHz, previous);
        host.audioError(new AudioException("the reconnected session negotiated " + sampleRateHz
            + " Hz instead of " + previous + " Hz; attach audio again"));
        host.resources().blocking().execute(() -> stop(false));
      }
      return;
    }
    PcmFormat fmt = PcmFormat.pcm16Mono(sampleRateHz);
    format = fmt;
    taps.started(fmt, host.clock());
    if (sink != null) {
      queue = new PlaybackQueue(id, fmt.bytesForMillis(options.playbackQueueMillis()),
          options.staleDeltaTimeout().toNanos(), host.resources().ticker(), counters);
      writer = PlaybackWriter.forSink(sink, stages, queue, fmt);
    }
    if (source != null) {
      capture = source instanceof NonBlockingAudioSource nb
          ? CaptureDriver.pumped(nb, stages) : CaptureDriver.threaded(source, stages);
    }
    log.info("audio engine {} started at {} ({} ms chunks, {} duplex; capture {}, playback {})",
        id, fmt, options.chunkMillis(), options.duplex(),
        source == null ? "none" : capture.getClass().getSimpleName(),
        writer == null ? "none" : writer.getClass().getSimpleName());
    built.countDown();
    if (writer != null) {
      writer.start();
    }
  }

  /** The session is open: capture starts (once), in the format {@link #start} fixed. */
  void startCapture() {
    CaptureDriver c = capture;
    PcmFormat fmt = format;
    if (c != null && fmt != null && !stopped && captureStarted.compareAndSet(false, true)) {
      c.start(fmt);
    }
  }

  /**
   * Read thread: the audio side of a server event. Never blocks on the stages. False for a delta
   * dropped as stale (nobody hears it, so the session withholds it from the listener too).
   */
  boolean onServerEvent(ServerEvent event) {
    if (!(event instanceof OutputAudioDeltaEvent)) {
      taps.serverEvent(event, host.resources().ticker().nanoTime());
    }
    PlaybackQueue q = queue;
    PlaybackWriter w = writer;
    if (q == null || w == null) {
      return true;
    }
    if (event instanceof OutputAudioDeltaEvent delta) {
      int offered = q.offer(delta);
      if (offered == PlaybackQueue.QUEUED) {
        metrics.deltaReceived(host.resources().ticker().nanoTime());
        w.markBusy();
        w.wake();
      }
      return offered != PlaybackQueue.STALE;
    } else if (event instanceof AgentStartTalkingEvent) {
      q.replyStarted();
    } else if (event instanceof InterruptionEvent) {
      bargeIn(q, w, true);
    }
    return true;
  }

  /** Empty the queue, flush the sink, gate stale deltas: barge-in, on the read thread. */
  private void bargeIn(PlaybackQueue q, PlaybackWriter w, boolean gateStale) {
    Ticker ticker = host.resources().ticker();
    long t0 = ticker.nanoTime();
    q.interrupt(gateStale);
    w.interrupted();
    long silent = ticker.nanoTime();
    metrics.interruptionSilenced(silent - t0);
    taps.agentAudioCut(silent);
  }

  /** The connection was lost: the old session's agent audio is discarded (as interrupted). */
  void onConnectionLost() {
    PlaybackQueue q = queue;
    PlaybackWriter w = writer;
    if (q != null && w != null) {
      bargeIn(q, w, false);
    }
  }

  /** The session's context: agent activity changed; a turn starts or ends with it. */
  void activityChanged(AgentActivity to, long now, AgentActivityTracker.Reason reason) {
    if (to == AgentActivity.AGENT_SPEAKING) {
      metrics.turnStarted(now, reason == AgentActivityTracker.Reason.AGENT_STARTED);
    } else {
      metrics.turnEnded(reason == AgentActivityTracker.Reason.CUT_OFF);
    }
  }

  /** The session's context: a new reply started while the previous one was still heard. */
  void replyRestarted(long now) {
    metrics.turnEnded(false);
    metrics.turnStarted(now, true);
  }

  /** The session ended: the turn in progress is over (reported before {@code onClosed}). */
  void endTurns() {
    metrics.turnEnded(false);
  }

  /** Whether all agent audio received so far has been played. */
  boolean isPlaybackIdle() {
    PlaybackWriter w = writer;
    return w == null || w.idle();
  }

  /**
   * Stops capture at once and playback (after the queued audio, with {@code drainQueued}), and
   * releases the source and sink. May block: closing a device; runs on the blocking pool.
   */
  void stop(boolean drainQueued) {
    if (stopped) {
      return;
    }
    stopped = true;
    built.countDown();
    CaptureDriver c = capture;
    if (c != null) {
      c.stop();
    } else if (source != null) {
      source.close();
    }
    PlaybackWriter w = writer;
    if (w != null) {
      w.stop(drainQueued); // the taps hear the end when the writer lets the sink go
      return;
    } else if (sink != null && queue == null) {
      sink.close();
    }
    taps.stopped(host.resources().ticker().nanoTime());
  }

  // -----------------------------------------------------------------------------------------------
  // SessionAudio

  @Override
  public void mute() {
    gate.mute(true);
  }

  @Override
  public void unmute() {
    gate.mute(false);
  }

  @Override
  public boolean isMuted() {
    return gate.isMuted();
  }

  @Override
  public boolean isGatedByPlayback() {
    return gate.gatedByPlayback();
  }

  @Override
  public double micLevelDbfs() {
    CaptureStage s = captureStage;
    return s == null ? -120.0 : s.micLevelDbfs();
  }

  @Override
  public PcmFormat sessionFormat() {
    return format;
  }

  @Override
  public AudioStats stats() {
    PlaybackQueue q = queue;
    return counters.snapshot(format, q == null ? 0 : q.queuedBytes());
  }

  @Override
  public long framesPlayed() {
    PlaybackWriter w = writer;
    return w == null ? 0 : w.framesPlayed();
  }

  @Override
  public boolean awaitPlaybackIdle(Duration timeout) throws InterruptedException {
    PlaybackWriter w = writer;
    return w == null || w.awaitIdle(timeout.toNanos());
  }

  @Override
  public boolean awaitSourceEnded(Duration timeout) throws InterruptedException {
    if (source == null) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // Before the session opened, the stages do not exist yet: nothing can have ended.
    if (!built.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    CaptureDriver c = capture;
    return c == null || c.awaitEnded(Math.max(0, deadline - System.nanoTime()));
  }

  /**
   * Stops (if the session has not already) and waits, bounded, for the capture and playback
   * threads to finish: after a graceful end, that is the queued reply playing out.
   */
  @Override
  public void close() {
    stop(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      CaptureDriver c = capture;
      if (c != null) {
        c.awaitTermination(Math.max(0, deadline - System.nanoTime()));
      }
      PlaybackWriter w = writer;
      if (w != null) {
        w.awaitTermination(Math.max(0, deadline - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "AudioEngine[" + id + ", " + format + "]";
  }

  /** What the stages share: the engine's settings, counters and reporting. */
  final class Stages {
    long id() {
      return id;
    }

    AudioOptions options() {
      return options;
    }

    AudioClock clock() {
      return host.clock();
    }

    Ticker ticker() {
      return host.resources().ticker();
    }

    ClientResources resources() {
      return host.resources();
    }

    AudioCounters counters() {
      return counters;
    }

    /** The taps; the writer tells them the audio stopped when it lets the sink go. */
    AudioTaps taps() {
      return taps;
    }

    TurnMetricsRecorder metrics() {
      return metrics;
    }

    void audioError(AudioException error) {
      host.audioError(error);
    }

    /** A pump's step failed with an Error: reported as an audio failure. */
    void stepFailed(Thread thread, Throwable error) {
      log.error("audio engine {}: an audio step failed", id, error);
      host.audioError(new AudioException("audio failed: " + error, error));
    }

    void playbackChanged() {
      host.playbackChanged(AudioEngine.this);
    }

    CaptureStage captureStage(PcmFormat session, PcmFormat delivered) {
      CaptureStage stage = new CaptureStage(session, delivered, options, gate, host.chunks(),
          counters, host.turnMetricsWanted() || !taps.isEmpty() ? metrics : null, taps,
          host.resources().ticker());
      captureStage = stage;
      return stage;
    }
  }
}
