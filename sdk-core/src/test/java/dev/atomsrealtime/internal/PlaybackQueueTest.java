package dev.atomsrealtime.internal;

import static dev.atomsrealtime.internal.PlaybackQueue.NOTHING;
import static dev.atomsrealtime.internal.PlaybackQueue.QUEUED;
import static dev.atomsrealtime.internal.PlaybackQueue.STALE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The playback queue alone: odd-length deltas joined on sample boundaries, the capacity bound
 * dropping the oldest audio, and barge-in (a new generation, everything discarded, stale deltas
 * gated until the next reply or the stale timeout).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlaybackQueueTest {
  private static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private final AtomicLong now = new AtomicLong(1_000);
  private final AudioCounters counters = new AudioCounters();
  private final PlaybackQueue queue = new PlaybackQueue(1, 100, STALE_NANOS, now::get, counters);

  private static OutputAudioDeltaEvent delta(int first, int length) {
    byte[] pcm = new byte[length];
    for (int i = 0; i < length; i++) {
      pcm[i] = (byte) (first + i);
    }
    return OutputAudioDeltaEvent.wrapping(pcm);
  }

  /** Everything queued, in order, as the writer would play it. */
  private byte[] drain() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PlaybackQueue.Chunk c;
    while ((c = queue.poll()) != null) {
      assertEquals(0, c.length % 2, "whole samples only");
      assertEquals(queue.generation(), c.generation);
      byte[] b = new byte[c.length];
      c.copy(0, b, c.length);
      out.writeBytes(b);
      queue.consumed(c.length);
    }
    return out.toByteArray();
  }

  private static byte[] range(int first, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  @Test
  void evenDeltasAreQueuedWhole() {
    assertEquals(QUEUED, queue.offer(delta(0, 8)));
    assertEquals(QUEUED, queue.offer(delta(8, 4)));
    assertEquals(12, queue.queuedBytes());
    assertFalse(queue.isEmpty());
    assertArrayEquals(range(0, 12), drain());
    assertEquals(0, queue.queuedBytes());
    assertTrue(queue.isEmpty());
    assertEquals(2, counters.deltasReceived.get());
  }

  @Test
  void oddDeltasAreJoinedOnSampleBoundaries() {
    assertEquals(QUEUED, queue.offer(delta(0, 5))); // 4 bytes queued, 1 carried
    assertEquals(4, queue.queuedBytes());
    assertEquals(QUEUED, queue.offer(delta(5, 1))); // the carried byte and this one: one sample
    assertEquals(6, queue.queuedBytes());
    assertEquals(NOTHING, queue.offer(delta(6, 1)), "a lone byte waits for its pair");
    assertEquals(QUEUED, queue.offer(delta(7, 4))); // 6 + 7 joined, then 8, 9, 10 (10 carried)
    assertEquals(10, queue.queuedBytes());
    assertArrayEquals(range(0, 10), drain());
  }

  @Test
  void anEmptyDeltaQueuesNothingEvenWithACarriedByte() {
    assertEquals(NOTHING, queue.offer(delta(0, 0)));
    assertEquals(QUEUED, queue.offer(delta(0, 3)));
    assertEquals(NOTHING, queue.offer(delta(3, 0)));
    assertEquals(QUEUED, queue.offer(delta(3, 1)));
    assertArrayEquals(range(0, 4), drain());
  }

  @Test
  void aFullQueueDropsTheOldestAudioAndCountsIt() {
    queue.offer(delta(0, 40));
    queue.offer(delta(40, 40));
    queue.offer(delta(80, 20)); // exactly at capacity: nothing dropped
    assertEquals(100, queue.queuedBytes());
    assertEquals(0, counters.bytesDroppedQueueFull.get());
    queue.offer(delta(100, 30)); // 130 > 100: the oldest 40 go
    assertEquals(90, queue.queuedBytes());
    assertEquals(40, counters.bytesDroppedQueueFull.get());
    queue.offer(delta(-126, 60)); // 150 > 100: 40 and 20 go
    assertEquals(100, counters.bytesDroppedQueueFull.get());
    byte[] expected = new byte[90];
    System.arraycopy(range(100, 30), 0, expected, 0, 30);
    System.arraycopy(range(-126, 60), 0, expected, 30, 60);
    assertArrayEquals(expected, drain());
  }

  @Test
  void polledBytesStayCountedUntilConsumed() {
    queue.offer(delta(0, 10));
    PlaybackQueue.Chunk c = queue.poll();
    assertEquals(10, queue.queuedBytes());
    queue.consumed(4);
    assertEquals(6, queue.queuedBytes());
    byte[] tail = new byte[6];
    c.copy(4, tail, 6);
    assertArrayEquals(range(4, 6), tail);
    queue.consumed(6);
    assertEquals(0, queue.queuedBytes());
    assertNull(queue.poll());
  }

  @Test
  void bargeInDiscardsEverythingAndGatesStaleDeltas() {
    queue.offer(delta(0, 10));
    queue.offer(delta(10, 3)); // 12 queued, 1 carried
    long before = queue.generation();
    queue.interrupt(true);
    assertEquals(before + 1, queue.generation());
    assertEquals(12, counters.bytesDiscardedByInterruption.get());
    assertEquals(0, queue.queuedBytes());
    assertTrue(queue.isEmpty());
    // The rest of the old reply still arriving is dropped and counted.
    assertEquals(STALE, queue.offer(delta(20, 4)));
    now.addAndGet(STALE_NANOS - 1);
    assertEquals(STALE, queue.offer(delta(20, 4)));
    assertEquals(2, counters.staleDeltasDropped.get());
    // At the stale timeout, deltas play again, without the byte carried from before.
    now.addAndGet(1);
    assertEquals(QUEUED, queue.offer(delta(30, 2)));
    assertArrayEquals(range(30, 2), drain());
  }

  @Test
  void aNewReplyEndsTheGateAtOnce() {
    queue.offer(delta(0, 3));
    queue.interrupt(true);
    assertEquals(STALE, queue.offer(delta(0, 2)));
    queue.replyStarted();
    assertEquals(QUEUED, queue.offer(delta(40, 2)));
    assertArrayEquals(range(40, 2), drain(), "nothing of the old reply, no carried byte");
  }

  @Test
  void aNewReplyDropsAByteCarriedFromTheLastOne() {
    queue.offer(delta(0, 3));
    queue.replyStarted();
    queue.offer(delta(10, 2));
    assertArrayEquals(new byte[] {0, 1, 10, 11}, drain());
  }

  @Test
  void aLostConnectionDiscardsWithoutGating() {
    queue.offer(delta(0, 4));
    queue.interrupt(false);
    assertEquals(4, counters.bytesDiscardedByInterruption.get());
    assertEquals(QUEUED, queue.offer(delta(8, 2)), "no gate: the next reply plays at once");
    assertEquals(0, counters.staleDeltasDropped.get());
    assertArrayEquals(range(8, 2), drain());
  }

  @Test
  void chunksOfAnOlderGenerationAreRecognisable() {
    queue.offer(delta(0, 4));
    PlaybackQueue.Chunk old = queue.poll();
    queue.interrupt(false);
    assertTrue(old.generation != queue.generation());
    queue.consumed(old.length);
    assertEquals(0, queue.queuedBytes(), "what the writer holds counts until consumed");
  }
}
