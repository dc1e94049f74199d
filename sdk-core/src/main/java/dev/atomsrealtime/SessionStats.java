package dev.atomsrealtime;

/**
 * Counters of one session at one moment, across reconnects. Nothing the SDK drops is silent: each
 * drop is counted here (and logged at WARN the first time).
 *
 * @param audioChunksSent user audio chunks written to the connection
 * @param audioChunksDroppedNotOpen user audio chunks dropped because no session was open (before
 *     {@code session.created}, or while reconnecting: audio is never replayed into a new session)
 * @param audioChunksDroppedBackpressure user audio chunks dropped, oldest first, because the
 *     connection could not keep up ({@link SessionOptions#maxQueuedAudioMillis()})
 * @param queuedBytes bytes waiting to be written now (SDK queue plus transport queue)
 * @param listenerDeltasDropped audio deltas not given to a listener that fell too far behind
 *     ({@link SessionOptions#maxPendingListenerEvents()}); they were still played
 * @param invalidFrames frames from the server that could not be decoded
 * @param reconnects new sessions started after a lost connection
 */
public record SessionStats(
    long audioChunksSent,
    long audioChunksDroppedNotOpen,
    long audioChunksDroppedBackpressure,
    long queuedBytes,
    long listenerDeltasDropped,
    long invalidFrames,
    long reconnects) {}
