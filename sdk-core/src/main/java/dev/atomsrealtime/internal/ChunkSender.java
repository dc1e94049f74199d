package dev.atomsrealtime.internal;

/**
 * The end of the capture stage: a chunk of PCM16 at the session's rate goes straight to the codec
 * and the session's outbound queue. Implemented by the session; never throws for a closed session
 * (the result says so), so that capture can stop without exceptions as control flow.
 */
interface ChunkSender {
  /** What became of a chunk. */
  enum Result {
    /** Queued for the server. */
    SENT,
    /** No session is open right now (connecting, reconnecting): dropped and counted. */
    NOT_OPEN,
    /** The session is closing or closed: capture should stop. */
    CLOSED
  }

  /** Sends {@code length} bytes (even, non-zero) of {@code pcm} from {@code offset}. */
  Result send(byte[] pcm, int offset, int length);
}
