package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.reconnect.RetryClassifier;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way PROTOCOL.md §3 says a session can end, injected by the fake server: close codes after
 * the session opened (4000 after each protocol error code), refused handshakes, and a server that
 * never speaks. Each fault runs twice: without a reconnect policy, asserting the {@link SessionEnd}
 * (close code, last error, cause type, retryability); and with a fast policy, asserting that a
 * reconnect happens exactly when the classifier says the failure is retryable. Time is virtual:
 * a test waits for the session to announce a reconnect (or to arm a timeout), then moves time.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class FaultInjectionTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  final ManualScheduler time = new ManualScheduler();
  final WatchedScheduler timers = new WatchedScheduler(time);
  FakeAtomsServer server;
  AtomsClient client;
  final List<AtomsSession> sessions = new ArrayList<>();

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
    client = AtomsClient.builder().apiKey("key_faults").baseUrl(server.uri())
        .scheduler(timers, time).build();
  }

  @AfterEach
  void stop() {
    sessions.forEach(AtomsSession::close);
    client.close();
    server.close();
    time.assertNoPendingTasks();
  }

  static ReconnectPolicy fast(int maxAttempts) {
    return ExponentialBackoff.builder()
        .initialDelay(Duration.ofMillis(10))
        .maxDelay(Duration.ofMillis(50))
        .maxAttempts(maxAttempts)
        .build();
  }

  private AtomsSession newSession(SessionOptions options, RecordingListener listener) {
    AtomsSession s = client.newSession(options, listener);
    sessions.add(s);
    return s;
  }

  /** The failure of {@code f}, which must fail within {@link #WAIT}. */
  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the connect to fail");
  }

  private static void assertCause(
      Class<? extends AtomsException> type, boolean retryable, AtomsException cause) {
    if (type == null) {
      assertNull(cause, "a normal end has no cause");
      return;
    }
    assertEquals(type, cause == null ? null : cause.getClass(), String.valueOf(cause));
    assertEquals(retryable, cause.isRetryable(), cause.getMessage());
    assertEquals(retryable, RetryClassifier.isRetryable(cause), cause.getMessage());
  }

  // -----------------------------------------------------------------------------------------------
  // Close codes after session.created

  /** How the server ends an open session, and what PROTOCOL.md §3 says follows. */
  record CloseFault(
      String name,
      int closeCode,
      String errorCode,
      Class<? extends AtomsException> cause,
      boolean retryable) {
    @Override
    public String toString() {
      return name;
    }

    void inflict(FakeConnection conn) {
      if (errorCode != null) {
        conn.sendErrorAndClose(errorCode, "injected " + errorCode);
      } else if (closeCode == 1006) {
        conn.drop();
      } else {
        conn.close(closeCode, "injected");
      }
    }
  }

  static Stream<Arguments> closeFaults() {
    List<CloseFault> faults = new ArrayList<>();
    faults.add(new CloseFault("close 1000", 1000, null, null, false));
    faults.add(new CloseFault("close 1001", 1001, null, ConnectionException.class, true));
    faults.add(new CloseFault("drop (1006)", 1006, null, ConnectionException.class, true));
    faults.add(new CloseFault("close 1011", 1011, null, ConnectionException.class, true));
    faults.add(new CloseFault("close 4401", 4401, null, AuthenticationException.class, false));
    faults.add(new CloseFault("close 4403", 4403, null, AuthenticationException.class, false));
    String[] fatal = {
      "invalid_event",
      "invalid_json",
      "no_session",
      "too_many_updates",
      "tool_name_conflict",
      "client_tools_managed_by_config",
      "invalid_tools",
      "tool_timeout",
      "unknown_call_id",
      "result_too_large",
      "404"
    };
    for (String code : fatal) {
      faults.add(
          new CloseFault(
              "error " + code + ", close 4000", 4000, code, ServerErrorException.class, false));
    }
    for (String code : new String[] {"internal_error", "worker_not_ready", "503"}) {
      faults.add(
          new CloseFault(
              "error " + code + ", close 4000", 4000, code, ServerErrorException.class, true));
    }
    return faults.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closeFaults")
  void aServerCloseEndsTheSessionAsTheProtocolSays(CloseFault fault) throws Exception {
    // Without a reconnect policy: the terminal outcome.
    RecordingListener listener = new RecordingListener();
    AtomsSession session = newSession(SessionOptions.builder().build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    fault.inflict(server.awaitConnection(WAIT));
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(fault.closeCode(), end.closeCode(), end.toString());
    assertEquals(false, end.clientInitiated());
    assertNull(end.closedReason());
    if (fault.errorCode() == null) {
      assertNull(end.lastError());
    } else {
      assertEquals(fault.errorCode(), end.lastError().code());
      assertEquals(fault.errorCode(), ((ServerErrorException) end.cause()).code());
      assertEquals(4000, ((ServerErrorException) end.cause()).closeCode());
    }
    assertCause(fault.cause(), fault.retryable(), end.cause());
    assertEquals(fault.retryable(), RetryClassifier.shouldReconnect(end));
    assertEquals(SessionState.CLOSED, session.state());
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());

    // With a fast reconnect policy: a reconnect exactly when the failure is retryable.
    RecordingListener retrying = new RecordingListener();
    AtomsSession again =
        newSession(SessionOptions.builder().reconnectPolicy(fast(3)).build(), retrying);
    again.connect().get(5, TimeUnit.SECONDS);
    int handshakesBefore = server.handshakes().size();
    fault.inflict(server.awaitConnection(WAIT));
    if (fault.retryable()) {
      time.forwardTime(retrying.awaitReconnecting(WAIT).delay());
      FakeConnection next = server.awaitConnection(WAIT);
      retrying.awaitReconnected(1, WAIT);
      assertEquals(1, retrying.reconnectingCalls().size());
      assertCause(fault.cause(), true, retrying.reconnectingCalls().get(0).cause());
      assertEquals(SessionState.OPEN, again.state());
      again.sendText("still here");
      assertEquals("still here", next.awaitReceived(InputTextSendEvent.class, WAIT).text());
      assertEquals(1, again.stats().reconnects());
    } else {
      SessionEnd noRetry = retrying.awaitClosed(WAIT);
      assertCause(fault.cause(), false, noRetry.cause());
      assertTrue(retrying.reconnectingCalls().isEmpty(), retrying.reconnectingCalls().toString());
      assertEquals(handshakesBefore, server.handshakes().size(), "no new handshake");
      assertEquals(0, again.stats().reconnects());
    }
    assertTrue(retrying.violations().isEmpty(), retrying.violations().toString());
  }

  // -----------------------------------------------------------------------------------------------
  // Refused handshakes

  record Refusal(
      int status, String body, Class<? extends AtomsException> cause, boolean retryable) {
    @Override
    public String toString() {
      return "HTTP " + status + " " + body;
    }
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
            new Refusal(400, "{\"errors\":[\"bad request\"]}", HandshakeException.class, false),
            new Refusal(
                400,
                "{\"errors\":[\"Invalid agent id\"]}",
                UpgradeNotHonouredException.class,
                false),
            new Refusal(
                401,
                "{\"status\":false,\"errors\":[\"Unauthorized\"]}",
                AuthenticationException.class,
                false),
            new Refusal(
                403,
                "{\"status\":false,\"errors\":[\"token already used\"]}",
                AuthenticationException.class,
                false),
            new Refusal(404, "not found", HandshakeException.class, false),
            new Refusal(500, "oops", HandshakeException.class, true),
            new Refusal(503, "draining", ServiceUnavailableException.class, true))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aRefusedHandshakeIsItsOwnExceptionAndOnly5xxIsRetried(Refusal refusal) throws Exception {
    server.refuseNextHandshakes(refusal.status(), refusal.body());
    RecordingListener listener = new RecordingListener();
    Throwable error = failureOf(newSession(SessionOptions.builder().build(), listener).connect());
    HandshakeException refused = (HandshakeException) error;
    assertCause(refusal.cause(), refusal.retryable(), refused);
    assertEquals(refusal.status(), refused.statusCode());
    assertEquals(refusal.body(), refused.responseBody());
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(-1, end.closeCode());
    assertEquals(refused, end.cause());
    assertEquals(1, server.handshakes().size());

    RecordingListener retrying = new RecordingListener();
    AtomsSession again =
        newSession(SessionOptions.builder().reconnectPolicy(fast(5)).build(), retrying);
    var opened = again.connect();
    if (refusal.retryable()) {
      // Refused twice more, then the server recovers: the session opens on the second retry.
      time.forwardTime(retrying.awaitReconnecting(WAIT).delay());
      Duration second = retrying.awaitReconnecting(WAIT).delay();
      assertEquals(3, server.handshakes().size());
      server.acceptHandshakes();
      time.forwardTime(second);
      opened.get(5, TimeUnit.SECONDS);
      assertEquals(2, retrying.reconnectingCalls().size(), retrying.reconnectingCalls().toString());
      for (RecordingListener.Reconnecting r : retrying.reconnectingCalls()) {
        assertCause(refusal.cause(), true, r.cause());
      }
    } else {
      assertCause(refusal.cause(), false, (AtomsException) failureOf(opened));
      retrying.awaitClosed(WAIT);
      assertTrue(retrying.reconnectingCalls().isEmpty());
      assertEquals(2, server.handshakes().size(), "one attempt only");
    }
  }

  // -----------------------------------------------------------------------------------------------
  // A server that accepts the upgrade and never speaks

  @Test
  void aServerThatNeverSpeaksTimesOutTypedAndIsRetriedUpToTheCap() throws Exception {
    server.silentAfterUpgrade(true);
    Duration bound = Duration.ofMillis(250);
    RecordingListener listener = new RecordingListener();
    CompletableFuture<?> opened =
        newSession(SessionOptions.builder().sessionCreatedTimeout(bound).build(), listener)
            .connect();
    timers.awaitArmed(bound, WAIT); // upgraded: the wait for session.created has begun
    time.forwardTime(bound);
    Throwable error = failureOf(opened);
    assertCause(AtomsTimeoutException.class, true, (AtomsException) error);
    assertTrue(error.getMessage().contains("session.created"), error.getMessage());
    assertEquals(1, server.connectionCount(), "the upgrade itself succeeded");

    RecordingListener retrying = new RecordingListener();
    AtomsSession again =
        newSession(
            SessionOptions.builder().sessionCreatedTimeout(bound).reconnectPolicy(fast(2)).build(),
            retrying);
    CompletableFuture<?> reopened = again.connect();
    for (int attempt = 0; attempt <= 2; attempt++) {
      timers.awaitArmed(bound, WAIT);
      time.forwardTime(bound);
      if (attempt < 2) {
        time.forwardTime(retrying.awaitReconnecting(WAIT).delay());
      }
    }
    Throwable last = failureOf(reopened);
    assertCause(AtomsTimeoutException.class, true, (AtomsException) last);
    assertEquals(2, retrying.reconnectingCalls().size());
    assertEquals(1 + 3, server.connectionCount(), "the first attempt plus two reconnects");
    assertEquals(last, retrying.awaitClosed(WAIT).cause());
  }
}
