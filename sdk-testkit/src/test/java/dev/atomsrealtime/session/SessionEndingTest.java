package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionSetupException;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.NonBlockingAudioSink;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.reconnect.ReconnectContext;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ServerBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How sessions end when servers and transports misbehave, on virtual time: a crash loop backs off
 * and gives up, a setup failure is a failure, and a connection whose transport goes silent for
 * good still ends with exactly one {@code onClosed}. Every test ends with nothing scheduled.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class SessionEndingTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  final ManualScheduler time = new ManualScheduler();
  final RecordingListener listener = new RecordingListener();
  final List<AutoCloseable> toClose = new ArrayList<>();

  /** The default backoff without jitter, recording what the session tells it. */
  static final class RecordingPolicy implements ReconnectPolicy {
    final ReconnectPolicy backoff;
    final List<ReconnectContext> seen = new CopyOnWriteArrayList<>();

    RecordingPolicy(int maxAttempts) {
      backoff = ExponentialBackoff.builder().jitterFraction(0).maxAttempts(maxAttempts).build();
    }

    @Override
    public Optional<Duration> nextDelay(ReconnectContext context) {
      seen.add(context);
      return backoff.nextDelay(context);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
    time.assertNoPendingTasks();
  }

  private FakeAtomsServer server(ServerBehavior behavior) {
    FakeAtomsServer server = FakeAtomsServer.builder().behavior(behavior).build().start();
    toClose.add(server);
    return server;
  }

  /** A server whose {@code n}-th session (from 1) meets {@code fault} once created. */
  private FakeAtomsServer serverFailingSession(int n, Consumer<FakeConnection> fault) {
    AtomicInteger sessions = new AtomicInteger();
    return server(new ServerBehavior() {
      @Override
      public void onSessionCreated(FakeConnection c) {
        if (sessions.incrementAndGet() == n) {
          fault.accept(c);
        }
      }
    });
  }

  private AtomsClient client(FakeAtomsServer server, ObservedTransports transports) {
    AtomsClient.Builder b = AtomsClient.builder().apiKey("key_test").baseUrl(server.uri())
        .scheduler(time, time);
    if (transports != null) {
      b.transportFactory(transports);
    }
    AtomsClient client = b.build();
    toClose.add(client);
    return client;
  }

  @Test
  void aServerThatFailsEverySessionAtOnceIsRetriedWithGrowingDelaysAndThenGivenUp()
      throws Exception {
    // Every session is created and then fails at once with a retryable error: a crash loop.
    FakeAtomsServer server = server(new ServerBehavior() {
      @Override
      public void onSessionCreated(FakeConnection c) {
        c.sendErrorAndClose("internal_error", "worker crashed");
      }
    });
    RecordingPolicy policy = new RecordingPolicy(4);
    AtomsSession session = client(server, null).newSession(
        SessionOptions.builder().reconnectPolicy(policy).build(), listener);
    session.connect();

    List<Duration> delays = new ArrayList<>();
    for (int attempt = 1; attempt <= 4; attempt++) {
      RecordingListener.Reconnecting r = listener.awaitReconnecting(WAIT);
      assertEquals(attempt, r.attempt(), "the streak goes on across sessions that fail at once");
      assertInstanceOf(ServerErrorException.class, r.cause());
      delays.add(r.delay());
      time.forwardTime(r.delay());
    }
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4)), delays);
    assertInstanceOf(ServerErrorException.class, end.cause());
    assertEquals(5, server.handshakes().size(), "the first session and four retries, no more");
    assertEquals(4, listener.reconnected().size(),
        "each retry opened a session that failed at once");
    // The policy saw each short-lived session: 1 opened before attempt 1, 5 by the give-up.
    List<Integer> opened = policy.seen.stream().map(ReconnectContext::sessionsOpened).toList();
    assertEquals(List.of(1, 2, 3, 4, 5), opened);
    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(1_500),
        Duration.ofMillis(3_500), Duration.ofMillis(7_500)),
        policy.seen.stream().map(ReconnectContext::elapsed).toList());
  }

  @Test
  void aSessionThatStayedHealthyStartsAFreshStreak() throws Exception {
    // The first session stays; the second fails at once; the third stays.
    FakeAtomsServer server = serverFailingSession(2,
        c -> c.sendErrorAndClose("internal_error", "worker crashed"));
    RecordingPolicy policy = new RecordingPolicy(10);
    AtomsSession session = client(server, null).newSession(SessionOptions.builder()
        .reconnectPolicy(policy).reconnectBackoffResetAfter(Duration.ofSeconds(10)).build(),
        listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection first = server.awaitConnection(WAIT);
    time.forwardTime(Duration.ofSeconds(10)); // healthy for the whole reset time
    first.drop();
    RecordingListener.Reconnecting r1 = listener.awaitReconnecting(WAIT);
    assertEquals(1, r1.attempt());
    time.forwardTime(r1.delay());
    // The second session fails at once: attempt 2 of the same streak.
    RecordingListener.Reconnecting r2 = listener.awaitReconnecting(WAIT);
    assertEquals(2, r2.attempt());
    time.forwardTime(r2.delay());
    server.awaitConnection(WAIT); // the one that failed
    FakeConnection third = server.awaitConnection(WAIT);
    awaitReconnected(session, 2); // the one that failed, and this one
    // Open just short of the reset time, then lost: still the same streak.
    time.forwardTime(Duration.ofSeconds(9));
    third.drop();
    RecordingListener.Reconnecting r3 = listener.awaitReconnecting(WAIT);
    assertEquals(3, r3.attempt());
    time.forwardTime(r3.delay());
    FakeConnection fourth = server.awaitConnection(WAIT);
    awaitReconnected(session, 1);
    time.forwardTime(Duration.ofSeconds(10));
    fourth.drop();
    RecordingListener.Reconnecting r4 = listener.awaitReconnecting(WAIT);
    assertEquals(1, r4.attempt(), "a healthy session ends the streak");
    assertEquals(Duration.ofMillis(500), r4.delay());
    assertEquals(List.of(0, 1, 2, 0), policy.seen.stream()
        .map(ReconnectContext::sessionsOpened).toList());
    session.closeAsync().get(5, TimeUnit.SECONDS);
  }

  @Test
  void setupFailedFollowedByANormalCloseIsATypedFailureAndNotRetried() throws Exception {
    FakeAtomsServer server = server(new ServerBehavior() {
      @Override
      public void onSessionCreated(FakeConnection c) {
        c.send(new SessionClosedEvent(SessionClosedEvent.SETUP_FAILED));
        c.close(1000, "");
      }
    });
    AtomsSession session = client(server, null).newSession(SessionOptions.builder()
        .reconnectPolicy(ReconnectPolicy.exponentialBackoff()).build(), listener);
    session.connect();
    SessionEnd end = listener.awaitClosed(WAIT);
    assertFalse(end.isNormal());
    SessionSetupException failure = assertInstanceOf(SessionSetupException.class, end.cause());
    assertFalse(failure.isRetryable());
    assertNull(failure.lastError());
    assertEquals(1000, end.closeCode());
    assertEquals(SessionClosedEvent.SETUP_FAILED, end.closedReason());
    assertTrue(listener.reconnectingCalls().isEmpty());
    assertEquals(1, server.handshakes().size());
  }

  @Test
  void setupFailedAfterARetryableErrorIsRetried() throws Exception {
    FakeAtomsServer server = serverFailingSession(1, c -> {
      c.send(new dev.atomsrealtime.event.ErrorEvent("worker_not_ready", "warming up"));
      c.send(new SessionClosedEvent(SessionClosedEvent.SETUP_FAILED));
      c.close(1000, "");
    });
    AtomsSession session = client(server, null).newSession(SessionOptions.builder()
        .reconnectPolicy(new RecordingPolicy(3)).build(), listener);
    session.connect();
    RecordingListener.Reconnecting r = listener.awaitReconnecting(WAIT);
    SessionSetupException cause = assertInstanceOf(SessionSetupException.class, r.cause());
    assertEquals("worker_not_ready", cause.lastError().code());
    time.forwardTime(r.delay());
    awaitReconnected(session, 1);
    session.closeAsync().get(5, TimeUnit.SECONDS);
    assertEquals(1, listener.reconnected().size());
  }

  @Test
  void aConnectionThatGoesDeadForGoodIsDeclaredLostOnTheIdleTimeout() throws Exception {
    FakeAtomsServer server = server(new ServerBehavior() { });
    ObservedTransports transports = new ObservedTransports();
    AtomsSession session = client(server, transports).newSession(SessionOptions.builder()
        .keepaliveInterval(Duration.ofSeconds(15)).idleTimeout(Duration.ofSeconds(45)).build(),
        listener);
    session.connect().get(5, TimeUnit.SECONDS);
    transports.connection(0).kill(); // its threads are gone: nothing more, ever
    time.forwardTime(Duration.ofSeconds(45).minusNanos(1));
    assertEquals(SessionState.OPEN, session.state(), "silent for just under the limit");
    time.forwardTime(Duration.ofNanos(1));
    SessionEnd end = listener.awaitClosed(WAIT);
    ConnectionException lost = assertInstanceOf(ConnectionException.class, end.cause());
    assertTrue(lost.getMessage().contains("silent for 45000 ms"), lost.getMessage());
    assertEquals(1006, end.closeCode());
    assertEquals(1, transports.connection(0).aborts);
    assertEquals(1, listener.closedCalls());
    assertEquals(SessionState.CLOSED, session.state());
  }

  @Test
  void closingAConnectionThatGoesDeadForGoodEndsWithinTheCloseBounds() throws Exception {
    FakeAtomsServer server = server(new ServerBehavior() { });
    ObservedTransports transports = new ObservedTransports();
    AtomsSession session = client(server, transports).newSession(SessionOptions.builder()
        .closeTimeout(Duration.ofSeconds(2)).build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    transports.connection(0).kill();
    var ended = session.closeAsync();
    listener.awaitState(SessionState.CLOSING, WAIT); // the close bound is running
    time.forwardTime(Duration.ofSeconds(2)); // no session.closed: close with 1000
    assertEquals(1, transports.connection(0).closes);
    assertFalse(ended.isDone());
    time.forwardTime(Duration.ofSeconds(1)); // no close handshake either: drop it
    SessionEnd end = ended.get(5, TimeUnit.SECONDS);
    assertTrue(end.clientInitiated());
    assertTrue(end.isNormal(), "the client asked for the end");
    assertEquals(1, transports.connection(0).aborts);
    assertEquals(end, listener.awaitClosed(WAIT));
    assertEquals(1, listener.closedCalls());
  }

  @Test
  void anErrorThrownWhileHandlingAFrameEndsTheSessionOnceAndLeavesNoThreads() throws Exception {
    FakeAtomsServer server = server(new ServerBehavior() { });
    AtomsSession session = client(server, null).newSession(SessionOptions.builder().build(),
        listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    // A sink that fails with an Error at barge-in, which runs on the socket's read thread.
    session.attachAudio(null, new ThrowingSink());
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(new byte[960]);
    conn.send(new InterruptionEvent());
    SessionEnd end = listener.awaitClosed(WAIT);
    ConnectionException failure = assertInstanceOf(ConnectionException.class, end.cause());
    assertInstanceOf(OutOfMemoryError.class, failure.getCause());
    assertFalse(failure.isRetryable());
    assertEquals(1, listener.closedCalls());
    assertEquals(SessionState.CLOSED, session.state());
  }

  /** Waits for the next {@code n} reconnects to have opened a session; the last one stays open. */
  private void awaitReconnected(AtomsSession session, int n) throws InterruptedException {
    listener.awaitReconnected(n, WAIT);
    assertEquals(SessionState.OPEN, session.state());
  }

  /** Takes audio, and fails with an Error when flushed. */
  static final class ThrowingSink implements NonBlockingAudioSink {
    private PcmFormat format;

    @Override
    public PcmFormat open(PcmFormat requested) {
      format = requested;
      return requested;
    }

    @Override
    public PcmFormat format() {
      return format;
    }

    @Override
    public int writeAvailable(byte[] buffer, int offset, int length) {
      return length;
    }

    @Override
    public void setSpaceListener(Runnable listener) {}

    @Override
    public void write(byte[] buffer, int offset, int length) {
      writeAvailable(buffer, offset, length);
    }

    @Override
    public void flush() {
      throw new OutOfMemoryError("simulated: out of memory at barge-in");
    }

    @Override
    public void drain() {}

    @Override
    public long framesPlayed() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
