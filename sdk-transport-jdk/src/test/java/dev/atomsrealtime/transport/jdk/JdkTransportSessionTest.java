package dev.atomsrealtime.transport.jdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A whole session over the JDK transport against the fake server. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class JdkTransportSessionTest {
  static final String KEY = "sk_jdk_session_8c31f2";
  static final Duration WAIT = Duration.ofSeconds(5);

  FakeAtomsServer server;
  JdkWebSocketTransportFactory transports;
  AtomsClient client;
  RecordingListener listener;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).agentId("agent-1").build().start();
    transports = new JdkWebSocketTransportFactory();
    client =
        AtomsClient.builder()
            .apiKey(KEY)
            .baseUrl(server.uri())
            .transportFactory(transports)
            .build();
    listener = new RecordingListener();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    transports.close();
    assertEquals(List.of(), listener.violations());
  }

  static SessionOptions options() {
    return SessionOptions.builder().agentId("agent-1").build();
  }

  @Test
  void shortConversationThenGracefulClose() throws Exception {
    AtomsSession session = client.newSession(options(), listener);
    SessionInfo info = session.connect().get(5, TimeUnit.SECONDS);
    assertEquals(24_000, info.sampleRateHz());
    FakeConnection conn = server.awaitConnection(WAIT);
    assertEquals("Bearer " + KEY, conn.handshake().header("Authorization"));

    byte[] mic = new byte[960];
    new Random(1).nextBytes(mic);
    session.sendAudio(mic);
    session.sendText("Book a table for two, s\u00e9ance \u20ac");
    List<ClientEvent> got = conn.awaitReceivedCount(2, WAIT);
    assertArrayEquals(mic, ((InputAudioBufferAppendEvent) got.get(0)).audioCopy());
    assertEquals(new InputTextSendEvent("Book a table for two, s\u00e9ance \u20ac"), got.get(1));

    byte[] reply = new byte[48_001]; // odd and larger than one frame part
    new Random(2).nextBytes(reply);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(reply);
    conn.send(new TranscriptEvent(Role.AGENT, "assistant", "For two, at eight \u2713"));
    conn.send(new AgentStopTalkingEvent(null));
    conn.sendBinary(
        "{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"thanks\"}"
            .getBytes(StandardCharsets.UTF_8));

    listener.awaitEvent(AgentStartTalkingEvent.class, WAIT);
    assertArrayEquals(reply, listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT).audioCopy());
    assertEquals(
        "For two, at eight \u2713", listener.awaitEvent(TranscriptEvent.class, WAIT).text());
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertEquals("thanks", listener.awaitEvent(TranscriptEvent.class, WAIT).text());

    SessionEnd end = session.closeAsync().get(5, TimeUnit.SECONDS);
    conn.awaitReceived(SessionCloseEvent.class, WAIT);
    assertEquals(1000, end.closeCode());
    assertEquals("client_requested", end.closedReason());
    assertTrue(end.isNormal());
    assertEquals(SessionState.CLOSED, session.state());
    assertEquals(1000, conn.awaitClosed(WAIT).code());
  }

  @Test
  void refusedHandshakeIsAnAuthenticationFailureWithStatusAndBody() throws Exception {
    server.refuseNextHandshakes(401, "{\"status\":false,\"errors\":[\"Invalid API key\"]}");
    AtomsSession session = client.newSession(options(), listener);
    AuthenticationException auth =
        assertInstanceOf(AuthenticationException.class, failureOf(session));
    assertEquals(401, auth.statusCode());
    assertEquals("{\"status\":false,\"errors\":[\"Invalid API key\"]}", auth.responseBody());
    assertEquals(auth, listener.awaitClosed(WAIT).cause());

    server.refuseNextHandshakes(400, "{\"errors\":[\"Invalid agent id\"]}");
    RecordingListener second = new RecordingListener();
    UpgradeNotHonouredException upgrade =
        assertInstanceOf(
            UpgradeNotHonouredException.class, failureOf(client.newSession(options(), second)));
    assertTrue(upgrade.responseBody().contains("Invalid agent id"));
    second.awaitClosed(WAIT);
  }

  @Test
  void serverFatalErrorEndsTheSessionWith4000() throws Exception {
    AtomsSession session = client.newSession(options(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    conn.sendErrorAndClose("internal_error", "worker crashed");
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(4000, end.closeCode());
    assertEquals(SessionState.CLOSED, session.state());
  }

  private static Throwable failureOf(AtomsSession session) {
    try {
      session.connect().join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the connect to fail");
  }
}
