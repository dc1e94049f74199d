package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PcmPushSource} and {@link PcmPullSink} attached to a session against a server on
 * loopback: the session drives them from the pushing, receiving and reading threads, with no audio
 * thread of its own, and keeps every guarantee of the threaded path (order, back-pressure without
 * loss, barge-in, a graceful end).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class NonBlockingAudioTest {
  static final String KEY = "sk_nonblocking_test";
  static final Duration WAIT = Duration.ofSeconds(5);
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);

  FakeAtomsServer server;
  AtomsClient client;
  RecordingListener listener;
  AtomsSession session;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).build().start();
    client = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).build();
    listener = new RecordingListener();
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    client.close();
    server.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  private FakeConnection open() throws Exception {
    session = client.newSession(SessionOptions.builder().agentId("a").build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    return server.awaitConnection(WAIT);
  }

  /** Live threads of the audio engine: {@code atoms-capture-N} and {@code atoms-playback-N}. */
  static long audioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.matches("atoms-(capture|playback)-\\d+"))
        .count();
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }

  /** Reads exactly {@code bytes} from the sink in reads of at most {@code step} bytes. */
  static byte[] pull(PcmPullSink sink, int bytes, int step) throws InterruptedException {
    byte[] out = new byte[bytes];
    int got = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got < bytes) {
      int n = sink.read(out, got, Math.min(step, bytes - got), 100, TimeUnit.MILLISECONDS);
      if (n < 0) {
        throw new AssertionError("sink closed after " + got + " of " + bytes + " bytes");
      }
      got += n;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + got + " of " + bytes + " bytes arrived");
      }
    }
    return out;
  }

  static byte[] sentAudio(List<ClientEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ClientEvent e : events) {
      byte[] b = ((InputAudioBufferAppendEvent) e).audioCopy();
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  @Test
  void aPushSourceAndAPullSinkNeedNoAudioThread() throws Exception {
    FakeConnection conn = open();
    long before = audioThreads();
    PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
    PcmPullSink speaker = PcmPullSink.create(FMT, 200);
    SessionAudio audio = session.attachAudio(mic, speaker,
        AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());

    // The caller's audio, pushed in 7 ms pieces: the server gets whole 20 ms chunks, in order.
    byte[] said = SessionAudioTest.tone(FMT, 200);
    int piece = FMT.bytesForMillis(7);
    for (int off = 0; off < said.length; off += piece) {
      assertTrue(mic.push(said, off, Math.min(piece, said.length - off)));
    }
    List<ClientEvent> got = conn.awaitReceivedCount(10, WAIT);
    for (ClientEvent e : got) {
      assertEquals(FMT.bytesForMillis(20), ((InputAudioBufferAppendEvent) e).audioCopy().length);
    }
    assertArrayEquals(said, sentAudio(got));

    // The agent's reply, pulled at the application's pace.
    byte[] reply = SessionAudioTest.reply(100, 500);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, reply);
    assertArrayEquals(reply, pull(speaker, reply.length, FMT.bytesForMillis(20)));

    assertEquals(before, audioThreads(), "no capture or playback thread was started");
    assertEquals(10, audio.stats().chunksSent());
    assertEquals(reply.length, audio.stats().deltaBytesPlayed());
    assertEquals(FMT.framesForMillis(100), audio.framesPlayed());
  }

  @Test
  void agentAudioThatDoesNotFitWaitsAndTheReaderMovesItOnWithNothingLost() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    SessionAudio audio = session.attachAudio(null, speaker);
    byte[] reply = SessionAudioTest.reply(1_000, 3);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, reply); // ten times what the sink holds, at once
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertEquals(speaker.capacityBytes(), speaker.bufferedBytes(), "the sink is full");
    assertEquals(900, audio.stats().queuedMillis(), "the rest waits in the playback queue");

    assertEquals(0, listener.callbacks().stream().filter(c -> c.startsWith("onTurnMetrics"))
        .count(), "the turn is not over while its audio waits");

    assertArrayEquals(reply, pull(speaker, reply.length, FMT.bytesForMillis(10)));
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    AudioStats stats = audio.stats();
    assertEquals(0, stats.queuedMillis());
    assertEquals(0, stats.bytesDroppedQueueFull());
    assertEquals(reply.length, stats.deltaBytesPlayed());
    TurnMetrics turn = listener.awaitTurnMetrics(WAIT);
    assertFalse(turn.interrupted(), "the turn completes once its audio was pulled");
  }

  @Test
  void anInterruptionEmptiesTheQueueAndTheSinkAtOnce() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    SessionAudio audio = session.attachAudio(null, speaker);
    byte[] first = SessionAudioTest.reply(1_000, 0);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(first);
    await(() -> speaker.bufferedBytes() == speaker.capacityBytes(), "a full sink");
    byte[] heard = pull(speaker, FMT.bytesForMillis(30), FMT.bytesForMillis(10));

    conn.send(new InterruptionEvent());
    // The engine handles the interruption on the read thread before the listener sees it.
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    assertEquals(0, speaker.bufferedBytes(), "the sink was flushed");
    assertEquals(0, audio.stats().queuedMillis(), "the queue was emptied");
    // What was in the sink counts as played (flushed there); the queue's rest as discarded.
    AudioStats stats = audio.stats();
    assertEquals(heard.length + speaker.capacityBytes(), stats.deltaBytesPlayed());
    assertEquals(first.length, stats.deltaBytesPlayed() + stats.bytesDiscardedByInterruption());
    assertEquals(0, speaker.poll(new byte[64], 0, 64), "nothing of the old reply is left");

    byte[] second = SessionAudioTest.reply(60, 20_000);
    conn.sendAudio(SessionAudioTest.reply(20, -5_000)); // stale: before the next reply starts
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(second);
    assertArrayEquals(second, pull(speaker, second.length, 4_096));
    assertEquals(1, audio.stats().staleDeltasDropped());
    TurnMetrics interrupted = listener.awaitTurnMetrics(WAIT);
    assertTrue(interrupted.interrupted());
  }

  @Test
  void aGracefulEndLeavesTheRestForTheReaderThenReleasesTheSink() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    session.attachAudio(null, speaker);
    byte[] goodbye = SessionAudioTest.reply(500, 9);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(goodbye);
    conn.send(new AgentStopTalkingEvent(null));
    conn.send(new SessionClosedEvent("ended"));
    conn.close(1000, "");
    assertTrue(listener.awaitClosed(WAIT).isNormal());

    // The session is over; the application still gets the whole goodbye, then the end.
    assertArrayEquals(goodbye, pull(speaker, goodbye.length, FMT.bytesForMillis(20)));
    assertEquals(-1, speaker.read(new byte[64], 0, 64, 5, TimeUnit.SECONDS),
        "released once everything was read");
  }

  @Test
  void aLostConnectionDiscardsWhatWasWaiting() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    SessionAudio audio = session.attachAudio(null, speaker);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(SessionAudioTest.reply(1_000, 9));
    await(() -> speaker.bufferedBytes() == speaker.capacityBytes(), "a full sink");
    conn.drop();
    listener.awaitClosed(WAIT);
    assertEquals(-1, speaker.read(new byte[64], 0, 64, 1, TimeUnit.SECONDS), "released at once");
    assertEquals(0, audio.stats().queuedMillis());
  }

  @Test
  void concurrentPushersNeverLoseOrSplitAudio() throws Exception {
    FakeConnection conn = open();
    PcmPushSource mic = PcmPushSource.create(FMT, 5_000);
    SessionAudio audio = session.attachAudio(mic, null,
        AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());
    int threads = 4;
    int pushes = 50;
    int pieceBytes = FMT.bytesForMillis(10);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> pushers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      byte[] piece = new byte[pieceBytes];
      short value = (short) (1_000 * (t + 1));
      for (int i = 0; i < piece.length; i += 2) {
        piece[i] = (byte) value;
        piece[i + 1] = (byte) (value >> 8);
      }
      pushers.add(CompletableFuture.runAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < pushes; i++) {
          assertTrue(mic.push(piece));
        }
      }));
    }
    go.countDown();
    for (CompletableFuture<Void> p : pushers) {
      p.get(5, TimeUnit.SECONDS);
    }
    mic.endOfStream();
    assertTrue(audio.awaitSourceEnded(WAIT));
    int chunks = threads * pushes * pieceBytes / FMT.bytesForMillis(20);
    byte[] sent = sentAudio(conn.awaitReceivedCount(chunks, WAIT));
    assertEquals(chunks, audio.stats().chunksSent());
    int[] samplesOf = new int[threads];
    for (int i = 0; i < sent.length; i += 2) {
      int v = (short) ((sent[i] & 0xff) | sent[i + 1] << 8);
      assertTrue(v % 1_000 == 0 && v >= 1_000 && v <= 1_000 * threads, "sample " + v);
      samplesOf[v / 1_000 - 1]++;
    }
    for (int t = 0; t < threads; t++) {
      assertEquals(pushes * pieceBytes / 2, samplesOf[t], "samples of pusher " + t);
    }
  }

  @Test
  void aPushSourceThatEndsIsFollowedBySilenceOnTheSharedScheduler() throws Exception {
    FakeConnection conn = open();
    long before = audioThreads();
    PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
    SessionAudio audio = session.attachAudio(mic, null);
    mic.push(SessionAudioTest.tone(FMT, 100));
    mic.endOfStream();
    assertTrue(audio.awaitSourceEnded(WAIT));
    List<ClientEvent> got = conn.awaitReceivedCount(10, WAIT);
    for (int i = 0; i < 5; i++) {
      assertTrue(!SessionAudioTest.silent((InputAudioBufferAppendEvent) got.get(i)));
    }
    for (int i = 5; i < 10; i++) {
      assertTrue(SessionAudioTest.silent((InputAudioBufferAppendEvent) got.get(i)),
          "the connection keeps hearing silence after the source ended");
    }
    assertEquals(before, audioThreads());
    session.close();
    long sentAtClose = audio.stats().chunksSent();
    assertTrue(audio.stats().silentChunksSent() >= 5);
    assertEquals(-1, mic.readAvailable(new byte[2], 0, 2), "the source was released");
    assertEquals(sentAtClose, audio.stats().chunksSent(), "no silence after the session closed");
  }

  @Test
  void aPullSinkInAnotherFormatFallsBackToAPlaybackThreadThatConverts() throws Exception {
    FakeConnection conn = open();
    long before = audioThreads();
    PcmFormat narrow = PcmFormat.pcm16Mono(8_000);
    PcmPullSink speaker = PcmPullSink.create(narrow, 1_000);
    SessionAudio audio = session.attachAudio(null, speaker);
    await(() -> audioThreads() == before + 1, "a playback thread");
    byte[] reply = SessionAudioTest.tone(FMT, 300);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(reply);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    byte[] expected = PcmConverter.convertAll(FMT, narrow, reply);
    // Streaming conversion holds back the resampler's look-ahead until more audio comes.
    int pulled = expected.length * 9 / 10;
    assertArrayEquals(java.util.Arrays.copyOf(expected, pulled), pull(speaker, pulled, 320));
    assertEquals(reply.length, audio.stats().deltaBytesPlayed());
  }
}
