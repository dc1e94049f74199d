package dev.atomsrealtime.internal;

import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.PcmConverter;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.VoiceActivityDetector;
import java.util.Arrays;

/**
 * The capture stage: what a source delivers, cut into fixed chunks of the session's format
 * (converted first when the source delivers another format), each passed through the {@link
 * CaptureGate} and handed to the {@link ChunkSender}; each chunk sent goes to the taps as sent. The same code runs on a capture thread (a
 * blocking source) and on the pushing thread (a non-blocking one); it never calls back into the
 * session's public API.
 *
 * <p>Not thread-safe: one thread at a time (the capture thread, or the pump of a non-blocking
 * source), then, after the source ended, the scheduler's silence task.
 */
final class CaptureStage {
  /** {@code AudioSource.read} or {@code NonBlockingAudioSource.readAvailable}. */
  interface Reader {
    int read(byte[] buffer, int offset, int length);
  }

  private final CaptureGate gate;
  private final ChunkSender sender;
  private final AudioCounters counters;
  private final TurnMetricsRecorder metrics; // null: nobody wants turn metrics
  private final AudioTaps taps;
  private final Ticker ticker;
  private final double voiceThresholdDbfs;
  private final int chunkBytes;
  private final byte[] chunk;
  private final byte[] silence;
  private final PcmConverter converter; // null when the source delivers the session's format
  private final byte[] readBuffer; // only when converting: the source's format, before conversion
  private int filled;
  private boolean closed;
  private volatile double micLevelDbfs = -120.0;
  // Set by the first micLevelDbfs() call: until then nobody reads the level.
  private volatile boolean levelRead;

  CaptureStage(PcmFormat session, PcmFormat delivered, AudioOptions options, CaptureGate gate,
      ChunkSender sender, AudioCounters counters, TurnMetricsRecorder metrics, AudioTaps taps,
      Ticker ticker) {
    this.taps = taps;
    this.gate = gate;
    this.sender = sender;
    this.counters = counters;
    this.metrics = metrics;
    this.ticker = ticker;
    this.voiceThresholdDbfs = options.voiceThresholdDbfs();
    this.converter = delivered.equals(session) ? null : PcmConverter.create(delivered, session);
    this.chunkBytes = session.bytesForMillis(options.chunkMillis());
    this.chunk = new byte[chunkBytes];
    this.silence = new byte[chunkBytes];
    this.readBuffer = converter == null ? null : new byte[Math.max(delivered.bytesPerFrame(),
        (int) delivered.bytesForFrames(delivered.framesForMillis(options.chunkMillis())))];
  }

  /** Whether the source's format is converted. */
  boolean converting() {
    return converter != null;
  }

  /**
   * Reads once from the source (straight into the chunk when no conversion is needed) and sends
   * every chunk the read completes.
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
          send();
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
      Arrays.fill(chunk, filled, chunkBytes, (byte) 0);
      filled = 0;
      send();
    }
  }

  /** One chunk of silence (after the source ended, so the server sees the end of speech). */
  void sendSilence() {
    ChunkSender.Result r = sender.send(silence, 0, chunkBytes);
    if (r == ChunkSender.Result.SENT) {
      counters.chunksSent.incrementAndGet();
      counters.silentChunksSent.incrementAndGet();
      taps.userAudio(silence, 0, chunkBytes, ticker.nanoTime());
    } else if (r == ChunkSender.Result.CLOSED) {
      closed = true;
    }
  }

  /** Whether the session said it is closing: capture should stop. */
  boolean closed() {
    return closed;
  }

  /**
   * The level of the last chunk read, before muting. Any thread. The level is measured only once
   * this has been called, or when turn metrics need voice detection.
   */
  double micLevelDbfs() {
    levelRead = true;
    return micLevelDbfs;
  }

  private void add(byte[] data, int offset, int n) {
    while (n > 0 && !closed) {
      int take = Math.min(n, chunkBytes - filled);
      System.arraycopy(data, offset, chunk, filled, take);
      filled += take;
      offset += take;
      n -= take;
      if (filled == chunkBytes) {
        filled = 0;
        send();
      }
    }
  }

  /** Gate, then send: the chunk as captured, or silence in its place. */
  private void send() {
    // The energy is per-chunk work: only when the level or the voice detection is used.
    boolean measure = metrics != null || levelRead;
    double level = measure ? VoiceActivityDetector.rmsDbfs(chunk, 0, chunkBytes) : -120.0;
    if (measure) {
      micLevelDbfs = level;
    }
    boolean passes = gate.passes();
    ChunkSender.Result r = sender.send(passes ? chunk : silence, 0, chunkBytes);
    if (r == ChunkSender.Result.CLOSED) {
      closed = true;
      return;
    }
    if (r != ChunkSender.Result.SENT) {
      return;
    }
    counters.chunksSent.incrementAndGet();
    long now = ticker.nanoTime();
    if (!passes) {
      counters.silentChunksSent.incrementAndGet();
    } else if (metrics != null && level >= voiceThresholdDbfs) {
      metrics.voicedChunkSent(now);
    }
    taps.userAudio(passes ? chunk : silence, 0, chunkBytes, now);
  }
}
