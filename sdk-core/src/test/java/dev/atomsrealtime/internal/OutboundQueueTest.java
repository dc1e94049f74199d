package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The outbound queue on its own: order, the high-water mark, the audio bound, and frames never
 * crossing from one connection into the next. The transport is a recording fake whose queue depth
 * the test sets; the retry scheduler records what is scheduled and runs it when told.
 */
@Timeout(10)
class OutboundQueueTest {
  private final ScriptedScheduler scheduler = new ScriptedScheduler();
  private final OutboundQueue queue = new OutboundQueue(scheduler.proxy, 7);

  @Test
  void nothingIsQueuedWithoutAConnection() {
    assertFalse(queue.send(frame("a"), false));
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void framesGoOutInOrderAndAudioIsCounted() {
    FakeTransport t = new FakeTransport();
    queue.attach(t, 1000, 1000);
    assertTrue(queue.send(frame("c1"), false));
    assertTrue(queue.send(frame("a1"), true));
    assertTrue(queue.send(frame("a2"), true));
    assertEquals(List.of("c1", "a1", "a2"), t.sentText());
    assertEquals(2, queue.audioSent());
    assertEquals(0, queue.audioDropped());
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void queuedBytesCountsWaitingFramesAndTheTransportsQueue() {
    FakeTransport t = new FakeTransport();
    t.queued = 500; // at the high-water mark: everything waits here
    queue.attach(t, 1000, 500);
    queue.send(frame("xxxx"), false);
    queue.send(frame("yy"), true);
    assertEquals(List.of(), t.sentText());
    assertEquals(500 + 4 + 2, queue.queuedBytes());
    // One retry is scheduled however many frames wait, 5 ms out.
    assertEquals(1, scheduler.scheduled.size());
    assertEquals(5, scheduler.delaysMillis.get(0));

    t.queued = 499; // below the mark: the retry moves them on, in order
    scheduler.runScheduled();
    assertEquals(List.of("xxxx", "yy"), t.sentText());
    assertEquals(499, queue.queuedBytes());
    assertEquals(1, queue.audioSent());
  }

  @Test
  void aRetryIsScheduledAgainAfterTheFirstOneRan() {
    FakeTransport t = new FakeTransport();
    t.queued = 10;
    queue.attach(t, 1000, 10);
    queue.send(frame("a"), false);
    queue.send(frame("b"), false);
    assertEquals(1, scheduler.scheduled.size());
    scheduler.runScheduled(); // still full: a new retry
    assertEquals(1, scheduler.scheduled.size());
    t.queued = 0;
    scheduler.runScheduled();
    assertEquals(List.of("a", "b"), t.sentText());
    assertEquals(0, scheduler.scheduled.size());
  }

  @Test
  void underPressureTheOldestAudioIsDroppedButControlFramesStay() {
    FakeTransport t = new FakeTransport();
    t.queued = 100;
    queue.attach(t, 6, 100); // at most 6 bytes of audio wait
    queue.send(frame("c1"), false);
    queue.send(frame("aaa"), true);
    queue.send(frame("bbb"), true);
    queue.send(frame("c2"), false);
    queue.send(frame("ccc"), true); // 9 bytes of audio: the oldest (aaa) goes
    assertEquals(1, queue.audioDropped());
    assertEquals(100 + 2 + 3 + 3 + 2, queue.queuedBytes());
    t.queued = 0;
    scheduler.runScheduled();
    assertEquals(List.of("c1", "bbb", "c2", "ccc"), t.sentText());
    assertEquals(2, queue.audioSent());
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void audioExactlyAtTheBoundIsKept() {
    FakeTransport t = new FakeTransport();
    t.queued = 100;
    queue.attach(t, 6, 100);
    queue.send(frame("aaa"), true);
    queue.send(frame("bbb"), true);
    assertEquals(0, queue.audioDropped());
    t.queued = 0;
    scheduler.runScheduled();
    assertEquals(List.of("aaa", "bbb"), t.sentText());
  }

  @Test
  void framesQueuedForAnEndedConnectionNeverReachTheNextOne() {
    FakeTransport first = new FakeTransport();
    first.queued = 100;
    queue.attach(first, 1000, 100);
    queue.send(frame("old-control"), false);
    queue.send(frame("old-audio"), true);
    assertEquals(List.of(), first.sentText());

    FakeTransport second = new FakeTransport();
    queue.attach(second, 1000, 100);
    queue.send(frame("new"), false);
    assertEquals(List.of("new"), second.sentText());
    assertEquals(List.of(), first.sentText());
    assertEquals(0, queue.queuedBytes());
    assertEquals(0, queue.audioSent());
  }

  @Test
  void detachingDiscardsWhatWaits() {
    FakeTransport t = new FakeTransport();
    t.queued = 100;
    queue.attach(t, 1000, 100);
    queue.send(frame("a"), true);
    queue.send(frame("b"), false);
    queue.detach();
    assertEquals(0, queue.queuedBytes());
    assertFalse(queue.send(frame("c"), false));
    t.queued = 0;
    scheduler.runScheduled();
    assertEquals(List.of(), t.sentText());
  }

  @Test
  void aRefusedRetryLeavesFramesWaitingAndRetriesOnTheNextSend() {
    FakeTransport t = new FakeTransport();
    t.queued = 100;
    scheduler.refuse = true;
    queue.attach(t, 1000, 100);
    queue.send(frame("a"), false);
    assertEquals(0, scheduler.scheduled.size());
    scheduler.refuse = false;
    queue.send(frame("b"), false); // the flag was reset: a retry can be scheduled again
    assertEquals(1, scheduler.scheduled.size());
    t.queued = 0;
    scheduler.runScheduled();
    assertEquals(List.of("a", "b"), t.sentText());
  }

  @Test
  void aFrameSentWhileAnotherThreadWritesWaitsItsTurnAndFollowsInOrder() throws Exception {
    java.util.concurrent.CountDownLatch inTransport = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    FakeTransport t = new FakeTransport() {
      @Override
      public boolean sendText(byte[] utf8) {
        threads.add(Thread.currentThread().getName());
        boolean ok = super.sendText(utf8);
        if (new String(utf8, StandardCharsets.UTF_8).equals("first")) {
          inTransport.countDown();
          try {
            release.await(5, TimeUnit.SECONDS); // the writer is busy in the transport
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return ok;
      }
    };
    queue.attach(t, 1000, 1000);
    Thread writer = new Thread(() -> queue.send(frame("first"), true), "writer");
    writer.start();
    assertTrue(inTransport.await(5, TimeUnit.SECONDS));
    // The writer is inside the transport: this frame must not overtake or interleave with it.
    assertTrue(queue.send(frame("second"), true));
    assertEquals(List.of("first"), t.sentText());
    assertEquals(6, queue.queuedBytes(), "it waits here");
    release.countDown();
    writer.join(5_000);
    // The busy writer took it on its way out, in order, before its send returned.
    assertEquals(List.of("first", "second"), t.sentText());
    assertEquals(List.of("writer", "writer"), threads);
    assertEquals(0, queue.queuedBytes());
    assertEquals(2, queue.audioSent());
  }

  @Test
  void aFrameThatFindsTheTransportFullWaitsEvenWithNothingQueued() {
    FakeTransport t = new FakeTransport();
    queue.attach(t, 1000, 100);
    t.queued = 100;
    assertTrue(queue.send(frame("late"), true));
    assertEquals(List.of(), t.sentText());
    assertEquals(1, scheduler.scheduled.size(), "a retry moves it on");
    t.queued = 0;
    assertTrue(queue.send(frame("later"), true));
    assertEquals(List.of("late", "later"), t.sentText(), "the waiting frame goes first");
  }

  private static byte[] frame(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A transport that records what it is given and reports the queue depth the test sets. */
  static class FakeTransport implements Transport {
    final List<byte[]> sent = new ArrayList<>();
    volatile long queued;

    List<String> sentText() {
      List<String> out = new ArrayList<>();
      sent.forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
      return out;
    }

    @Override
    public void start() {}

    @Override
    public boolean sendText(byte[] utf8) {
      sent.add(utf8);
      return true;
    }

    @Override
    public void sendPing() {}

    @Override
    public long queuedBytes() {
      return queued;
    }

    @Override
    public void close(int code, String reason) {}

    @Override
    public void abort() {}
  }

  /**
   * Records scheduled tasks instead of running them (the queue only ever calls {@code
   * schedule(Runnable, long, TimeUnit)}); {@link #runScheduled} runs what is recorded.
   */
  static final class ScriptedScheduler {
    final List<Runnable> scheduled = new ArrayList<>();
    final List<Long> delaysMillis = new ArrayList<>();
    boolean refuse;
    final ScheduledExecutorService proxy =
        (ScheduledExecutorService) java.lang.reflect.Proxy.newProxyInstance(
            ScheduledExecutorService.class.getClassLoader(),
            new Class<?>[] {ScheduledExecutorService.class},
            (p, method, args) -> {
              if (!method.getName().equals("schedule") || !(args[0] instanceof Runnable)) {
                throw new UnsupportedOperationException(method.getName());
              }
              if (refuse) {
                throw new RejectedExecutionException("shut down");
              }
              scheduled.add((Runnable) args[0]);
              delaysMillis.add(((TimeUnit) args[2]).toMillis((Long) args[1]));
              return null; // the queue keeps no handle
            });

    void runScheduled() {
      List<Runnable> due = new ArrayList<>(scheduled);
      scheduled.clear();
      delaysMillis.clear();
      due.forEach(Runnable::run);
    }
  }
}
