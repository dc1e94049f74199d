package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class PcmPushSourceTest {

  private static final PcmFormat STEREO_8K = PcmFormat.pcm16(8000, 2); // 4-byte frames

  @Test
  void deliversWholeFramesFromPushesOfAnyLength() {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    assertEquals(STEREO_8K, source.open(PcmFormat.pcm16Mono(24_000)), "pushed format wins");
    byte[] stream = new byte[403];
    for (int i = 0; i < stream.length; i++) {
      stream[i] = (byte) i;
    }
    assertTrue(source.push(stream, 0, 3));
    assertTrue(source.push(ByteBuffer.wrap(stream, 3, 6)));
    assertTrue(source.push(stream, 9, 394));
    source.endOfStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[7];
    for (int n; (n = source.read(chunk, 0, chunk.length)) != -1; ) {
      assertEquals(4, n, "7-byte reads return one 4-byte frame");
      out.write(chunk, 0, n);
    }
    assertArrayEquals(Arrays.copyOf(stream, 400), out.toByteArray(), "incomplete tail dropped");
    assertEquals(0, source.droppedBytes());
  }

  @Test
  void overflowDropsWholeNewestFramesCountsThemAndKeepsAlignment() {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 1); // 8 frames = 32 bytes
    source.open(STEREO_8K);
    assertEquals(32, source.capacityBytes());
    byte[] frames = new byte[40];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = (byte) (i / 4); // byte value = frame number
    }
    assertTrue(source.push(frames, 0, 30)); // 7.5 frames buffered
    // Room for the half frame's completion and nothing else: the 2 bytes complete frame 7; the
    // other 8 bytes (frames 8 and 9) are dropped.
    assertFalse(source.push(frames, 30, 10));
    assertEquals(8, source.droppedBytes());
    // A push that cuts a frame while full: its first 2 bytes are a new frame's start, dropped; the
    // rest of that frame arrives next and is dropped too, so frame boundaries survive.
    assertFalse(source.push(new byte[] {50, 50}));
    assertEquals(10, source.droppedBytes());
    byte[] all = new byte[64];
    assertEquals(32, source.read(all, 0, 64));
    for (int i = 0; i < 32; i++) {
      assertEquals(i / 4, all[i], "byte " + i);
    }
    assertFalse(source.push(new byte[] {50, 50, 60, 60, 60, 60}), "rest of the cut frame");
    assertEquals(12, source.droppedBytes());
    assertEquals(4, source.read(all, 0, 64));
    assertArrayEquals(new byte[] {60, 60, 60, 60}, Arrays.copyOf(all, 4));
  }

  @Test
  void pushAfterEndOrCloseIsRefusedAndCounted() {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    source.open(STEREO_8K);
    assertTrue(source.push(new byte[8]));
    source.endOfStream();
    assertFalse(source.push(new byte[4]));
    assertEquals(4, source.droppedBytes());
    assertEquals(8, source.read(new byte[16], 0, 16), "buffered audio drains after the end");
    assertEquals(-1, source.read(new byte[16], 0, 16));
    source.close();
    assertFalse(source.push(new byte[4]));
    assertEquals(8, source.droppedBytes());
  }

  @Test
  void readBlocksUntilAPushArrives() throws Exception {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    source.open(STEREO_8K);
    Blocking reader = Blocking.watch(source);
    byte[] buffer = new byte[64];
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(() -> source.read(buffer, 0, buffer.length));
    reader.awaitBlocked();
    assertFalse(read.isDone());
    source.push(new byte[] {1, 2, 3});
    assertFalse(read.isDone(), "less than a frame does not wake the reader");
    source.push(new byte[] {4, 5});
    assertEquals(4, read.get(5, SECONDS));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOf(buffer, 4));
    source.close();
  }

  @Test
  void closeUnblocksABlockedRead() throws Exception {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    source.open(STEREO_8K);
    Blocking reader = Blocking.watch(source);
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(() -> source.read(new byte[64], 0, 64));
    reader.awaitBlocked();
    source.close();
    assertEquals(-1, read.get(5, SECONDS));
    source.close(); // idempotent
  }

  @Test
  void misuseIsRejected() {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    assertThrows(IllegalStateException.class, () -> source.read(new byte[8], 0, 8));
    source.open(STEREO_8K);
    assertThrows(IllegalStateException.class, () -> source.open(STEREO_8K));
    assertThrows(IllegalArgumentException.class, () -> source.read(new byte[8], 0, 3));
    assertThrows(IllegalArgumentException.class,
        () -> PcmPushSource.create(PcmFormat.pcm16Mono(8000), 0));
  }

  @Test
  void readAvailableNeverWaitsAndReturnsWholeFramesOnly() {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    source.open(STEREO_8K);
    byte[] out = new byte[16];
    assertEquals(0, source.readAvailable(out, 0, 16), "nothing buffered");
    source.push(new byte[] {1, 2, 3});
    assertEquals(0, source.readAvailable(out, 0, 16), "less than one frame");
    source.push(new byte[] {4, 5, 6, 7, 8, 9});
    assertEquals(8, source.readAvailable(out, 0, 16), "two whole frames, the rest waits");
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOf(out, 8));
    source.endOfStream();
    assertEquals(-1, source.readAvailable(out, 0, 16), "ended; the half frame is discarded");
    assertThrows(IllegalArgumentException.class, () -> source.readAvailable(out, 0, 3));
    PcmPushSource unopened = PcmPushSource.create(STEREO_8K, 100);
    assertThrows(IllegalStateException.class, () -> unopened.readAvailable(out, 0, 16));
    PcmPushSource closed = PcmPushSource.create(STEREO_8K, 100);
    closed.open(STEREO_8K);
    closed.push(new byte[8]);
    closed.close();
    assertEquals(-1, closed.readAvailable(out, 0, 16), "closed: the buffer is discarded");
  }

  @Test
  void theAvailabilityListenerRunsOnThePushingThreadWithNoLockHeld() throws Exception {
    PcmPushSource source = PcmPushSource.create(STEREO_8K, 100);
    source.open(STEREO_8K);
    java.util.List<String> calls = new java.util.ArrayList<>();
    Thread test = Thread.currentThread();
    source.setAvailabilityListener(() -> {
      assertTrue(Thread.currentThread() == test, "runs on the thread that pushed");
      // Another thread can take the source's lock while the listener runs.
      int buffered;
      try {
        buffered = CompletableFuture.supplyAsync(source::bufferedBytes).get(5, SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the listener ran holding the source's lock", e);
      }
      calls.add("buffered=" + buffered);
    });
    source.push(new byte[3]);
    assertEquals(java.util.List.of(), calls, "no whole frame yet: no call");
    source.push(new byte[1]);
    assertEquals(java.util.List.of("buffered=4"), calls);
    source.endOfStream();
    source.close();
    assertEquals(java.util.List.of("buffered=4", "buffered=4", "buffered=0"), calls,
        "called after the end of stream and after close too");
    source.setAvailabilityListener(null);
    source.close();
    assertEquals(3, calls.size(), "removed");
  }
}
