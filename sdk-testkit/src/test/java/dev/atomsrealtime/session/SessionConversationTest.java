package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import dev.atomsrealtime.testing.LogCapture;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionConversationTest extends LoopbackSessionTest {
  static final String KEY = "sk_live_secret_7d2a90b1c3";

  @Override
  protected String apiKey() {
    return KEY;
  }

  private static byte[] pcm(int bytes, long seed) {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void nothingReachesTheWireBeforeSessionCreated() throws Exception {
    FakeAtomsServer manual = FakeAtomsServer.builder().credential(KEY)
        .sessionCreatedAutomatically(false).build().start();
    try (AtomsClient c = AtomsClient.builder().apiKey(KEY).baseUrl(manual.uri()).build()) {
      RecordingListener l = new RecordingListener();
      AtomsSession s = c.newSession(SessionOptions.builder().agentId("a").build(), l);
      var opened = s.connect();
      FakeConnection conn = manual.awaitConnection(WAIT);
      s.sendText("early text");
      s.declareTools(List.of(ToolDefinition.builder("lookup").build()));
      s.sendAudio(new byte[640]);
      s.commitAudio();
      assertEquals(SessionState.CONNECTING, s.state());
      assertEquals(0, conn.received().size(), "the server saw frames before session.created");

      conn.sendSessionCreated();
      opened.get(5, TimeUnit.SECONDS);
      List<ClientEvent> got = conn.awaitReceivedCount(3, WAIT);
      assertEquals(new InputTextSendEvent("early text"), got.get(0));
      assertInstanceOf(SessionUpdateEvent.class, got.get(1));
      assertEquals(new InputAudioBufferCommitEvent(), got.get(2));
      assertEquals(1, s.audioFramesDroppedBeforeOpen(), "early audio is dropped and counted");
      // The server's whole record, once a frame sent after the open has arrived behind them:
      // exactly the held frames, then that one; the early audio never went out, and the server
      // answered nothing with no_session (what it says to frames before session.created).
      s.sendText("after open");
      List<ClientEvent> all = conn.awaitReceivedCount(4, WAIT);
      assertEquals(4, conn.received().size(), conn.received().toString());
      assertEquals(new InputTextSendEvent("after open"), all.get(3));
      assertEquals(List.of(), conn.received(InputAudioBufferAppendEvent.class));
      assertEquals(List.of(), conn.invalidFrames());
      assertTrue(l.events().stream().noneMatch(e -> e instanceof ErrorEvent),
          "the server reported an error: " + l.events());
      s.close();
    } finally {
      manual.close();
    }
  }

  @Test
  void everyServerEventReachesTheListenerInOrder() throws Exception {
    FakeConnection conn = open();
    byte[] audio = pcm(4801, 9);
    List<ServerEvent> script = List.of(
        new AgentStartTalkingEvent("2026-11-22T10:00:00"),
        OutputAudioDeltaEvent.of(audio),
        new TranscriptDeltaEvent(Role.AGENT, "assistant", "Hel"),
        new TranscriptEvent(Role.AGENT, "assistant", "Hello"),
        new AgentStopTalkingEvent(null),
        new InterruptionEvent(),
        new SessionUpdatedEvent(List.of("lookup")),
        new FunctionCallEvent("call-1", "lookup", "{\"q\":\"x\"}"),
        new ErrorEvent("too_many_updates", "slow down"));
    for (ServerEvent e : script) {
      conn.send(e);
    }
    conn.sendRaw("{\"type\":\"brand.new\",\"x\":1}");
    List<ServerEvent> got = new ArrayList<>();
    got.add(listener.awaitEvent(SessionCreatedEvent.class, WAIT));
    for (int i = 0; i < script.size() + 1; i++) {
      got.add(listener.awaitEvent(e -> true, WAIT));
    }
    assertEquals(script, got.subList(1, script.size() + 1));
    assertEquals(new UnknownServerEvent("brand.new", "{\"type\":\"brand.new\",\"x\":1}"),
        got.get(got.size() - 1));
    assertArrayEquals(audio, ((OutputAudioDeltaEvent) got.get(2)).audioCopy());
    assertEquals(SessionState.OPEN, session.state(), "an error event alone does not end it");
  }

  @Test
  void tolerantDecodingAndMalformedFramesDoNotEndTheSession() throws Exception {
    FakeConnection conn = open();
    conn.sendRaw("{\"type\":\"agent.start_talking\"}");
    conn.sendRaw("{\"type\":\"transcript_delta\",\"role\":\"agent\",\"text\":\"Hi\",\"new\":1}");
    conn.sendRaw("{ this is not json");
    conn.sendRaw("{\"type\":\"output_audio.delta\",\"audio\":\"###\"}");
    conn.sendBinary("{\"type\":\"error\",\"error\":{\"code\":\"worker_not_ready\",\"message\":\"m\"}}"
        .getBytes(StandardCharsets.UTF_8));
    conn.sendBinary(new byte[] {'{', (byte) 0xff, '}'});
    conn.sendRaw("{\"type\":\"agent.stop_talking\"}");

    assertInstanceOf(AgentStartTalkingEvent.class,
        listener.awaitEvent(e -> !(e instanceof SessionCreatedEvent), WAIT));
    TranscriptDeltaEvent delta = listener.awaitEvent(TranscriptDeltaEvent.class, WAIT);
    assertEquals(Role.AGENT, delta.role());
    assertEquals(new ErrorEvent("worker_not_ready", "m"),
        listener.awaitEvent(ErrorEvent.class, WAIT));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    List<InvalidFrameException> invalid = listener.awaitInvalidFrames(3, WAIT);
    assertEquals(3, invalid.size());
    assertEquals("output_audio.delta", invalid.get(1).frameType());
    assertEquals(SessionState.OPEN, session.state());
    // Still usable after all that.
    session.sendText("still here");
    assertEquals(new InputTextSendEvent("still here"),
        conn.awaitReceived(InputTextSendEvent.class, WAIT));
  }

  @Test
  void clientSendsReachTheServerIntact() throws Exception {
    FakeConnection conn = open();
    byte[] audio = pcm(960, 1);
    session.sendAudio(audio);
    session.sendAudio(ByteBuffer.wrap(pcm(1000, 2), 20, 640));
    session.sendText("Book a table for two");
    ToolDefinition tool = ToolDefinition.builder("lookup").timeoutMillis(2000).build();
    session.declareTools(List.of(tool));
    session.sendFunctionResult("call-9", "{\"ok\":true}");
    session.commitAudio();

    List<ClientEvent> got = conn.awaitReceivedCount(6, WAIT);
    assertArrayEquals(audio, ((InputAudioBufferAppendEvent) got.get(0)).audioCopy());
    byte[] expectedSlice = java.util.Arrays.copyOfRange(pcm(1000, 2), 20, 660);
    assertArrayEquals(expectedSlice, ((InputAudioBufferAppendEvent) got.get(1)).audioCopy());
    assertEquals(new InputTextSendEvent("Book a table for two"), got.get(2));
    assertEquals(new SessionUpdateEvent(List.of(tool)), got.get(3));
    assertEquals(new FunctionCallResultEvent("call-9", "{\"ok\":true}"), got.get(4));
    assertEquals(new InputAudioBufferCommitEvent(), got.get(5));
  }

  @Test
  void badSendsAreRefusedWithClearMessages() throws Exception {
    open();
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> session.sendAudio(new byte[0]));
    assertTrue(empty.getMessage().contains("empty"));
    IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
        () -> session.sendAudio(new byte[641]));
    assertTrue(odd.getMessage().contains("odd"), odd.getMessage());
    assertThrows(IllegalArgumentException.class, () -> session.sendText(""));
    assertThrows(IllegalArgumentException.class, () -> session.declareTools(List.of()));
    ToolDefinition t = ToolDefinition.builder("x").build();
    assertThrows(IllegalArgumentException.class, () -> session.declareTools(List.of(t, t)));
    assertThrows(IllegalArgumentException.class,
        () -> session.sendFunctionResult("c", "x".repeat(65_537)));
  }

  @Test
  void gracefulCloseSendsSessionCloseAndEndsWithClientRequested() throws Exception {
    FakeConnection conn = open();
    SessionEnd end = session.closeAsync().get(5, TimeUnit.SECONDS);
    assertInstanceOf(SessionCloseEvent.class, conn.awaitReceived(SessionCloseEvent.class, WAIT));
    assertEquals(1000, end.closeCode());
    assertEquals("client_requested", end.closedReason());
    assertTrue(end.isNormal());
    assertTrue(end.clientInitiated());
    assertSame(end, listener.awaitClosed(WAIT));
    assertEquals(SessionState.CLOSED, session.state());
    assertEquals(List.of(SessionState.CONNECTING, SessionState.OPEN, SessionState.CLOSING,
        SessionState.CLOSED), listener.states());
    // Idempotent.
    session.close();
    assertSame(end, session.closeAsync().get(1, TimeUnit.SECONDS));
    assertEquals(1, listener.closedCalls());
  }

  @Test
  void closeIsBoundedWhenTheServerNeverAnswers() throws Exception {
    // A short close bound, on virtual time, against a server that ignores session.close.
    FakeAtomsServer deaf = FakeAtomsServer.builder().credential(KEY)
        .behavior(new dev.atomsrealtime.testkit.ServerBehavior() {
          @Override
          public boolean onClientEvent(FakeConnection c, ClientEvent e) {
            return e instanceof SessionCloseEvent; // swallow it: no session.closed, no close
          }
        }).build().start();
    ManualScheduler time = new ManualScheduler();
    Duration closeTimeout = Duration.ofMillis(200);
    try (AtomsClient c = AtomsClient.builder().apiKey(KEY).baseUrl(deaf.uri())
        .scheduler(time, time).build()) {
      RecordingListener l = new RecordingListener();
      AtomsSession s = c.newSession(SessionOptions.builder().agentId("a")
          .closeTimeout(closeTimeout).build(), l);
      s.connect().get(5, TimeUnit.SECONDS);
      var ended = s.closeAsync();
      l.awaitState(SessionState.CLOSING, WAIT); // the bound is running
      time.forwardTime(closeTimeout.minusNanos(1));
      assertEquals(SessionState.CLOSING, s.state());
      // No session.closed within the bound: the client closes with 1000, which the server's
      // WebSocket layer answers.
      time.forwardTime(Duration.ofNanos(1));
      SessionEnd end = ended.get(5, TimeUnit.SECONDS);
      assertEquals(SessionState.CLOSED, s.state());
      assertEquals(1000, end.closeCode());
      assertTrue(end.clientInitiated());
      assertNull(end.closedReason());
      assertSame(end, l.awaitClosed(WAIT));
      time.assertNoPendingTasks(); // the closing handshake's own bound was called off
    } finally {
      deaf.close();
    }
  }

  @Test
  void errorThenClose4000EndsWithBoth() throws Exception {
    FakeConnection conn = open();
    conn.sendErrorAndClose("internal_error", "pipeline crashed");
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(4000, end.closeCode());
    assertEquals(new ErrorEvent("internal_error", "pipeline crashed"), end.lastError());
    ServerErrorException cause = assertInstanceOf(ServerErrorException.class, end.cause());
    assertEquals("internal_error", cause.code());
    assertTrue(cause.isRetryable());
    assertFalse(end.clientInitiated());
    assertThrows(IllegalStateException.class, () -> session.sendText("too late"));
  }

  @Test
  void abruptDropIs1006AndRetryable() throws Exception {
    FakeConnection conn = open();
    conn.drop();
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(1006, end.closeCode());
    ConnectionException cause = assertInstanceOf(ConnectionException.class, end.cause());
    assertTrue(cause.isRetryable());
  }

  @Test
  void agentEndingTheCallIsANormalEnd() throws Exception {
    FakeConnection conn = open();
    conn.send(new SessionClosedEvent("ended"));
    conn.close(1000, "");
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals("ended", end.closedReason());
    assertEquals(1000, end.closeCode());
    assertTrue(end.isNormal());
  }

  @Test
  void aListenerWithoutOnEventStillGetsItsLifecycleCallbacks() throws Exception {
    java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<SessionEnd> end =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    AtomsSession s = client.newSession(SessionOptions.builder().agentId("a").build(),
        new dev.atomsrealtime.SessionListener() {
          @Override
          public void onOpen(AtomsSession x, dev.atomsrealtime.SessionInfo info) {
            opened.countDown();
          }

          @Override
          public void onClosed(AtomsSession x, SessionEnd e) {
            end.set(e);
            closed.countDown();
          }
        });
    s.connect().get(5, TimeUnit.SECONDS);
    assertTrue(opened.await(5, TimeUnit.SECONDS));
    FakeConnection conn = server.awaitConnection(WAIT);
    for (int i = 0; i < 50; i++) {
      conn.sendAudio(new byte[480]);
    }
    conn.send(new ErrorEvent("internal_error", "x"));
    conn.close(4000, "");
    assertTrue(closed.await(5, TimeUnit.SECONDS));
    SessionEnd got = s.closeAsync().get(5, TimeUnit.SECONDS);
    assertEquals(got, end.get());
    assertEquals(4000, got.closeCode());
    assertEquals(new ErrorEvent("internal_error", "x"), got.lastError());
  }

  @Test
  void sendAfterCloseIsAnIllegalStateException() throws Exception {
    open();
    session.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> session.sendAudio(new byte[640]));
    assertTrue(e.getMessage().contains("CLOSED"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> session.sendText("x"));
    assertThrows(IllegalStateException.class, () -> session.commitAudio());
  }

  @Test
  void manyConcurrentSendersNeverInterleaveFrames() throws Exception {
    // A burst far faster than real time: allow it to queue instead of dropping the oldest.
    session = client.newSession(SessionOptions.builder().agentId("a")
        .maxQueuedAudioMillis(60_000).build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    int threads = 8;
    int perThread = 200;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int id = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          byte[] chunk = new byte[640];
          java.util.Arrays.fill(chunk, (byte) id);
          chunk[0] = (byte) i;
          chunk[1] = (byte) (i >> 8);
          session.sendAudio(chunk);
          if (i % 50 == 0) {
            session.sendText("thread " + id + " message " + i);
          }
        }
      }, "sender-" + t);
      senders.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : senders) {
      th.join(5_000);
    }
    int expected = threads * perThread + threads * (perThread / 50);
    List<ClientEvent> got = conn.awaitReceivedCount(expected, WAIT);
    Set<String> seen = new HashSet<>();
    int audio = 0;
    for (ClientEvent e : got) {
      if (e instanceof InputAudioBufferAppendEvent a) {
        byte[] b = a.audioCopy();
        assertEquals(640, b.length);
        byte id = b[2];
        for (int k = 2; k < b.length; k++) {
          assertEquals(id, b[k], "a frame mixes bytes of two senders");
        }
        assertTrue(seen.add(id + ":" + ((b[0] & 0xff) | (b[1] & 0xff) << 8)), "duplicate frame");
        audio++;
      }
    }
    assertEquals(threads * perThread, audio);
    assertEquals(expected, got.size());
    assertEquals(0, session.stats().audioChunksDroppedBackpressure());
    assertEquals(threads * perThread, session.stats().audioChunksSent());
  }

  @Test
  void theCredentialNeverAppearsInLogsMessagesOrToString() throws Exception {
    String logs;
    List<String> texts = new ArrayList<>();
    try (LogCapture capture = new LogCapture()) {
      FakeConnection conn = open();
      texts.add(session.toString());
      texts.add(client.toString());
      texts.add(server.handshakes().get(0).toString());
      conn.sendErrorAndClose("internal_error", "x");
      SessionEnd end = listener.awaitClosed(WAIT);
      texts.add(end.toString());
      texts.add(String.valueOf(end.cause()));

      try (AtomsClient wrong = AtomsClient.builder().apiKey(KEY + "_wrong")
          .baseUrl(server.uri()).build()) {
        RecordingListener l = new RecordingListener();
        AtomsSession s = wrong.newSession(SessionOptions.builder().agentId("a")
            .authPlacement(dev.atomsrealtime.AuthPlacement.QUERY).build(), l);
        try {
          s.connect().join();
        } catch (RuntimeException e) {
          texts.add(String.valueOf(e.getCause()));
        }
        texts.add(l.awaitClosed(WAIT).toString());
        texts.add(s.toString());
      }
      logs = capture.text();
    }
    assertFalse(logs.isEmpty(), "the capture saw no log output at all");
    assertTrue(logs.contains("connecting to"), "expected the SDK's connect log line");
    assertFalse(logs.contains(KEY), "the key leaked into the logs");
    for (String t : texts) {
      assertFalse(t.contains(KEY), "the key leaked into: " + t);
    }
  }
}
