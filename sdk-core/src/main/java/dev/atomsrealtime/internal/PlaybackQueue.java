package dev.atomsrealtime.internal;

import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent audio waiting to be played: bounded, generation-gated, fed by the read thread and drained
 * by one {@link PlaybackWriter}. {@link #interrupt} is the queue's whole part of barge-in: a new
 * generation (so the writer drops whatever of the old reply it still holds), the queue emptied,
 * and stale deltas gated until the next reply starts or the stale timeout passes.
 *
 * <p>Deltas of any length are queued without copying; a sample split across two deltas (an odd
 * byte count) is joined in a two-byte chunk. When the queue is full the oldest audio is dropped
 * and counted.
 *
 * <p>Threads: {@link #offer}, {@link #replyStarted} and {@link #interrupt} on the read thread only
 * (and never waiting on anything); {@link #poll}, {@link #consumed} by the writer; the counters
 * from anywhere. Lock-free.
 */
final class PlaybackQueue {
  private static final Logger log = LoggerFactory.getLogger(PlaybackQueue.class);

  /** Agent audio: {@code length} bytes (even) from {@code start} of a delta, or of a small array. */
  static final class Chunk {
    final OutputAudioDeltaEvent delta;
    final byte[] bytes;
    final int start;
    final int length;
    final long generation;

    Chunk(OutputAudioDeltaEvent delta, byte[] bytes, int start, int length, long generation) {
      this.delta = delta;
      this.bytes = bytes;
      this.start = start;
      this.length = length;
      this.generation = generation;
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

  private final long id;
  private final long capacityBytes;
  private final long staleTimeoutNanos;
  private final Ticker ticker;
  private final AudioCounters counters;
  private final Queue<Chunk> chunks = new ConcurrentLinkedQueue<>();
  // Bytes queued plus what the writer holds and has not finished with.
  private final AtomicLong queuedBytes = new AtomicLong();
  private volatile long generation;
  // Read thread only.
  private int carry = -1; // the odd byte left over from the previous delta, or -1
  private boolean staleGate;
  private long staleSinceNanos;

  PlaybackQueue(long id, long capacityBytes, long staleTimeoutNanos, Ticker ticker,
      AudioCounters counters) {
    this.id = id;
    this.capacityBytes = capacityBytes;
    this.staleTimeoutNanos = staleTimeoutNanos;
    this.ticker = ticker;
    this.counters = counters;
  }

  /** {@link #offer}: audio was queued. */
  static final int QUEUED = 1;
  /** {@link #offer}: nothing to queue yet (empty, or one byte carried to the next delta). */
  static final int NOTHING = 0;
  /** {@link #offer}: dropped as stale audio of an interrupted reply. */
  static final int STALE = -1;

  /** Read thread: a delta arrived. Returns {@link #QUEUED}, {@link #NOTHING} or {@link #STALE}. */
  int offer(OutputAudioDeltaEvent delta) {
    counters.deltasReceived.incrementAndGet();
    if (staleGate) {
      if (ticker.nanoTime() - staleSinceNanos < staleTimeoutNanos) {
        counters.staleDeltasDropped.incrementAndGet();
        return STALE;
      }
      log.debug("audio engine {}: no start-talking event {} ms after an interruption; playing"
          + " deltas again", id, staleTimeoutNanos / 1_000_000);
      staleGate = false;
      carry = -1;
    }
    int length = delta.audioBytes();
    int start = 0;
    boolean queued = false;
    long gen = generation;
    if (carry >= 0) {
      if (length == 0) {
        return NOTHING;
      }
      add(new Chunk(null, new byte[] {(byte) carry, delta.audioByte(0)}, 0, 2, gen));
      carry = -1;
      start = 1;
      queued = true;
    }
    int even = (length - start) & ~1;
    if (even > 0) {
      add(new Chunk(delta, null, start, even, gen));
      queued = true;
    }
    if (start + even < length) {
      carry = delta.audioByte(length - 1) & 0xff;
    }
    return queued ? QUEUED : NOTHING;
  }

  private void add(Chunk chunk) {
    Chunk oldest;
    while (queuedBytes.get() + chunk.length > capacityBytes && (oldest = chunks.poll()) != null) {
      queuedBytes.addAndGet(-oldest.length);
      long dropped = counters.bytesDroppedQueueFull.addAndGet(oldest.length);
      if (dropped == oldest.length) {
        log.warn("audio engine {}: playback queue full ({} bytes); dropping the oldest agent"
            + " audio", id, capacityBytes);
      }
    }
    queuedBytes.addAndGet(chunk.length);
    chunks.add(chunk);
  }

  /** Read thread: {@code agent_start_talking}. A new reply: stale gating ends. */
  void replyStarted() {
    staleGate = false;
    carry = -1;
  }

  /**
   * Read thread: barge-in (or a lost connection, with {@code gateStale} false). Everything queued
   * is discarded and counted; the writer drops what it holds of the old generation.
   */
  void interrupt(boolean gateStale) {
    generation++;
    carry = -1;
    staleGate = gateStale;
    staleSinceNanos = ticker.nanoTime();
    Chunk c;
    while ((c = chunks.poll()) != null) {
      queuedBytes.addAndGet(-c.length);
      counters.bytesDiscardedByInterruption.addAndGet(c.length);
    }
  }

  /** Writer: the next chunk, or null. Its bytes stay counted until {@link #consumed}. */
  Chunk poll() {
    return chunks.poll();
  }

  /** Writer: {@code n} bytes of a polled chunk were written or discarded. */
  void consumed(int n) {
    queuedBytes.addAndGet(-n);
  }

  /** The current generation; a chunk of another is stale. */
  long generation() {
    return generation;
  }

  /** Bytes queued or held by the writer. */
  long queuedBytes() {
    return Math.max(0, queuedBytes.get());
  }

  boolean isEmpty() {
    return chunks.isEmpty();
  }
}
