package dev.atomsrealtime.bench;

import java.net.URI;
import java.util.List;

/** N client sessions of one kind, driven by the harness's pacer. */
interface LoadClients extends AutoCloseable {

  /** Opens {@code sessions} sessions against the server at {@code serverUri}; returns how many. */
  int connect(URI serverUri, int sessions) throws Exception;

  /** Sends (or hands to the session's audio source) 20 ms of PCM for session {@code index}. */
  void sendChunk(int index, byte[] chunk);

  /** Starts or stops recording latencies, gaps and interruption timings. */
  void recording(boolean on);

  List<TimestampSink> sinks();

  /** Receive-of-interruption to sink-flushed, in nanoseconds, recorded while recording. */
  LongSamples interruptionToSilence();

  /** Sessions that ended before the harness closed them. */
  int unexpectedCloses();

  /** Something the SDK itself counted that explains missing chunks, or "" (for the report). */
  String notes();

  @Override
  void close();
}
