package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audio stages' counters, summed by the engine into {@link AudioStats}. Each counter has one
 * writer stage (named per field); any thread reads. Thread-safe.
 */
final class AudioCounters {
  /** Capture stage. */
  final AtomicLong chunksSent = new AtomicLong();
  /** Capture stage (and the silence after a source ends). */
  final AtomicLong silentChunksSent = new AtomicLong();
  /** Playback queue (read thread). */
  final AtomicLong deltasReceived = new AtomicLong();
  /** Playback writer; less what an interruption flushed out of the sink. */
  final AtomicLong deltaBytesPlayed = new AtomicLong();
  /** Playback queue (read thread). */
  final AtomicLong staleDeltasDropped = new AtomicLong();
  /** Playback queue and writer. */
  final AtomicLong bytesDiscardedByInterruption = new AtomicLong();
  /** Playback queue (read thread). */
  final AtomicLong bytesDroppedQueueFull = new AtomicLong();

  AudioStats snapshot(PcmFormat format, long queuedBytes) {
    return new AudioStats(
        chunksSent.get(),
        silentChunksSent.get(),
        deltasReceived.get(),
        deltaBytesPlayed.get(),
        staleDeltasDropped.get(),
        bytesDiscardedByInterruption.get(),
        bytesDroppedQueueFull.get(),
        format == null ? 0 : format.millisForBytes(queuedBytes));
  }
}
