package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.Duplex;
import dev.atomsrealtime.audio.PcmConverter;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.VoiceActivityDetector;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's audio engine: the capture pump ({@code atoms-capture-N}) streams the source in fixed
 * chunks; the playback engine ({@code atoms-playback-N}) drains a bounded queue of agent audio
 * into the sink; barge-in empties the queue and flushes the sink at once, then drops stale deltas
 * until the next start-talking event.
 *
 * <p>Threads: inbound hooks ({@link #onDelta}, {@link #onAgentStartTalking}, {@link
 * #onInterruption}, ...) run on the transport's read thread and never block; the queue is guarded
 * by {@link #queueLock}; {@link #writeLock} makes "check the generation, then write" atomic with
 * respect to an interruption, so no audio of an interrupted reply is written after it was
 * processed.
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
  }

  private final long id = IDS.incrementAndGet();
  private final Host host;
  private final AudioSource source;
  private final AudioSink sink;
  private final AudioOptions options;
  private final LatencyTracker latency = new LatencyTracker();

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
  }

  /** Starts the threads once the negotiated rate is known. Called once. */
  public synchronized void start(int sampleRateHz) {
    if (running && format != null && format.sampleRateHz() != sampleRateHz) {
      log.warn("audio engine {}: the new session negotiated {} Hz instead of {} Hz; audio stops",
          id, sampleRateHz, format.sampleRateHz());
      host.audioError(new AudioException("the reconnected session negotiated " + sampleRateHz
          + " Hz instead of " + format.sampleRateHz() + " Hz; attach audio again"));
      stop();
      return;
    }
    if (running || stopped) {
      return;
    }
    format = PcmFormat.pcm16Mono(sampleRateHz);
    queueCapacityBytes = format.bytesForMillis(options.playbackQueueMillis());
    running = true;
    if (source != null) {
      captureThread = new Thread(this::captureLoop, "atoms-capture-" + id);
      captureThread.setDaemon(true);
      captureThread.start();
    } else {
      sourceEnded.countDown();
    }
    if (sink != null) {
      playbackThread = new Thread(this::playbackLoop, "atoms-playback-" + id);
      playbackThread.setDaemon(true);
      playbackThread.start();
    }
    log.info("audio engine {} started at {} ({} ms chunks, {} duplex)", id, format,
        options.chunkMillis(), options.duplex());
  }

  // ---------------------------------------------------------------------------------------------
  // Capture

  private void captureLoop() {
    PcmFormat fmt = format;
    try {
      PcmFormat opened = source.open(fmt);
      PcmConverter converter = opened.equals(fmt) ? null : PcmConverter.create(opened, fmt);
      if (converter != null) {
        log.info("audio engine {}: source delivers {}, converting to {}", id, opened, fmt);
      }
      int chunkBytes = fmt.bytesForMillis(options.chunkMillis());
      byte[] chunk = new byte[chunkBytes];
      byte[] silence = new byte[chunkBytes];
      int readBytes = converter == null ? chunkBytes
          : Math.max(opened.bytesPerFrame(), (int) opened.bytesForFrames(
              opened.framesForMillis(options.chunkMillis())));
      byte[] readBuffer = converter == null ? chunk : new byte[readBytes];
      // Converted audio not yet sent (a converter's output rarely matches chunk boundaries).
      byte[] backlog = new byte[chunkBytes * 4];
      int backlogBytes = 0;
      boolean ended = false;
      while (running) {
        int filled;
        if (converter == null) {
          filled = readFully(chunk, chunkBytes);
          if (filled < 0) {
            ended = true;
          }
        } else {
          while (backlogBytes < chunkBytes) {
            int n = source.read(readBuffer, 0, readBuffer.length);
            if (n < 0) {
              ended = true;
              int tail = converter.finish();
              backlog = append(backlog, backlogBytes, converter.outputArray(),
                  converter.outputOffset(), tail);
              backlogBytes += tail;
              break;
            }
            int out = converter.convert(readBuffer, 0, n);
            backlog = append(backlog, backlogBytes, converter.outputArray(),
                converter.outputOffset(), out);
            backlogBytes += out;
          }
          filled = Math.min(chunkBytes, backlogBytes);
          System.arraycopy(backlog, 0, chunk, 0, filled);
          System.arraycopy(backlog, filled, backlog, 0, backlogBytes - filled);
          backlogBytes -= filled;
          if (filled == 0 && ended) {
            filled = -1;
          }
        }
        if (filled < 0) {
          break;
        }
        if (filled < chunkBytes) {
          java.util.Arrays.fill(chunk, filled, chunkBytes, (byte) 0);
        }
        sendChunk(chunk, silence);
        if (ended) {
          break;
        }
      }
      sourceEnded.countDown();
      if (running && options.streamSilenceAfterSourceEnds()) {
        streamSilence(silence);
      }
    } catch (AudioException e) {
      log.warn("audio engine {}: the source failed: {}", id, e.getMessage());
      host.audioError(e);
    } catch (IllegalStateException e) {
      log.debug("audio engine {}: session closed; capture stops", id);
    } catch (RuntimeException e) {
      log.warn("audio engine {}: capture failed", id, e);
      host.audioError(new AudioException("capture failed: " + e, e));
    } finally {
      sourceEnded.countDown();
      source.close();
    }
  }

  private static byte[] append(byte[] dst, int dstBytes, byte[] src, int offset, int length) {
    if (dstBytes + length > dst.length) {
      dst = java.util.Arrays.copyOf(dst, Math.max(dst.length * 2, dstBytes + length));
    }
    System.arraycopy(src, offset, dst, dstBytes, length);
    return dst;
  }

  /** Reads until {@code chunk} holds {@code bytes} bytes or the source ends; -1 if nothing read. */
  private int readFully(byte[] chunk, int bytes) {
    int filled = 0;
    while (filled < bytes && running) {
      int n = source.read(chunk, filled, bytes - filled);
      if (n < 0) {
        return filled == 0 ? -1 : filled;
      }
      filled += n;
    }
    return filled;
  }

  private void streamSilence(byte[] silence) {
    long periodNanos = TimeUnit.MILLISECONDS.toNanos(options.chunkMillis());
    long next = System.nanoTime();
    while (running) {
      next += periodNanos;
      long wait;
      while (running && (wait = next - System.nanoTime()) > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
      }
      if (!running) {
        return;
      }
      host.sendAudio(silence, 0, silence.length);
      chunksSent.incrementAndGet();
      silentChunksSent.incrementAndGet();
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
        latency.voicedChunkSent(System.nanoTime());
      }
    }
    chunksSent.incrementAndGet();
  }

  private boolean updateHalfDuplexGate() {
    if (options.duplex() != Duplex.HALF) {
      return false;
    }
    long now = System.nanoTime();
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
      lastPlaybackBusyNanos = System.nanoTime();
      gated = true;
    }
    latency.agentStart(System.nanoTime());
  }

  /** {@code agent_stop_talking}: the reply was sent (it may still be playing). */
  public void onAgentStopTalking() {
    agentTalking = false;
    latency.agentStop(System.nanoTime(), isPlaybackIdle());
    emitReadyMetrics();
  }

  /** {@code output_audio.delta}: queue for playback, unless stale. */
  public void onDelta(OutputAudioDeltaEvent delta) {
    if (sink == null || !running) {
      return;
    }
    deltasReceived.incrementAndGet();
    long now = System.nanoTime();
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
  }

  /** {@code interruption}: empty the queue and silence the sink now; gate stale deltas. */
  public void onInterruption() {
    long t0 = System.nanoTime();
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
    long silentNanos = System.nanoTime() - t0;
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
      while (queuedBytes + chunk.length() > queueCapacityBytes && !queue.isEmpty()) {
        Chunk oldest = queue.poll();
        queuedBytes -= oldest.length();
        long dropped = bytesDroppedQueueFull.addAndGet(oldest.length());
        if (dropped == oldest.length()) {
          log.warn("audio engine {}: playback queue full ({} ms); dropping the oldest agent audio",
              id, options.playbackQueueMillis());
        }
      }
      queue.add(chunk);
      queuedBytes += chunk.length();
      queueChanged.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  private void playbackLoop() {
    PcmFormat fmt = format;
    try {
      PcmFormat opened = sink.open(fmt);
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
        while (off < chunk.length() && playing()) {
          int len = Math.min(pieceBytes, chunk.length() - off);
          synchronized (writeLock) {
            if (chunk.generation != generation) {
              bytesDiscardedByInterruption.addAndGet(chunk.length() - off);
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
            bytesDiscardedByInterruption.addAndGet(chunk.length() - off);
            break;
          }
          if (first) {
            latency.firstPlayed(System.nanoTime(), chunk.generation);
            first = false;
          }
          deltaBytesPlayed.addAndGet(len);
          off += len;
        }
        finishedWriting();
      }
      if (draining && System.nanoTime() < drainDeadlineNanos) {
        // A graceful end: let the device play out what it holds before it is closed.
        sink.drain();
      }
    } catch (AudioException e) {
      log.warn("audio engine {}: the sink failed: {}", id, e.getMessage());
      host.audioError(e);
    } catch (RuntimeException e) {
      log.warn("audio engine {}: playback failed", id, e);
      host.audioError(new AudioException("playback failed: " + e, e));
    } finally {
      queueLock.lock();
      try {
        writing = false;
        queueChanged.signalAll();
      } finally {
        queueLock.unlock();
      }
      sink.close();
    }
  }

  private boolean playing() {
    return running || draining && System.nanoTime() < drainDeadlineNanos;
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
      queuedBytes -= c.length();
      writing = true;
      inFlightBytes = c.length();
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
      Thread.onSpinWait();
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
      queueLock.lock();
      try {
        long pending = queuedBytes + (writing ? inFlightBytes : 0);
        queuedMillis = format == null ? 0 : format.millisForBytes(pending);
        if (drainQueued && pending > 0 && playbackThread != null) {
          drainDeadlineNanos = System.nanoTime()
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
    if (source != null) {
      source.close(); // unblocks a pending read
    }
    if (sink != null && !draining) {
      sink.flush(); // unblocks a pending write; the playback thread closes the sink
    }
    if (sink != null && playbackThread == null) {
      sink.close();
    }
    latency.sessionEnded();
    emitReadyMetrics();
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
   * audio or a small array.
   */
  private record Chunk(OutputAudioDeltaEvent delta, byte[] bytes, int start, int length,
      long generation) {
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
