package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent's audio to two sinks at once: one queue, neither sink waiting for the other. */
class SecondSinkTest extends LoopbackSessionTest {
  static final PcmFormat FMT = SessionAudioTest.FMT;

  /** A second sink that stalls on its first write until released, and then records. */
  static final class StalledSink implements AudioSink {
    final RecordingSink inner = new RecordingSink();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch writing = new CountDownLatch(1);
    volatile int flushes;

    @Override
    public PcmFormat open(PcmFormat requested) {
      return inner.open(requested);
    }

    @Override
    public PcmFormat format() {
      return inner.format();
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      writing.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inner.write(buffer, offset, length);
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void drain() {}

    @Override
    public long framesPlayed() {
      return inner.framesPlayed();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void aStalledSecondSinkNeverHoldsUpTheFirst() throws Exception {
    FakeConnection conn = open();
    PcmPullSink caller = PcmPullSink.create(FMT, 200);
    StalledSink stalled = new StalledSink();
    MirrorTap mirror = (MirrorTap) AudioTap.mirrorTo(stalled, 200);
    SessionAudio audio = session.attachAudio(null, caller,
        AudioOptions.builder().tap(mirror).build());
    byte[] reply = SessionAudioTest.reply(1_000, 7);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, reply);
    conn.send(new AgentStopTalkingEvent(null));
    // The first sink plays the whole reply while the second is stuck in its first write.
    assertArrayEquals(reply, SessionAudioTest.pull(caller, reply.length, FMT.bytesForMillis(20)));
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    assertTrue(stalled.writing.await(5, TimeUnit.SECONDS));
    assertEquals(0, stalled.inner.bytes().length);

    // Released, the second sink finishes the piece it was writing and then gets the newest
    // 200 ms: it fell behind by more than its buffer, so it lost audio (counted), and the first
    // sink lost nothing.
    stalled.release.countDown();
    int piece = FMT.bytesForMillis(10);
    int kept = FMT.bytesForMillis(200);
    // The mirror drops (and counts) before it writes: its last write comes after its last drop.
    stalled.inner.changes().await(WAIT, () -> stalled.inner.bytes().length
        + mirror.bytesDropped() == reply.length, "the mirror to finish");
    byte[] got = stalled.inner.bytes();
    assertTrue(got.length <= piece + kept, got.length + " bytes");
    int tail = got.length - piece;
    assertArrayEquals(Arrays.copyOfRange(reply, reply.length - tail, reply.length),
        Arrays.copyOfRange(got, piece, got.length), "the newest audio");
    assertTrue(mirror.bytesDropped() >= reply.length - piece - kept);
    assertEquals(reply.length, audio.stats().deltaBytesPlayed());
  }

  @Test
  void bothSinksGetTheSameAudioAndAnInterruptionFlushesBoth() throws Exception {
    FakeConnection conn = open();
    PcmPullSink caller = PcmPullSink.create(FMT, 100);
    StalledSink second = new StalledSink();
    second.release.countDown(); // never stalls here
    SessionAudio audio = session.attachAudio(null, caller,
        AudioOptions.builder().alsoPlayTo(second).build());
    byte[] first = SessionAudioTest.reply(1_000, 0);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(first);
    SessionAudioTest.awaitFull(caller);
    SessionAudioTest.pull(caller, FMT.bytesForMillis(60), FMT.bytesForMillis(20));
    conn.send(new InterruptionEvent());
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    assertTrue(second.flushes >= 1, "the cut flushed the second sink too");
    byte[] answer = SessionAudioTest.tone(FMT, 300);
    conn.sendAudio(SessionAudioTest.reply(40, -9_000)); // stale: neither sink gets it
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(answer);
    assertArrayEquals(answer, SessionAudioTest.pull(caller, answer.length, 4_096));
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    session.close();
    listener.awaitClosed(WAIT);
    second.inner.changes().await(WAIT, second.inner::isClosed,
        "the second sink closed with the session");

    // The second sink got what the first was given and no more: a prefix of the interrupted
    // reply (at most what the first sink played and held when the cut came; what the mirror had
    // not written yet went with the cut), then the whole answer.
    byte[] got = second.inner.bytes();
    int prefix = got.length - answer.length;
    assertTrue(prefix >= 0 && prefix <= FMT.bytesForMillis(60) + caller.capacityBytes(),
        "prefix of " + prefix + " bytes");
    assertArrayEquals(Arrays.copyOf(first, prefix), Arrays.copyOf(got, prefix));
    assertArrayEquals(answer, Arrays.copyOfRange(got, prefix, got.length));
  }

  @Test
  void aSecondSinkInAnotherFormatIsConverted() throws Exception {
    FakeConnection conn = open();
    PcmPullSink caller = PcmPullSink.create(FMT, 2_000);
    PcmFormat phone = PcmFormat.muLaw(FMT.sampleRateHz());
    RecordingSink second = new RecordingSink(phone);
    SessionAudio audio = session.attachAudio(null, caller,
        AudioOptions.builder().alsoPlayTo(second).build());
    byte[] answer = SessionAudioTest.tone(FMT, 300);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(answer);
    assertArrayEquals(answer, SessionAudioTest.pull(caller, answer.length, 4_096));
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    second.changes().await(WAIT, () -> second.bytes().length == answer.length / 2, "the mirror");
    assertArrayEquals(PcmConverter.convertAll(FMT, phone, answer), second.bytes());
  }

  @Test
  void aTapThatThrowsIsReportedOnceAndDetachedAndAudioGoesOn() throws Exception {
    FakeConnection conn = open();
    PcmPullSink caller = PcmPullSink.create(FMT, 2_000);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    AudioTap broken = new AudioTap() {
      @Override
      public void started(PcmFormat sessionFormat, AudioClock clock) {}

      @Override
      public void userAudio(byte[] pcm, int offset, int length, long nanos) {}

      @Override
      public void agentAudio(byte[] pcm, int offset, int length, long nanos) {
        calls.incrementAndGet();
        throw new IllegalStateException("broken tap");
      }

      @Override
      public void agentAudioCut(long nanos) {}

      @Override
      public void stopped(long nanos) {}
    };
    SessionAudio audio = session.attachAudio(null, caller,
        AudioOptions.builder().tap(broken).build());
    byte[] answer = SessionAudioTest.reply(300, 11);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, answer);
    assertArrayEquals(answer, SessionAudioTest.pull(caller, answer.length, 4_096));
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    listener.awaitAudioErrors(1, WAIT);
    assertEquals(1, listener.audioErrors().size(), "the tap's failure, reported once");
    assertTrue(listener.audioErrors().get(0).getMessage().contains("broken tap"));
    assertEquals(1, calls.get(), "detached after its first failure");
  }
}
