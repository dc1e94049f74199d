package dev.atomsrealtime.audio;

/**
 * Counters of a session's audio engine at one moment. Nothing is dropped silently: every drop is
 * counted here.
 *
 * @param chunksSent microphone chunks sent to the server (silence included)
 * @param silentChunksSent chunks sent as silence (muted, half-duplex gate, source ended)
 * @param deltasReceived agent audio deltas received
 * @param deltaBytesPlayed agent audio bytes written to the sink
 * @param staleDeltasDropped deltas dropped after an interruption, before the next reply
 * @param bytesDiscardedByInterruption queued agent audio discarded by interruptions
 * @param bytesDroppedQueueFull agent audio dropped because the playback queue was full
 * @param queuedMillis agent audio waiting in the playback queue now
 */
public record AudioStats(
    long chunksSent,
    long silentChunksSent,
    long deltasReceived,
    long deltaBytesPlayed,
    long staleDeltasDropped,
    long bytesDiscardedByInterruption,
    long bytesDroppedQueueFull,
    long queuedMillis) {}
