package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class PcmPullSinkTest {

  private static final PcmFormat MONO_8K = PcmFormat.pcm16Mono(8000); // 16 bytes per ms

  @Test
  void applicationReadsWhatWasWrittenAndFramesPlayedCountsIt() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 10);
    assertEquals(MONO_8K, sink.open(PcmFormat.pcm16Mono(24_000)), "configured format wins");
    byte[] pcm = new byte[100];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) i;
    }
    sink.write(pcm, 0, 100);
    assertEquals(0, sink.framesPlayed(), "nothing pulled yet");
    byte[] out = new byte[101];
    assertEquals(30, sink.read(out, 0, 31, 1, SECONDS), "whole frames only");
    assertEquals(70, sink.poll(out, 30, 71));
    assertArrayEquals(pcm, Arrays.copyOf(out, 100));
    assertEquals(50, sink.framesPlayed());
    assertEquals(0, sink.poll(out, 0, 100), "empty");
    assertEquals(0, sink.read(out, 0, 100, 20, MILLISECONDS), "times out empty");
  }

  @Test
  void writeBlocksWhenFullUntilTheApplicationReads() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 1); // 16 bytes
    sink.open(MONO_8K);
    byte[] pcm = new byte[40];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) i;
    }
    Blocking writer = Blocking.watch(sink);
    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> sink.write(pcm, 0, 40));
    writer.awaitBlocked();
    assertFalse(write.isDone(), "paced by the reader, like a device");
    assertEquals(16, sink.bufferedBytes());
    byte[] out = new byte[40];
    int got = 0;
    while (got < 40) {
      got += sink.read(out, got, 40 - got, 5, SECONDS);
    }
    write.get(5, SECONDS);
    assertArrayEquals(pcm, out);
    assertEquals(20, sink.framesPlayed());
  }

  @Test
  void flushEmptiesAtOnceAndUnblocksAWriter() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 1);
    sink.open(MONO_8K);
    Blocking writer = Blocking.watch(sink);
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(() -> sink.write(new byte[48], 0, 48));
    writer.awaitBlocked();
    sink.flush();
    write.get(5, SECONDS);
    assertEquals(0, sink.bufferedBytes(), "the rest of the blocked chunk was discarded");
    assertEquals(0, sink.framesPlayed(), "flushed audio is not counted as played");
    sink.write(new byte[] {7, 7}, 0, 2);
    byte[] out = new byte[16];
    assertEquals(2, sink.poll(out, 0, 16), "usable after a flush");
  }

  @Test
  void closeUnblocksAWriterAndReaders() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 1);
    sink.open(MONO_8K);
    Blocking writer = Blocking.watch(sink);
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(() -> sink.write(new byte[48], 0, 48));
    writer.awaitBlocked();
    sink.close();
    write.get(5, SECONDS);
    assertEquals(-1, sink.poll(new byte[16], 0, 16));

    PcmPullSink idle = PcmPullSink.create(MONO_8K, 1);
    idle.open(MONO_8K);
    Blocking reader = Blocking.watch(idle);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
      try {
        return idle.read(new byte[16], 0, 16, 30, SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    reader.awaitBlocked();
    idle.close();
    assertEquals(-1, read.get(5, SECONDS));
  }

  @Test
  void drainWaitsForTheApplicationToTakeEverything() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 10);
    sink.open(MONO_8K);
    sink.write(new byte[32], 0, 32);
    Blocking drainer = Blocking.watch(sink);
    CompletableFuture<Void> drain = CompletableFuture.runAsync(sink::drain);
    drainer.awaitBlocked();
    assertEquals(16, sink.poll(new byte[16], 0, 16));
    assertFalse(drain.isDone());
    assertEquals(16, sink.poll(new byte[16], 0, 16));
    drain.get(5, SECONDS);
  }

  @Test
  void misuseIsRejected() {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 10);
    assertThrows(IllegalStateException.class, () -> sink.write(new byte[2], 0, 2));
    sink.open(MONO_8K);
    assertThrows(IllegalArgumentException.class, () -> sink.write(new byte[3], 0, 3));
    assertThrows(IllegalArgumentException.class, () -> sink.poll(new byte[3], 0, 1));
  }

  @Test
  void writeAvailableTakesWhatFitsAndNeverWaits() {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 1); // 16 bytes
    byte[] pcm = new byte[40];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) i;
    }
    assertThrows(IllegalStateException.class, () -> sink.writeAvailable(pcm, 0, 40));
    sink.open(MONO_8K);
    assertThrows(IllegalArgumentException.class, () -> sink.writeAvailable(pcm, 0, 3));
    assertEquals(16, sink.writeAvailable(pcm, 0, 40), "only what fits");
    assertEquals(0, sink.writeAvailable(pcm, 16, 24), "full");
    byte[] out = new byte[16];
    assertEquals(10, sink.poll(out, 0, 10));
    assertEquals(10, sink.writeAvailable(pcm, 16, 24), "the room the read made");
    assertEquals(6, sink.poll(out, 10, 6));
    assertArrayEquals(Arrays.copyOf(pcm, 16), out);
    assertEquals(10, sink.poll(out, 0, 16));
    assertArrayEquals(Arrays.copyOfRange(pcm, 16, 26), Arrays.copyOf(out, 10));
    sink.close();
    assertEquals(24, sink.writeAvailable(pcm, 16, 24), "after close: accepted and ignored");
    assertEquals(-1, sink.poll(out, 0, 16));
  }

  @Test
  void theSpaceListenerRunsAfterEachReadOnTheReadingThreadWithNoLockHeld() throws Exception {
    PcmPullSink sink = PcmPullSink.create(MONO_8K, 1);
    sink.open(MONO_8K);
    java.util.List<Integer> buffered = new java.util.ArrayList<>();
    Thread test = Thread.currentThread();
    sink.setSpaceListener(() -> {
      if (Thread.currentThread() != test) {
        throw new AssertionError("not on the reading thread");
      }
      try {
        // Another thread can take the sink's lock while the listener runs.
        buffered.add(CompletableFuture.supplyAsync(sink::bufferedBytes).get(5, SECONDS));
      } catch (Exception e) {
        throw new AssertionError("the listener ran holding the sink's lock", e);
      }
    });
    sink.writeAvailable(new byte[16], 0, 16);
    byte[] out = new byte[16];
    assertEquals(0, buffered.size(), "writes do not call it");
    sink.poll(out, 0, 6);
    sink.read(out, 0, 16, 1, SECONDS);
    assertEquals(java.util.List.of(10, 0), buffered);
    sink.poll(out, 0, 16);
    assertEquals(2, buffered.size(), "an empty read freed nothing");
    sink.setSpaceListener(null);
    sink.writeAvailable(new byte[2], 0, 2);
    sink.poll(out, 0, 16);
    assertEquals(2, buffered.size(), "removed");
  }
}
