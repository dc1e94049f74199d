package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hostile and malformed server input against a real session (PROTOCOL.md §2: never fail the session
 * on a frame that does not parse; report it and go on). After each attack the session must still be
 * OPEN and answer a {@code sendText}, every bad frame must be reported through {@code
 * onInvalidFrame} and counted in {@code SessionStats.invalidFrames}, and huge frames must not stay
 * in memory once handled.
 */
class HostileInputTest extends LoopbackSessionTest {
  static final int MB = 1024 * 1024;

  FakeConnection conn;

  @Override
  protected String apiKey() {
    return "key_hostile";
  }

  @Override
  protected FakeAtomsServer.Builder server(FakeAtomsServer.Builder builder) {
    return builder; // any credential
  }

  private void open(dev.atomsrealtime.SessionListener l) throws Exception {
    conn = open(SessionOptions.builder().build(), l);
  }

  /** The session is unharmed: still OPEN, and a text sent now reaches the server. */
  private void assertStillServing(String marker) {
    assertEquals(SessionState.OPEN, session.state());
    session.sendText(marker);
    InputTextSendEvent got;
    do {
      got = conn.awaitReceived(InputTextSendEvent.class, WAIT);
    } while (!got.text().equals(marker));
  }

  /** Used heap after full collections, the lowest of a few (GC is not exact). */
  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  @Test
  void everyKindOfBadFrameIsReportedAndTheSessionCarriesOn() throws Exception {
    open(listener);
    String deep =
        "{\"type\":\"transcript\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    List<Runnable> attacks =
        List.of(
            () -> conn.sendRaw(deep),
            () -> conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":\"not base64!\"}"),
            () -> conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":\"QUJD\\nRA==\"}"),
            () -> conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":\"A\"}"),
            () -> conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":42}"),
            () ->
                conn.sendBinary(
                    new byte[] {
                      '{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xff, '"', '}'
                    }),
            () -> conn.sendBinary(new byte[] {(byte) 0xc0, (byte) 0xaf}),
            () -> conn.sendRaw("not json at all"),
            () -> conn.sendRaw("[1,2,3]"),
            () -> conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":\"AAAA\"} trailing"),
            () -> conn.sendRaw("{\"type\":\"function_call\",\"arguments\":[1]}"),
            () -> conn.sendRaw(""));
    for (Runnable attack : attacks) {
      attack.run();
    }
    List<InvalidFrameException> invalid = listener.awaitInvalidFrames(attacks.size(), WAIT);
    assertEquals(attacks.size(), invalid.size());
    assertStillServing("after bad frames");
    assertEquals(attacks.size(), session.stats().invalidFrames());
    for (InvalidFrameException e : invalid) {
      assertTrue(e.getMessage().length() < 600, "a short report: " + e.getMessage().length());
    }

    // Frames that are odd but valid are delivered, not reported.
    conn.sendRaw("{\"type\":\"conversation.item.created\",\"item\":{\"id\":\"x\"}}");
    conn.sendAudio(new byte[] {1});
    conn.sendAudio(new byte[] {2, 3, 4});
    conn.sendRaw(
        "{\"type\":\"transcript_delta\",\"role\":\"agent\",\"text\":\"\\u00e9\\ud83d\\ude00\"}");
    UnknownServerEvent unknown = listener.awaitEvent(UnknownServerEvent.class, WAIT);
    assertEquals("conversation.item.created", unknown.type());
    assertTrue(unknown.rawJson().contains("\"id\":\"x\""));
    assertArrayEquals(
        new byte[] {1}, listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT).audioCopy());
    assertArrayEquals(
        new byte[] {2, 3, 4}, listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT).audioCopy());
    assertEquals(
        "\u00e9\ud83d\ude00", listener.awaitEvent(TranscriptDeltaEvent.class, WAIT).text());
    assertStillServing("after odd frames");
    assertEquals(attacks.size(), session.stats().invalidFrames());
  }

  /** Counts without keeping events, so that only the SDK could hold on to a huge frame. */
  static final class SizeListener extends RecordingListener {
    final AtomicLong largestText = new AtomicLong();
    final AtomicInteger seen = new AtomicInteger();
    final CountDownLatch transcript = new CountDownLatch(1);
    final java.util.concurrent.Semaphore transcripts = new java.util.concurrent.Semaphore(0);

    @Override
    public void onEvent(AtomsSession s, ServerEvent event) {
      seen.incrementAndGet();
      if (event instanceof TranscriptEvent t) {
        largestText.accumulateAndGet(t.text().length(), Math::max);
        transcript.countDown();
        transcripts.release();
      }
    }
  }

  /**
   * Used heap after collections, once every thread on the path has moved past a large frame: a
   * thread may hold its last message in a dead local until it handles the next one, so up to
   * three small messages go round (client to server, server to client, through the listener)
   * before the figure is taken again. A frame that stays reachable after that is a leak.
   */
  private long usedHeapAfterRoundTrips(SizeListener sizes, long before) throws Exception {
    long after = usedHeapAfterGc();
    for (int i = 0; i < 3 && after - before >= 8L * MB; i++) {
      assertStillServing("round trip " + i);
      sizes.transcripts.drainPermits();
      conn.sendRaw("{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"r" + i + "\"}");
      assertTrue(sizes.transcripts.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      after = usedHeapAfterGc();
    }
    return after;
  }

  @Test
  void aTwentyMegabyteFrameIsDeliveredAndThenReleased() throws Exception {
    SizeListener sizes = new SizeListener();
    open(sizes);
    long before = usedHeapAfterGc();
    char[] text = new char[20 * MB];
    Arrays.fill(text, 'a');
    conn.sendRaw(
        "{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"" + new String(text) + "\"}");
    text = null;
    assertTrue(sizes.transcript.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(20 * MB, sizes.largestText.get());
    assertStillServing("after 20 MB");
    long after = usedHeapAfterRoundTrips(sizes, before);
    System.out.printf(
        "20 MB frame: used heap %.1f MB before, %.1f MB after%n",
        before / (double) MB, after / (double) MB);
    assertTrue(
        after - before < 8L * MB,
        "the frame must not stay reachable: heap grew by " + (after - before) / MB + " MB");
    assertEquals(0, session.stats().invalidFrames());
  }

  @Test
  void aTwentyMegabyteInvalidFrameIsReportedWithoutPinningIt() throws Exception {
    // The listener keeps every InvalidFrameException, as an application logging them might.
    open(listener);
    long before = usedHeapAfterGc();
    byte[] frame = new byte[20 * MB];
    Arrays.fill(frame, (byte) 'A');
    byte[] head = "{\"type\":\"output_audio.delta\",\"audio\":\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, frame, 0, head.length);
    frame[frame.length - 2] = '!'; // invalid base64, and the closing quote is missing
    frame[frame.length - 1] = '}';
    conn.sendBinary(frame);
    frame = null;
    InvalidFrameException e = listener.awaitInvalidFrames(1, WAIT).get(0);
    assertTrue(e.getMessage().length() < 600, e.getMessage());
    assertStillServing("after 20 MB of garbage");
    long after = usedHeapAfterGc();
    System.out.printf(
        "20 MB invalid frame: used heap %.1f MB before, %.1f MB after%n",
        before / (double) MB, after / (double) MB);
    assertTrue(
        after - before < 8L * MB,
        "a kept report must not pin the frame: heap grew by " + (after - before) / MB + " MB");
    assertEquals(1, session.stats().invalidFrames());
    assertInstanceOf(InvalidFrameException.class, listener.invalidFrames().get(0));
  }

  @Test
  void aFloodOfFiftyThousandSmallEventsIsDeliveredInOrder() throws Exception {
    int n = 50_000;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(1);
    RecordingListener counting =
        new RecordingListener() {
          @Override
          public void onEvent(AtomsSession s, ServerEvent event) {
            if (event instanceof TranscriptDeltaEvent d) {
              int seen = next.getAndIncrement();
              if (Integer.parseInt(d.text()) != seen) {
                outOfOrder.incrementAndGet();
              }
              if (seen == n - 1) {
                all.countDown();
              }
            }
          }
        };
    open(counting);
    for (int i = 0; i < n; i++) {
      conn.sendRaw("{\"type\":\"transcript.delta\",\"role\":\"assistant\",\"text\":\"" + i + "\"}");
    }
    assertStillServing("after the flood");
    assertTrue(all.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), next.get() + " of " + n);
    assertEquals(n, next.get());
    assertEquals(0, outOfOrder.get());
    assertEquals(0, session.stats().invalidFrames());
    assertTrue(counting.violations().isEmpty(), counting.violations().toString());
  }
}
