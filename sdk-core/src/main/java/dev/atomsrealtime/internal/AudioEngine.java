package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.Duplex;
import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.NonBlockingAudioSource;
import dev.atomsrealtime.audio.PcmConverter;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.VoiceActivityDetector;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's audio engine: capture cuts the source into fixed chunks and sends them; playback
 * drains a bounded queue of agent audio into the sink; barge-in empties the queue and flushes the
 * sink at once, then drops stale deltas until the next start-talking event.
 *
 * <p>Threads. A blocking source (a microphone, a paced file) gets a capture thread {@code
 * atoms-capture-N}; a {@link NonBlockingAudioSource} gets none: each push runs the capture step on
 * the pushing thread. A blocking sink gets a playback thread {@code atoms-playback-N}; a {@link
 * NonBlockingAudioSink} in the session's format gets none: agent audio is written on the read
 * thread as it arrives, and what did not fit is written on the thread that reads from the sink.
 * Inbound hooks ({@link #onDelta}, {@link #onAgentStartTalking}, {@link #onInterruption}, ...) run
 * on the transport's read thread and never block. The queue is guarded by {@link #queueLock};
 * {@link #writeLock} makes "check the generation, then write" atomic with respect to an
 * interruption, so no audio of an interrupted reply is written after it was processed.
 */
public final class AudioEngine implements SessionAudio {
  private static final Logger log = LoggerFactory.getLogger(AudioEngine.class);
  private static final AtomicLong IDS = new AtomicLong();
  /** Largest piece written to the sink at once, so an interruption waits at most this long. */
  private static final int PIECE_MILLIS = 10;

  /** What the engine needs from its session. */
  public interface Host {
    /** Sends one chunk of PCM16 mono; throws IllegalStateException once the session closed. */
    void sendAudio(byte[] pcm, int offset, int length);

    void turnMetrics(TurnMetrics metrics);

    void audioError(AudioException error);

    /** The client's clock, scheduler and blocking pool. */
    ClientResources resources();
  }

  private final long id = IDS.incrementAndGet();
  private final Host host;
  private final AudioSource source;
  private final AudioSink sink;
  private final AudioOptions options;
  private final LatencyTracker latency = new LatencyTracker();
  private final dev.atomsrealtime.Ticker ticker;

  private volatile PcmFormat format;
  private volatile boolean running;
  // After a normal end: playback finishes the queued audio (until the deadline), capture stops.
  private volatile boolean draining;
  private volatile long drainDeadlineNanos;
  private volatile boolean stopped;
  private volatile boolean muted;
  private volatile boolean gated;
  private volatile double micLevelDbfs = -120.0;
  private Thread captureThread;
  private Thread playbackThread;

  // A non-blocking source, driven by its pushes (no capture thread). Set once in start().
  private volatile NonBlockingAudioSource directSource;
  private volatile Capture capture; // used by one pump at a time
  private final dev.atomsrealtime.transport.SerialContext.Signal capturePump =
      dev.atomsrealtime.transport.SerialContext.create(this::stepFailed)
          .newSignal(this::drainSource);
  private volatile boolean captureFinished;
  private volatile ScheduledFuture<?> silenceTask;

  // A non-blocking sink, written on arrival and on its reader's reads (no playback thread).
  private volatile NonBlockingAudioSink directSink;
  private byte[] directPiece; // guarded by writeLock
  private final dev.atomsrealtime.transport.SerialContext.Signal playbackPump =
      dev.atomsrealtime.transport.SerialContext.create(this::stepFailed)
          .newSignal(this::drainQueue);
  private final AtomicBoolean sinkReleased = new AtomicBoolean();
  private volatile ScheduledFuture<?> drainDeadlineTask;
  private final CountDownLatch sourceEnded = new CountDownLatch(1);

  // Agent audio queue. Guarded by queueLock.
  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition queueChanged = queueLock.newCondition();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long queueCapacityBytes;
  private boolean writing; // the playback thread holds a chunk it has not finished writing
  private int inFlightBytes; // size of that chunk

  // Generation of agent audio: bumped by every interruption. Written on the read thread.
  private volatile long generation;
  private final Object writeLock = new Object();

  // Read thread only.
  private int carry = -1; // the odd byte left over from the previous delta, or -1
  private boolean staleGate;
  private long staleSinceNanos;
  // Set on the read thread, read by the capture thread (half duplex).
  private volatile boolean agentTalking;
  private volatile long lastPlaybackBusyNanos;

  // Frames handed to the sink, in the sink's own format. Playback thread writes.
  private final AtomicLong sinkFramesWritten = new AtomicLong();
  private volatile long sinkFramesPerSessionFrameNum = 1;
  private volatile long sinkFramesPerSessionFrameDen = 1;

  private final AtomicLong chunksSent = new AtomicLong();
  private final AtomicLong silentChunksSent = new AtomicLong();
  private final AtomicLong deltasReceived = new AtomicLong();
  private final AtomicLong deltaBytesPlayed = new AtomicLong();
  private final AtomicLong staleDeltasDropped = new AtomicLong();
  private final AtomicLong bytesDiscardedByInterruption = new AtomicLong();
  private final AtomicLong bytesDroppedQueueFull = new AtomicLong();

  public AudioEngine(Host host, AudioSource source, AudioSink sink, AudioOptions options) {
    this.host = host;
    this.source = source;
    this.sink = sink;
    this.options = options;
    this.ticker = host.resources().ticker();
  }

  /** Read thread: the audio side of a server event (see the on* hooks). */
  public void onServerEvent(dev.atomsrealtime.event.ServerEvent event) {
    if (event instanceof OutputAudioDeltaEvent delta) {
      onDelta(delta);
    } else if (event instanceof dev.atomsrealtime.event.AgentStartTalkingEvent) {
      onAgentStartTalking();
    } else if (event instanceof dev.atomsrealtime.event.AgentStopTalkingEvent) {
      onAgentStopTalking();
    } else if (event instanceof dev.atomsrealtime.event.InterruptionEvent) {
      onInterruption();
    }
  }

  /**
   * Starts capture and playback once the negotiated rate is known. Called once (later calls with
   * the same rate do nothing). A {@link NonBlockingAudioSource} or {@link NonBlockingAudioSink} is
   * opened here and driven without a thread; other sources and sinks get a thread each, which
   * opens them.
   */
  public void start(int sampleRateHz) {
    boolean pumpSource;
    int previousRate;
    // Reported after the monitor is released: the host's callbacks take the session's lock, which
    // a closing session holds while it stops this engine.
    List<AudioException> failures = new ArrayList<>(0);
    synchronized (this) {
      previousRate = running && format != null ? format.sampleRateHz() : sampleRateHz;
      if (previousRate == sampleRateHz && (running || stopped)) {
        return;
      }
      pumpSource = false;
      if (previousRate == sampleRateHz) {
        format = PcmFormat.pcm16Mono(sampleRateHz);
        queueCapacityBytes = format.bytesForMillis(options.playbackQueueMillis());
        running = true;
        pumpSource = source != null && startCapture(failures);
        if (source == null) {
          sourceEnded.countDown();
        }
        if (sink != null) {
          startPlayback(failures);
        }
        log.info("audio engine {} started at {} ({} ms chunks, {} duplex; capture {}, playback {})",
            id, format, options.chunkMillis(), options.duplex(),
            source == null ? "none" : directSource != null ? "on the pushing thread" : "thread",
            sink == null ? "none" : directSink != null ? "on arrival" : "thread");
      }
    }
    if (previousRate != sampleRateHz) {
      log.warn("audio engine {}: the new session negotiated {} Hz instead of {} Hz; audio stops",
          id, sampleRateHz, previousRate);
      host.audioError(new AudioException("the reconnected session negotiated " + sampleRateHz
          + " Hz instead of " + previousRate + " Hz; attach audio again"));
      stop();
      return;
    }
    failures.forEach(host::audioError);
    if (pumpSource) {
      pumpCapture(); // audio pushed before the session opened
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Capture

  /**
   * Must hold this. Returns true for a source driven by its pushes (then pump once, unlocked).
   * A failure to open is added to {@code failures}.
   */
  private boolean startCapture(List<AudioException> failures) {
    if (source instanceof NonBlockingAudioSource nb) {
      Capture c = openCapture(failures::add);
      if (c == null) {
        return false;
      }
      capture = c;
      directSource = nb;
      nb.setAvailabilityListener(this::pumpCapture);
      return true;
    }
    captureThread = new Thread(this::captureLoop, "atoms-capture-" + id);
    captureThread.setDaemon(true);
    captureThread.start();
    return false;
  }

  /**
   * Opens the source and prepares chunking (and conversion, when the source's format differs);
   * null if the source failed (given to {@code report}), after which capture is over.
   */
  private Capture openCapture(Consumer<AudioException> report) {
    try {
      PcmFormat opened = source.open(format);
      return new Capture(format, opened);
    } catch (AudioException e) {
      log.warn("audio engine {}: the source failed: {}", id, e.getMessage());
      report.accept(e);
    } catch (RuntimeException e) {
      log.warn("audio engine {}: the source failed to open", id, e);
      report.accept(new AudioException("the source failed to open: " + e, e));
    }
    finishCapture();
    return null;
  }

  private void captureLoop() {
    Capture c = openCapture(host::audioError);
    if (c == null) {
      return;
    }
    try {
      boolean ended = false;
      while (running) {
        if (c.pull(source::read) < 0) {
          ended = true;
          break;
        }
      }
      if (ended && running) {
        c.end();
      }
      sourceEnded.countDown();
      if (running && options.streamSilenceAfterSourceEnds()) {
        scheduleSilence(c.silence);
      }
    } catch (RuntimeException e) {
      captureFailed(e);
    } finally {
      finishCapture();
    }
  }

  /**
   * Runs the capture step for a non-blocking source on the calling thread; while one thread runs
   * it, calls from others only make it go round once more, so pushes never wait for each other.
   */
  private void pumpCapture() {
    capturePump.raise();
  }

  /** Sends every whole chunk the source holds now. Runs on one thread at a time (the pump). */
  private void drainSource() {
    Capture c = capture;
    if (c == null || captureFinished) {
      return;
    }
    try {
      while (running) {
        int n = c.pull(directSource::readAvailable);
        if (n == 0) {
          return;
        }
        if (n < 0) {
          c.end();
          if (running && options.streamSilenceAfterSourceEnds()) {
            scheduleSilence(c.silence);
          }
          finishCapture();
          return;
        }
      }
      finishCapture(); // stopped
    } catch (RuntimeException e) {
      captureFailed(e);
      finishCapture();
    }
  }

  private void captureFailed(RuntimeException e) {
    if (e instanceof AudioException ae) {
      log.warn("audio engine {}: the source failed: {}", id, ae.getMessage());
      host.audioError(ae);
    } else if (e instanceof IllegalStateException) {
      log.debug("audio engine {}: session closed; capture stops", id);
    } else {
      log.warn("audio engine {}: capture failed", id, e);
      host.audioError(new AudioException("capture failed: " + e, e));
    }
  }

  /** Capture is over for good: the source is released. Idempotent. */
  private void finishCapture() {
    captureFinished = true;
    capture = null;
    sourceEnded.countDown();
    if (directSource != null) {
      directSource.setAvailabilityListener(null);
    }
    source.close();
  }

  /** Silence after the source ended, one chunk per period on the client's scheduler. */
  private void scheduleSilence(byte[] silence) {
    long period = TimeUnit.MILLISECONDS.toNanos(options.chunkMillis());
    try {
      silenceTask = host.resources().scheduler().scheduleAtFixedRate(() -> {
        if (!running) {
          cancelSilence();
          return;
        }
        try {
          host.sendAudio(silence, 0, silence.length);
          chunksSent.incrementAndGet();
          silentChunksSent.incrementAndGet();
        } catch (IllegalStateException e) {
          cancelSilence();
        }
      }, period, period, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("audio engine {}: client closing; no silence after the source ended", id);
    }
    if (!running) {
      cancelSilence();
    }
  }

  private void cancelSilence() {
    ScheduledFuture<?> t = silenceTask;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** {@link AudioSource#read} or {@link NonBlockingAudioSource#readAvailable}. */
  private interface Reader {
    int read(byte[] buffer, int offset, int length);
  }

  /**
   * Cuts captured audio into fixed chunks of the session's format, converting first when the
   * source delivers another format, and sends each whole chunk. Used by one thread at a time.
   */
  private final class Capture {
    final int chunkBytes;
    final byte[] chunk;
    final byte[] silence;
    final PcmConverter converter;
    final byte[] readBuffer; // only when converting: the source's format, before conversion
    int filled;

    Capture(PcmFormat fmt, PcmFormat opened) {
      converter = opened.equals(fmt) ? null : PcmConverter.create(opened, fmt);
      if (converter != null) {
        log.info("audio engine {}: source delivers {}, converting to {}", id, opened, fmt);
      }
      chunkBytes = fmt.bytesForMillis(options.chunkMillis());
      chunk = new byte[chunkBytes];
      silence = new byte[chunkBytes];
      readBuffer = converter == null ? null
          : new byte[Math.max(opened.bytesPerFrame(), (int) opened.bytesForFrames(
              opened.framesForMillis(options.chunkMillis())))];
    }

    /**
     * Reads once from the source, straight into the chunk when no conversion is needed, and
     * sends every chunk the read completes.
     *
     * @return what the read returned: bytes, 0 (nothing available), or -1 (the end)
     */
    int pull(Reader reader) {
      if (converter == null) {
        int n = reader.read(chunk, filled, chunkBytes - filled);
        if (n > 0) {
          filled += n;
          if (filled == chunkBytes) {
            filled = 0;
            sendChunk(chunk, silence);
          }
        }
        return n;
      }
      int n = reader.read(readBuffer, 0, readBuffer.length);
      if (n > 0) {
        int out = converter.convert(readBuffer, 0, n);
        add(converter.outputArray(), converter.outputOffset(), out);
      }
      return n;
    }

    /** The source ended: sends what is left, padded with silence to a whole chunk. */
    void end() {
      if (converter != null) {
        int tail = converter.finish();
        add(converter.outputArray(), converter.outputOffset(), tail);
      }
      if (filled > 0) {
        java.util.Arrays.fill(chunk, filled, chunkBytes, (byte) 0);
        filled = 0;
        sendChunk(chunk, silence);
      }
    }

    private void add(byte[] data, int offset, int n) {
      while (n > 0) {
        int take = Math.min(n, chunkBytes - filled);
        System.arraycopy(data, offset, chunk, filled, take);
        filled += take;
        offset += take;
        n -= take;
        if (filled == chunkBytes) {
          filled = 0;
          sendChunk(chunk, silence);
        }
      }
    }
  }

  private void sendChunk(byte[] chunk, byte[] silence) {
    double level = VoiceActivityDetector.rmsDbfs(chunk, 0, chunk.length);
    micLevelDbfs = level;
    boolean voiced = level >= options.voiceThresholdDbfs();
    boolean gate = updateHalfDuplexGate();
    if (muted || gate) {
      host.sendAudio(silence, 0, silence.length);
      silentChunksSent.incrementAndGet();
    } else {
      host.sendAudio(chunk, 0, chunk.length);
      if (voiced) {
        latency.voicedChunkSent(ticker.nanoTime());
      }
    }
    chunksSent.incrementAndGet();
  }

  private boolean updateHalfDuplexGate() {
    if (options.duplex() != Duplex.HALF) {
      return false;
    }
    long now = ticker.nanoTime();
    boolean busy = agentTalking || queuedBytesNow() > 0 || unplayedFrames() > 0;
    if (busy) {
      lastPlaybackBusyNanos = now;
      gated = true;
    } else {
      gated = now - lastPlaybackBusyNanos
          < TimeUnit.MILLISECONDS.toNanos(options.halfDuplexTailMillis());
    }
    return gated;
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound hooks (transport read thread)

  /** {@code agent_start_talking}: a new reply; stale-delta gating ends. */
  public void onAgentStartTalking() {
    staleGate = false;
    carry = -1;
    agentTalking = true;
    if (options.duplex() == Duplex.HALF) {
      lastPlaybackBusyNanos = ticker.nanoTime();
      gated = true;
    }
    latency.agentStart(ticker.nanoTime());
  }

  /** {@code agent_stop_talking}: the reply was sent (it may still be playing). */
  public void onAgentStopTalking() {
    agentTalking = false;
    latency.agentStop(ticker.nanoTime(), isPlaybackIdle());
    emitReadyMetrics();
  }

  /** {@code output_audio.delta}: queue for playback, unless stale. */
  public void onDelta(OutputAudioDeltaEvent delta) {
    if (sink == null || !running) {
      return;
    }
    deltasReceived.incrementAndGet();
    long now = ticker.nanoTime();
    if (staleGate) {
      if (now - staleSinceNanos < options.staleDeltaTimeout().toNanos()) {
        staleDeltasDropped.incrementAndGet();
        return;
      }
      log.debug("audio engine {}: no start-talking event {} ms after an interruption; playing"
          + " deltas again", id, options.staleDeltaTimeout().toMillis());
      staleGate = false;
      carry = -1;
    }
    latency.firstDelta(now);
    // Play the delta's own bytes (no copy); only a sample split across two deltas is joined in
    // a two-byte array.
    int length = delta.audioBytes();
    int start = 0;
    if (carry >= 0) {
      if (length == 0) {
        return;
      }
      byte[] joined = {(byte) carry, delta.audioByte(0)};
      carry = -1;
      enqueue(new Chunk(null, joined, 0, 2, generation));
      start = 1;
    }
    int even = (length - start) & ~1;
    if (even > 0) {
      enqueue(new Chunk(delta, null, start, even, generation));
    }
    if (start + even < length) {
      carry = delta.audioByte(length - 1) & 0xff;
    }
    if (directSink != null) {
      pumpPlayback();
    }
  }

  /** {@code interruption}: empty the queue and silence the sink now; gate stale deltas. */
  public void onInterruption() {
    long t0 = ticker.nanoTime();
    staleGate = true;
    staleSinceNanos = t0;
    carry = -1;
    agentTalking = false;
    if (sink == null || !running) {
      latency.interrupted(t0, 0);
      emitReadyMetrics();
      return;
    }
    generation++;
    queueLock.lock();
    try {
      bytesDiscardedByInterruption.addAndGet(queuedBytes);
      queue.clear();
      queuedBytes = 0;
      queueChanged.signalAll();
    } finally {
      queueLock.unlock();
    }
    // Unblock a write in progress at once, then wait for the writer to leave it and flush again,
    // so nothing of the interrupted reply is written after this point.
    try {
      sink.flush();
      synchronized (writeLock) {
        sink.flush();
        // Whatever the sink had not played is gone now: count from what it really played.
        try {
          sinkFramesWritten.set(sink.framesPlayed());
        } catch (RuntimeException e) {
          log.debug("audio engine {}: sink position unavailable after flush", id);
        }
      }
    } catch (RuntimeException e) {
      playbackFailed(e);
    }
    long silentNanos = ticker.nanoTime() - t0;
    latency.interrupted(t0, silentNanos);
    emitReadyMetrics();
  }

  /**
   * The connection was lost and a new session will start: agent audio of the old session is
   * discarded now (counted as discarded by interruption) and the sink silenced.
   */
  public void onConnectionLost() {
    onInterruption();
    staleGate = false;
  }

  // ---------------------------------------------------------------------------------------------
  // Playback

  private void enqueue(Chunk chunk) {
    queueLock.lock();
    try {
      while (queuedBytes + chunk.length > queueCapacityBytes && !queue.isEmpty()) {
        Chunk oldest = queue.poll();
        int lost = oldest.remaining();
        queuedBytes -= lost;
        long dropped = bytesDroppedQueueFull.addAndGet(lost);
        if (dropped == lost) {
          log.warn("audio engine {}: playback queue full ({} ms); dropping the oldest agent audio",
              id, options.playbackQueueMillis());
        }
      }
      queue.add(chunk);
      queuedBytes += chunk.length;
      queueChanged.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  /** Must hold this. A failure to open is added to {@code failures}. */
  private void startPlayback(List<AudioException> failures) {
    if (sink instanceof NonBlockingAudioSink nb) {
      PcmFormat opened;
      try {
        opened = sink.open(format);
      } catch (RuntimeException e) {
        failures.add(sinkFailure(e));
        finishPlayback();
        return;
      }
      if (opened.equals(format)) {
        directSink = nb;
        directPiece = new byte[Math.max(2, format.bytesForMillis(PIECE_MILLIS))];
        nb.setSpaceListener(this::pumpPlayback);
        return;
      }
      // Conversion keeps history across writes, so it stays on a thread of its own.
      startPlaybackThread(opened);
      return;
    }
    startPlaybackThread(null);
  }

  private void startPlaybackThread(PcmFormat alreadyOpened) {
    playbackThread = new Thread(() -> playbackLoop(alreadyOpened), "atoms-playback-" + id);
    playbackThread.setDaemon(true);
    playbackThread.start();
  }

  /**
   * Writes queued agent audio into a non-blocking sink on the calling thread (the read thread when
   * a delta arrives, the application's thread when it read from the sink); while one thread runs
   * it, calls from others only make it go round once more.
   */
  private void pumpPlayback() {
    playbackPump.raise();
  }

  /** Moves queued audio into the non-blocking sink until the queue is empty or the sink full. */
  private void drainQueue() {
    boolean idle = false;
    try {
      synchronized (writeLock) {
        if (sinkReleased.get()) {
          return;
        }
        while (playing()) {
          Chunk c;
          queueLock.lock();
          try {
            c = queue.peek();
            if (c == null) {
              idle = true;
              queueChanged.signalAll(); // wake awaitPlaybackIdle
            }
          } finally {
            queueLock.unlock();
          }
          if (c == null) {
            break;
          }
          int len = Math.min(directPiece.length, c.length - c.played);
          int taken;
          if (c.generation != generation) {
            taken = len; // interrupted: the interruption is clearing the queue
          } else {
            c.copy(c.played, directPiece, len);
            taken = directSink.writeAvailable(directPiece, 0, len);
            if (taken > 0 && c.generation != generation) {
              // An interruption arrived during the write; its flush (which waits for this
              // lock) discards the piece.
              bytesDiscardedByInterruption.addAndGet(taken);
            } else if (taken > 0) {
              if (c.played == 0) {
                latency.firstPlayed(ticker.nanoTime(), c.generation);
              }
              sinkFramesWritten.addAndGet(taken / 2);
              deltaBytesPlayed.addAndGet(taken);
            }
          }
          queueLock.lock();
          try {
            if (queue.peek() == c) {
              c.played += taken;
              queuedBytes -= taken;
              if (c.played == c.length) {
                queue.poll();
              }
            }
          } finally {
            queueLock.unlock();
          }
          if (taken < len) {
            break; // the sink is full; its reader's next read calls back
          }
        }
      }
      if (idle) {
        latency.playbackIdle();
        emitReadyMetrics();
      }
      if (!running) {
        finishPlaybackIfDrained();
      }
    } catch (RuntimeException e) {
      playbackFailed(e);
      finishPlayback();
    }
  }

  /** After a graceful stop: releases the sink once its reader took everything, or at the deadline. */
  private void finishPlaybackIfDrained() {
    boolean empty;
    queueLock.lock();
    try {
      empty = queue.isEmpty();
    } finally {
      queueLock.unlock();
    }
    if (!playing() || empty && unplayedFrames() == 0) {
      finishPlayback();
    }
  }

  /** Playback is over for good: the sink is released. Idempotent. */
  private void finishPlayback() {
    if (!sinkReleased.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> deadline = drainDeadlineTask;
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (directSink != null) {
      directSink.setSpaceListener(null);
    }
    queueLock.lock();
    try {
      queue.clear();
      queuedBytes = 0;
      queueChanged.signalAll();
    } finally {
      queueLock.unlock();
    }
    sink.close();
  }

  /** A capture or playback step failed with an Error: reported as an audio failure. */
  private void stepFailed(Thread thread, Throwable error) {
    log.error("audio engine {}: an audio step failed", id, error);
    host.audioError(new AudioException("audio failed: " + error, error));
  }

  private void playbackFailed(RuntimeException e) {
    host.audioError(sinkFailure(e));
  }

  /** Logs a sink failure and returns it as the AudioException to report. */
  private AudioException sinkFailure(RuntimeException e) {
    if (e instanceof AudioException ae) {
      log.warn("audio engine {}: the sink failed: {}", id, ae.getMessage());
      return ae;
    }
    log.warn("audio engine {}: playback failed", id, e);
    return new AudioException("playback failed: " + e, e);
  }

  private void playbackLoop(PcmFormat alreadyOpened) {
    PcmFormat fmt = format;
    try {
      PcmFormat opened = alreadyOpened != null ? alreadyOpened : sink.open(fmt);
      PcmConverter converter = opened.equals(fmt) ? null : PcmConverter.create(fmt, opened);
      if (converter != null) {
        log.info("audio engine {}: sink accepts {}, converting from {}", id, opened, fmt);
        sinkFramesPerSessionFrameNum = opened.sampleRateHz();
        sinkFramesPerSessionFrameDen = fmt.sampleRateHz();
      }
      int pieceBytes = Math.max(2, fmt.bytesForMillis(PIECE_MILLIS));
      byte[] piece = new byte[pieceBytes];
      long lastGeneration = 0;
      while (playing()) {
        Chunk chunk = take();
        if (chunk == null) {
          break;
        }
        if (chunk.generation != lastGeneration) {
          // A new reply after an interruption: no resampler history from the old one.
          lastGeneration = chunk.generation;
          if (converter != null) {
            converter.reset();
          }
        }
        int off = 0;
        boolean first = true;
        while (off < chunk.length && playing()) {
          int len = Math.min(pieceBytes, chunk.length - off);
          synchronized (writeLock) {
            if (chunk.generation != generation) {
              bytesDiscardedByInterruption.addAndGet(chunk.length - off);
              break;
            }
            chunk.copy(off, piece, len);
            if (converter == null) {
              sink.write(piece, 0, len);
              sinkFramesWritten.addAndGet(len / 2);
            } else {
              int n = converter.convert(piece, 0, len);
              if (n > 0) {
                sink.write(converter.outputArray(), converter.outputOffset(), n);
                sinkFramesWritten.addAndGet(n / opened.bytesPerFrame());
              }
            }
          }
          if (chunk.generation != generation) {
            // An interruption flushed the sink while this piece was being written: the sink
            // discarded it (a sink that cannot take audio back had already stored it).
            bytesDiscardedByInterruption.addAndGet(chunk.length - off);
            break;
          }
          if (first) {
            latency.firstPlayed(ticker.nanoTime(), chunk.generation);
            first = false;
          }
          deltaBytesPlayed.addAndGet(len);
          off += len;
        }
        finishedWriting();
      }
      if (draining && ticker.nanoTime() < drainDeadlineNanos) {
        // A graceful end: let the device play out what it holds before it is closed.
        sink.drain();
      }
    } catch (RuntimeException e) {
      playbackFailed(e);
    } finally {
      queueLock.lock();
      try {
        writing = false;
        queueChanged.signalAll();
      } finally {
        queueLock.unlock();
      }
      sinkReleased.set(true);
      sink.close();
    }
  }

  private boolean playing() {
    return running || draining && ticker.nanoTime() < drainDeadlineNanos;
  }

  private Chunk take() {
    queueLock.lock();
    try {
      writing = false;
      while (running && queue.isEmpty()) {
        queueChanged.signalAll(); // wake awaitPlaybackIdle
        emitReadyMetricsLater = true;
        queueChanged.awaitUninterruptibly();
      }
      if (!playing() || queue.isEmpty()) {
        return null;
      }
      Chunk c = queue.poll();
      queuedBytes -= c.length;
      writing = true;
      inFlightBytes = c.length;
      return c;
    } finally {
      queueLock.unlock();
      if (emitReadyMetricsLater) {
        emitReadyMetricsLater = false;
        latency.playbackIdle();
        emitReadyMetrics();
      }
    }
  }

  // Playback thread only: metrics are emitted outside the queue lock.
  private boolean emitReadyMetricsLater;

  private void finishedWriting() {
    queueLock.lock();
    try {
      writing = false;
      queueChanged.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  private long queuedBytesNow() {
    queueLock.lock();
    try {
      return queuedBytes + (writing ? 1 : 0);
    } finally {
      queueLock.unlock();
    }
  }

  /** Frames given to the sink that it has not played yet (in the sink's format). */
  private long unplayedFrames() {
    if (sink == null || format == null) {
      return 0;
    }
    try {
      return Math.max(0, sinkFramesWritten.get() - sink.framesPlayed());
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private boolean isPlaybackIdle() {
    return queuedBytesNow() == 0 && unplayedFrames() == 0;
  }

  private void emitReadyMetrics() {
    TurnMetrics m;
    while ((m = latency.poll()) != null) {
      host.turnMetrics(m);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // SessionAudio

  @Override
  public void mute() {
    muted = true;
  }

  @Override
  public void unmute() {
    muted = false;
  }

  @Override
  public boolean isMuted() {
    return muted;
  }

  @Override
  public boolean isGatedByPlayback() {
    return gated;
  }

  @Override
  public double micLevelDbfs() {
    return micLevelDbfs;
  }

  @Override
  public PcmFormat sessionFormat() {
    return format;
  }

  @Override
  public AudioStats stats() {
    long queued;
    queueLock.lock();
    try {
      queued = queuedBytes;
    } finally {
      queueLock.unlock();
    }
    PcmFormat fmt = format;
    return new AudioStats(
        chunksSent.get(),
        silentChunksSent.get(),
        deltasReceived.get(),
        deltaBytesPlayed.get(),
        staleDeltasDropped.get(),
        bytesDiscardedByInterruption.get(),
        bytesDroppedQueueFull.get(),
        fmt == null ? 0 : fmt.millisForBytes(queued));
  }

  @Override
  public long framesPlayed() {
    if (sink == null || format == null) {
      return 0;
    }
    long sinkFrames;
    try {
      sinkFrames = sink.framesPlayed();
    } catch (RuntimeException e) {
      return 0;
    }
    return sinkFrames * sinkFramesPerSessionFrameDen / sinkFramesPerSessionFrameNum;
  }

  @Override
  public boolean awaitPlaybackIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      queueLock.lock();
      try {
        while (playing() && (!queue.isEmpty() || writing)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          queueChanged.awaitNanos(left);
        }
      } finally {
        queueLock.unlock();
      }
      if (!playing() || unplayedFrames() == 0) {
        return true;
      }
      // A device sink still plays what it was given: poll its position, bounded.
      if (System.nanoTime() > deadline) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Override
  public boolean awaitSourceEnded(Duration timeout) throws InterruptedException {
    return sourceEnded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    stop();
    join(captureThread);
    join(playbackThread);
  }

  /**
   * The session ended: the turn in progress is complete and its metrics are reported now (before
   * the session's terminal callback). Never blocks; {@link #stop(boolean)} releases the devices.
   */
  public void endTurns() {
    latency.sessionEnded();
    emitReadyMetrics();
  }

  /** Signals the threads to stop and releases the devices; does not wait. Idempotent. */
  public void stop() {
    stop(false);
  }

  /**
   * Stops the engine without waiting. With {@code drainQueued} (a normal end of the session),
   * capture stops at once but playback first finishes the agent audio already queued, bounded by
   * its duration plus a second; otherwise queued audio is discarded. Idempotent.
   */
  public void stop(boolean drainQueued) {
    long queuedMillis;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      // Read before taking the queue lock: a device sink may answer slowly.
      long unplayed = unplayedFrames();
      boolean playbackLive = playbackThread != null || directSink != null && !sinkReleased.get();
      queueLock.lock();
      try {
        long pending = queuedBytes + (writing ? inFlightBytes : 0);
        queuedMillis = format == null ? 0 : format.millisForBytes(pending);
        if (drainQueued && playbackLive && (pending > 0 || directSink != null && unplayed > 0)) {
          drainDeadlineNanos = ticker.nanoTime()
              + TimeUnit.MILLISECONDS.toNanos(queuedMillis + 1_000);
          draining = true;
        } else if (queuedBytes > 0) {
          log.debug("audio engine {}: {} ms of queued agent audio discarded at stop", id,
              queuedMillis);
          queue.clear();
          queuedBytes = 0;
        }
        running = false;
        queueChanged.signalAll();
      } finally {
        queueLock.unlock();
      }
    }
    cancelSilence();
    if (source != null) {
      source.close(); // unblocks a pending read
    }
    if (sink != null && !draining) {
      sink.flush(); // unblocks a pending write; the playback thread closes the sink
    }
    if (sink != null && playbackThread == null) {
      if (draining) {
        // A non-blocking sink: released once its reader has taken the rest, or at the deadline.
        scheduleDrainDeadline(queuedMillis + 1_000);
        pumpPlayback();
      } else {
        finishPlayback();
      }
    }
    latency.sessionEnded();
    emitReadyMetrics();
  }

  private void scheduleDrainDeadline(long millis) {
    try {
      drainDeadlineTask = host.resources().scheduler().schedule(this::finishPlayback, millis,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      finishPlayback(); // the client is closing
    }
  }

  private static void join(Thread t) {
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Agent audio to play: {@code length} bytes (even) from {@code start} of either a delta event's
   * audio or a small array. {@code played} counts what a non-blocking sink already took (guarded
   * by the queue lock).
   */
  private static final class Chunk {
    final OutputAudioDeltaEvent delta;
    final byte[] bytes;
    final int start;
    final int length;
    final long generation;
    int played;

    Chunk(OutputAudioDeltaEvent delta, byte[] bytes, int start, int length, long generation) {
      this.delta = delta;
      this.bytes = bytes;
      this.start = start;
      this.length = length;
      this.generation = generation;
    }

    int remaining() {
      return length - played;
    }

    /** Copies {@code n} bytes from {@code offset} into {@code dst} at 0. */
    void copy(int offset, byte[] dst, int n) {
      if (delta != null) {
        delta.copyAudioTo(start + offset, dst, 0, n);
      } else {
        System.arraycopy(bytes, start + offset, dst, 0, n);
      }
    }
  }
}
