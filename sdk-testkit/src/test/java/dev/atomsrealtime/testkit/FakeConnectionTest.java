package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownClientEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class FakeConnectionTest {
  private static final String KEY = "sk_test_123";
  private static final Duration WAIT = TestClient.WAIT;

  private final List<TestClient> clients = new ArrayList<>();
  private FakeAtomsServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (TestClient client : clients) {
      client.closeBlocking();
    }
    if (server != null) {
      server.close();
    }
    ThreadLeaks.assertNoneAlive();
  }

  private TestClient open(FakeAtomsServer.Builder builder) throws InterruptedException {
    server = builder.build().start();
    TestClient client = TestClient.open(server.connectUri("agent_id=a"), KEY);
    clients.add(client);
    return client;
  }

  /** Opens a client and consumes session.created. */
  private TestClient openSession() throws InterruptedException {
    TestClient client = open(FakeAtomsServer.builder());
    client.next(SessionCreatedEvent.class);
    return client;
  }

  @Test
  void decodesWhatTheClientSends() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    byte[] pcm = {1, 2, 3, 4, 5};
    client.send(InputAudioBufferAppendEvent.of(pcm));
    client.send(new InputAudioBufferCommitEvent());
    client.send(new InputTextSendEvent("hello"));
    client.send(new InputTextSendEvent("again"));

    assertArrayEquals(
        pcm, connection.awaitReceived(InputAudioBufferAppendEvent.class, WAIT).audioCopy());
    assertEquals("hello", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
    assertEquals("again", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
    // Each class has its own cursor: ClientEvent starts again from the first frame.
    assertInstanceOf(
        InputAudioBufferAppendEvent.class, connection.awaitReceived(ClientEvent.class, WAIT));
    assertEquals(4, connection.awaitReceivedCount(4, WAIT).size());
    assertEquals(2, connection.received(InputTextSendEvent.class).size());
    assertEquals(0, connection.binaryFramesReceived());

    AwaitTimeoutException timeout =
        assertThrows(
            AwaitTimeoutException.class,
            () -> connection.awaitReceived(InputTextSendEvent.class, Duration.ofMillis(50)));
    assertTrue(timeout.getMessage().contains("input_text.send=2"), timeout.getMessage());
  }

  @Test
  void answersSessionUpdateWithToolNames() throws Exception {
    TestClient client = openSession();
    client.send(
        new SessionUpdateEvent(
            List.of(
                ToolDefinition.builder("lookup").build(), ToolDefinition.builder("book").build())));
    assertEquals(List.of("lookup", "book"), client.next(SessionUpdatedEvent.class).tools());
  }

  @Test
  void answersFramesBeforeSessionCreatedWithNoSession() throws Exception {
    TestClient client = open(FakeAtomsServer.builder().sessionCreatedAutomatically(false));
    FakeConnection connection = server.awaitConnection(WAIT);
    assertNull(connection.sessionCreated());

    client.send(new InputTextSendEvent("too early"));
    assertEquals("no_session", client.next(ErrorEvent.class).code());
    assertEquals("too early", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());

    connection.sendSessionCreated();
    SessionCreatedEvent created = client.next(SessionCreatedEvent.class);
    assertEquals(created, connection.sessionCreated());
    assertThrows(IllegalStateException.class, connection::sendSessionCreated);

    client.send(new SessionCloseEvent());
    assertEquals(
        SessionClosedEvent.CLIENT_REQUESTED, client.next(SessionClosedEvent.class).reason());
  }

  @Test
  void sessionCloseIsAnsweredWithSessionClosedThenClose1000() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    client.send(new SessionCloseEvent());

    assertEquals(
        SessionClosedEvent.CLIENT_REQUESTED, client.next(SessionClosedEvent.class).reason());
    TestClient.Close close = client.awaitClose();
    assertEquals(1000, close.code());
    assertTrue(close.remote());
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(1000, record.code());
    assertFalse(record.remote());
    assertEquals(1000, record.clientCloseCode(), "the client answered the server's close");
    assertFalse(connection.isOpen());
  }

  @Test
  void invalidJsonAndUnknownTypesGetErrors() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);

    client.send("{not json");
    assertEquals("invalid_json", client.next(ErrorEvent.class).code());
    InvalidClientFrame invalid = connection.awaitInvalidFrame(WAIT);
    assertEquals("{not json", invalid.text());
    assertFalse(invalid.isJson());

    client.send("{\"type\":\"input_text.send\"}");
    assertEquals("invalid_event", client.next(ErrorEvent.class).code());
    assertEquals("input_text.send", connection.awaitInvalidFrame(WAIT).type());

    client.send("{\"type\":\"response.create\"}");
    assertEquals("invalid_event", client.next(ErrorEvent.class).code());
    UnknownClientEvent unknown = connection.awaitReceived(UnknownClientEvent.class, WAIT);
    assertEquals("response.create", unknown.type());
    assertEquals(2, connection.invalidFrames().size());
  }

  @Test
  void sendsEventsAudioAndRawFrames() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    byte[] pcm = {10, -20, 30}; // odd length on purpose

    connection.send(new AgentStartTalkingEvent("2024-05-01T10:00:00"));
    connection.sendAudio(pcm);
    connection.send(OutputAudioDeltaEvent.of(pcm));
    connection.sendRaw("{oops");

    assertEquals("2024-05-01T10:00:00", client.next(AgentStartTalkingEvent.class).timestamp());
    assertArrayEquals(pcm, client.next(OutputAudioDeltaEvent.class).audioCopy());
    assertArrayEquals(pcm, client.next(OutputAudioDeltaEvent.class).audioCopy());
    assertEquals("{oops", client.nextFrame().text());
  }

  @Test
  void binaryFramesInBothDirections() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);

    connection.sendBinary(
        "{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"hi\"}"
            .getBytes(StandardCharsets.UTF_8));
    TestClient.Frame frame = client.nextFrame();
    assertNull(frame.text());
    assertEquals(new TranscriptEvent(Role.AGENT, "assistant", "hi"), frame.decode());

    client.send(
        ByteBuffer.wrap(
            "{\"type\":\"input_text.send\",\"text\":\"bin\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("bin", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
    assertEquals(1, connection.binaryFramesReceived());
  }

  @Test
  void sendErrorAndCloseSendsErrorThen4000() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    connection.sendErrorAndClose("internal_error", "worker crashed");

    ErrorEvent error = client.next(ErrorEvent.class);
    assertEquals("internal_error", error.code());
    assertEquals("worker crashed", error.message());
    TestClient.Close close = client.awaitClose();
    assertEquals(4000, close.code());
    assertTrue(close.remote());
    assertEquals(4000, connection.awaitClosed(WAIT).code());
  }

  @Test
  void closeWithAnyApplicationCode() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    connection.close(4401, "x".repeat(300));
    TestClient.Close close = client.awaitClose();
    assertEquals(4401, close.code());
    assertEquals(123, close.reason().length());
    assertThrows(IllegalArgumentException.class, () -> connection.close(1005, ""));
  }

  @Test
  void dropGivesTheClientAnAbnormalClosure() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    connection.drop();

    assertEquals(1006, client.awaitClose().code());
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(1006, record.code());
    assertFalse(record.remote());
    assertFalse(record.clientCloseFrameReceived());
    // Sending after the drop is a normal race in tests: ignored, not thrown.
    connection.send(new AgentStartTalkingEvent(null));
  }

  @Test
  void clientCloseIsRecordedAsRemote() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    client.closeBlocking();
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(1000, record.code());
    assertTrue(record.remote());
    assertEquals(1000, record.clientCloseCode());
  }

  @Test
  void silentConnectionsSendNothingOnTheirOwn() throws Exception {
    CountDownLatch committed = new CountDownLatch(1);
    ServerBehavior behavior =
        new ServerBehavior() {
          @Override
          public boolean onClientEvent(FakeConnection connection, ClientEvent event) {
            if (event instanceof InputAudioBufferCommitEvent) {
              // Runs after the default reply to the previous frame would have been sent.
              connection.sendRaw("marker");
              committed.countDown();
              return true;
            }
            return false;
          }
        };
    TestClient client = open(FakeAtomsServer.builder().silentAfterUpgrade(true).behavior(behavior));
    FakeConnection connection = server.awaitConnection(WAIT);
    assertTrue(connection.isSilent());

    client.send(new InputTextSendEvent("anyone there?"));
    client.send(new InputAudioBufferCommitEvent());
    assertEquals("marker", client.nextFrame().text());
    assertNull(connection.sessionCreated());
  }

  @Test
  void behaviorRunsSeriallyOnNamedThreadsAndCanReplaceReplies() throws Exception {
    List<String> calls = new ArrayList<>(); // only touched by the connection's serial callbacks
    List<String> threadNames = new ArrayList<>();
    CountDownLatch closed = new CountDownLatch(1);
    ServerBehavior behavior =
        new ServerBehavior() {
          @Override
          public void onConnected(FakeConnection connection) {
            record("connected");
          }

          @Override
          public void onSessionCreated(FakeConnection connection) {
            record("sessionCreated");
          }

          @Override
          public boolean onClientEvent(FakeConnection connection, ClientEvent event) {
            record(event.type());
            if (event instanceof InputTextSendEvent) {
              throw new IllegalStateException("scripted failure");
            }
            if (event instanceof SessionCloseEvent) {
              connection.send(new SessionClosedEvent("ended"));
              connection.close(1000, "bye");
              return true;
            }
            return false;
          }

          @Override
          public void onClosed(FakeConnection connection, int code, String reason, boolean remote) {
            record("closed " + code);
            closed.countDown();
          }

          private void record(String call) {
            calls.add(call);
            threadNames.add(Thread.currentThread().getName());
          }
        };
    TestClient client = open(FakeAtomsServer.builder().behavior(behavior));
    client.next(SessionCreatedEvent.class);
    client.send(new InputTextSendEvent("boom"));
    client.send(new SessionCloseEvent());

    assertEquals("ended", client.next(SessionClosedEvent.class).reason());
    assertEquals(1000, client.awaitClose().code());
    assertTrue(closed.await(5, SECONDS));
    FakeConnection connection = server.awaitConnection(WAIT);
    assertEquals(
        List.of("connected", "sessionCreated", "input_text.send", "session.close", "closed 1000"),
        calls);
    assertTrue(
        threadNames.stream().allMatch(name -> name.startsWith("atoms-fakeserver-")),
        threadNames.toString());
    assertEquals(1, server.behaviorFailures().size());
    assertEquals("scripted failure", server.behaviorFailures().get(0).getMessage());
    assertSame(connection, server.connections().get(0));
  }

  @Test
  void stopReadingHoldsClientFramesUntilResumed() throws Exception {
    TestClient client = openSession();
    FakeConnection connection = server.awaitConnection(WAIT);
    connection.stopReading(true);
    client.send(new InputTextSendEvent("held"));
    // Writing while paused re-arms reads inside Java-WebSocket; the pause must survive it.
    connection.send(new AgentStartTalkingEvent(null));
    client.next(AgentStartTalkingEvent.class);
    assertThrows(
        AwaitTimeoutException.class,
        () -> connection.awaitReceived(InputTextSendEvent.class, Duration.ofMillis(300)));

    connection.stopReading(false);
    assertEquals("held", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
  }
}
