package dev.atomsrealtime.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N client sessions of one kind, driven by the harness's pacer. Holds what every kind records the
 * same way: the sinks, interruption-to-silence samples and unexpected closes.
 */
abstract class LoadClients implements AutoCloseable {
  final List<TimestampSink> sinks = new ArrayList<>();
  private final LongSamples interruptionToSilence = new LongSamples(); // guarded by itself
  private final AtomicInteger unexpectedCloses = new AtomicInteger();
  volatile boolean recording;

  /** Opens {@code sessions} sessions against the server at {@code serverUri}; returns how many. */
  abstract int connect(URI serverUri, int sessions) throws Exception;

  /** Waits up to 30 s for each latch (one a session); returns how many opened. */
  static int awaitOpened(List<java.util.concurrent.CountDownLatch> created, String kind)
      throws InterruptedException {
    int ok = 0;
    for (java.util.concurrent.CountDownLatch c : created) {
      if (c.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        ok++;
      } else {
        System.err.println(kind + " session did not open");
      }
    }
    return ok;
  }

  /** Sends (or hands to the session's audio source) 20 ms of PCM for session {@code index}. */
  abstract void sendChunk(int index, byte[] chunk);

  /** Something the client itself counted that explains missing chunks, or "" (for the report). */
  abstract String notes();

  @Override
  public abstract void close();

  /** Starts or stops recording latencies, gaps and interruption timings. */
  final void recording(boolean on) {
    recording = on;
    sinks.forEach(s -> s.recording(on));
  }

  final List<TimestampSink> sinks() {
    return sinks;
  }

  /** Records one interruption-to-silence time, if recording. */
  final void interruptionSilenced(long nanos) {
    if (recording) {
      synchronized (interruptionToSilence) {
        interruptionToSilence.add(nanos);
      }
    }
  }

  /** Receive-of-interruption to sink-flushed, in nanoseconds, recorded while recording. */
  final LongSamples interruptionToSilence() {
    synchronized (interruptionToSilence) {
      LongSamples copy = new LongSamples();
      copy.addAll(interruptionToSilence);
      return copy;
    }
  }

  final void closedUnexpectedly() {
    unexpectedCloses.incrementAndGet();
  }

  /** Sessions that ended before the harness closed them. */
  final int unexpectedCloses() {
    return unexpectedCloses.get();
  }
}
