package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthPlacement;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.HandshakeRecord;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The upgrade: what the client sends, how refusals and timeouts fail it. Time is virtual. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class SessionHandshakeTest {
  static final String KEY = "sk_test_handshake_4f1c9e";
  static final Duration WAIT = Duration.ofSeconds(5);

  final ManualScheduler time = new ManualScheduler();
  final WatchedScheduler timers = new WatchedScheduler(time);
  FakeAtomsServer server;
  AtomsClient client;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).agentId("agent-1").build().start();
    client = onVirtualTime(AtomsClient.builder().apiKey(KEY).baseUrl(server.uri())).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    time.assertNoPendingTasks();
  }

  AtomsClient.Builder onVirtualTime(AtomsClient.Builder builder) {
    return builder.scheduler(timers, time);
  }

  static SessionOptions.Builder options() {
    return SessionOptions.builder().agentId("agent-1");
  }

  /** The failure of {@code f}, which must fail within {@link #WAIT}. */
  static Throwable failureOf(java.util.concurrent.CompletableFuture<?> f) throws Exception {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  @Test
  void headerAuthConnectsAndReportsSessionDetails() throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomsSession session = client.newSession(options().sampleRateHz(16_000).build(), listener);
    SessionInfo info = session.connect().get(5, TimeUnit.SECONDS);

    assertEquals(16_000, info.sampleRateHz());
    assertEquals(1, info.channels());
    assertTrue(info.callId().startsWith("CALL-"), info.callId());
    assertEquals(SessionState.OPEN, session.state());
    HandshakeRecord h = server.handshakes().get(0);
    assertEquals("Bearer " + KEY, h.header("Authorization"));
    assertNull(h.queryParameters().get("token"), "never both header and query credential");
    assertEquals("agent-1", h.queryParameters().get("agent_id"));
    assertEquals("webcall", h.queryParameters().get("mode"));
    assertEquals("16000", h.queryParameters().get("sample_rate"));
    session.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  @Test
  void queryAuthPercentEncodesEveryParameterIncludingVariables() throws Exception {
    SessionOptions opts = options()
        .authPlacement(AuthPlacement.QUERY)
        .mode(Mode.CHAT)
        .variable("customer name", "Ana & Jo = \u00e9")
        .variable("vip", true)
        .variable("visits", 3)
        .build();
    AtomsSession session = client.newSession(opts, new RecordingListener());
    session.connect().get(5, TimeUnit.SECONDS);

    HandshakeRecord h = server.handshakes().get(0);
    assertNull(h.header("Authorization"), "never both header and query credential");
    assertEquals(KEY, h.queryParameters().get("token"));
    assertEquals("chat", h.queryParameters().get("mode"));
    assertFalse(h.rawQuery().contains(" "), h.rawQuery().replace(KEY, "<key>"));
    assertFalse(h.rawQuery().contains("&Jo"), "values must be percent-encoded");
    JsonNode vars = new ObjectMapper().readTree(h.queryParameters().get("variables"));
    assertEquals("Ana & Jo = \u00e9", vars.get("customer name").asText());
    assertTrue(vars.get("vip").asBoolean());
    assertEquals(3, vars.get("visits").asInt());
    session.close();
  }

  @Test
  void wrongKeyIsAnAuthenticationFailureWithStatusAndBody() throws Exception {
    try (AtomsClient bad = onVirtualTime(AtomsClient.builder().apiKey("sk_wrong_key_0000")
        .baseUrl(server.uri())).build()) {
      RecordingListener listener = new RecordingListener();
      AtomsSession session = bad.newSession(options().build(), listener);
      Throwable error = failureOf(session.connect());
      AuthenticationException auth = assertInstanceOf(AuthenticationException.class, error);
      assertEquals(401, auth.statusCode());
      assertFalse(auth.responseBody().isEmpty());
      assertFalse(auth.isRetryable());
      SessionEnd end = listener.awaitClosed(WAIT);
      assertEquals(-1, end.closeCode());
      assertEquals(auth, end.cause());
      assertEquals(SessionState.CLOSED, session.state());
    }
  }

  @Test
  void eachRefusalStatusGivesItsOwnException() throws Exception {
    server.refuseNextHandshakes(403, "{\"status\":false,\"errors\":[\"forbidden\"]}");
    Throwable forbidden = failureOf(client.newSession(options().build(),
        new RecordingListener()).connect());
    assertEquals(403, assertInstanceOf(AuthenticationException.class, forbidden).statusCode());

    server.refuseNextHandshakes(400, "{\"errors\":[\"Invalid agent id\"]}");
    Throwable upgrade = failureOf(client.newSession(options().build(),
        new RecordingListener()).connect());
    UpgradeNotHonouredException u = assertInstanceOf(UpgradeNotHonouredException.class, upgrade);
    assertTrue(u.getMessage().contains("not an authentication problem"), u.getMessage());
    assertTrue(u.responseBody().contains("Invalid agent id"));

    server.refuseNextHandshakes(503, "draining");
    Throwable draining = failureOf(client.newSession(options().build(),
        new RecordingListener()).connect());
    ServiceUnavailableException s = assertInstanceOf(ServiceUnavailableException.class, draining);
    assertTrue(s.isRetryable());
    assertEquals("draining", s.responseBody());

    server.refuseNextHandshakes(404, "not here");
    Throwable notFound = failureOf(client.newSession(options().build(),
        new RecordingListener()).connect());
    HandshakeException h = assertInstanceOf(HandshakeException.class, notFound);
    assertEquals(HandshakeException.class, h.getClass());
    assertEquals(404, h.statusCode());
    assertFalse(h.isRetryable());

    server.refuseNextHandshakes(500, "oops");
    HandshakeException five = assertInstanceOf(HandshakeException.class,
        failureOf(client.newSession(options().build(), new RecordingListener()).connect()));
    assertTrue(five.isRetryable());
  }

  @Test
  void unreachableServerIsARetryableConnectionFailure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (AtomsClient c = onVirtualTime(AtomsClient.builder().apiKey(KEY)
        .baseUrl("ws://127.0.0.1:" + closedPort)).build()) {
      Throwable error = failureOf(c.newSession(options().build(), new RecordingListener())
          .connect());
      ConnectionException ce = assertInstanceOf(ConnectionException.class, error);
      assertTrue(ce.isRetryable());
      assertFalse(ce.getMessage().contains(KEY));
    }
  }

  @Test
  void silentServerTimesOutWaitingForSessionCreated() throws Exception {
    server.silentAfterUpgrade(true);
    RecordingListener listener = new RecordingListener();
    Duration bound = Duration.ofMillis(300);
    AtomsSession session = client.newSession(
        options().sessionCreatedTimeout(bound).build(), listener);
    var opened = session.connect();
    timers.awaitArmed(bound, WAIT); // upgraded: the wait for session.created has begun
    time.forwardTime(bound);
    Throwable error = failureOf(opened);
    AtomsTimeoutException timeout = assertInstanceOf(AtomsTimeoutException.class, error);
    assertTrue(timeout.getMessage().contains("session.created"), timeout.getMessage());
    assertEquals(timeout, listener.awaitClosed(WAIT).cause());
  }

  @Test
  void aServerThatNeverAnswersTheUpgradeTimesOutConnecting() throws Exception {
    // A TCP listener that accepts and then says nothing: no HTTP response, no upgrade.
    try (ServerSocket mute = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         AtomsClient c = onVirtualTime(AtomsClient.builder().apiKey(KEY)
             .baseUrl("ws://127.0.0.1:" + mute.getLocalPort())).build()) {
      mute.setSoTimeout((int) WAIT.toMillis());
      RecordingListener listener = new RecordingListener();
      Duration bound = Duration.ofMillis(400);
      AtomsSession session = c.newSession(options().connectTimeout(bound).build(), listener);
      var opened = session.connect();
      // Connected to: the transport has started, so its bound is running.
      try (Socket accepted = mute.accept()) {
        time.forwardTime(bound.minusNanos(1));
        assertEquals(SessionState.CONNECTING, session.state(), "not before the bound");
        time.forwardTime(Duration.ofNanos(1));
        Throwable error = failureOf(opened);
        AtomsTimeoutException timeout = assertInstanceOf(AtomsTimeoutException.class, error);
        assertTrue(timeout.getMessage().contains("connecting to 127.0.0.1"),
            timeout.getMessage());
        assertTrue(timeout.isRetryable());
        assertEquals(timeout, listener.awaitClosed(WAIT).cause());
      }
    }
  }

  @Test
  void credentialSupplierFailureFailsTheConnectWithoutLeakingState() throws Exception {
    try (AtomsClient c = onVirtualTime(AtomsClient.builder().credentials(() -> " ")
        .baseUrl(server.uri())).build()) {
      RecordingListener listener = new RecordingListener();
      Throwable error = failureOf(c.newSession(options().build(), listener).connect());
      assertEquals(AtomsException.class, error.getClass(), "the base type, not a network failure");
      assertEquals("the credential supplier returned no credential", error.getMessage());
      assertFalse(((AtomsException) error).isRetryable());
      assertEquals(0, server.handshakes().size());
      SessionEnd end = listener.awaitClosed(WAIT);
      assertEquals(error, end.cause());
      assertFalse(end.clientInitiated());
    }
    // A supplier that throws: the failure names the exception's class, never its message (it
    // may hold a secret), keeps it as the cause, and is not retried.
    IllegalStateException thrown = new IllegalStateException("token service down: sk_secret_9");
    try (AtomsClient c = onVirtualTime(AtomsClient.builder().credentials(() -> {
      throw thrown;
    }).baseUrl(server.uri())).build()) {
      RecordingListener listener = new RecordingListener();
      Throwable error = failureOf(c.newSession(options().build(), listener).connect());
      assertEquals(AtomsException.class, error.getClass());
      assertEquals("the credential supplier failed: java.lang.IllegalStateException",
          error.getMessage());
      assertEquals(thrown, error.getCause());
      assertFalse(((AtomsException) error).isRetryable());
      assertEquals(0, server.handshakes().size());
      assertEquals(error, listener.awaitClosed(WAIT).cause());
    }
  }
}
