package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.CredentialSupplier;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.transport.TransportFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every timer of a session, on virtual time and to the nanosecond: the connect timeout, the
 * {@code session.created} timeout, the bound on the credential supplier, the close timeout and the
 * closing-handshake bound after it, keepalive pings, the idle limit, and reconnect backoff. Each
 * test moves time to one nanosecond before a timer is due and checks that nothing happened yet,
 * then one nanosecond more; each ends with nothing scheduled. The network is real (loopback).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class SessionTimersTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Duration NANO = Duration.ofNanos(1);

  final ManualScheduler time = new ManualScheduler();
  final WatchedScheduler timers = new WatchedScheduler(time);
  final AttemptClockListener listener = new AttemptClockListener(time);
  final List<AutoCloseable> toClose = new ArrayList<>();
  FakeAtomsServer server;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
    toClose.add(server);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
    time.assertNoPendingTasks();
  }

  private AtomsClient client(URI baseUrl, CredentialSupplier credentials,
      TransportFactory transports) {
    AtomsClient.Builder b = AtomsClient.builder().credentials(credentials).baseUrl(baseUrl)
        .scheduler(timers, time);
    if (transports != null) {
      b.transportFactory(transports);
    }
    AtomsClient client = b.build();
    toClose.add(client);
    return client;
  }

  private AtomsClient client(TransportFactory transports) {
    return client(server.uri(), () -> "key_timers", transports);
  }

  /**
   * An open session on {@code transports} that pings every {@code interval} and is declared lost
   * after {@code idle} of silence.
   */
  private AtomsSession openWithKeepalive(ObservedTransports transports, Duration interval,
      Duration idle) throws Exception {
    AtomsSession session = client(transports).newSession(SessionOptions.builder()
        .keepaliveInterval(interval).idleTimeout(idle).build(), listener);
    session.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return session;
  }

  /** The failure of {@code f}, which must fail within {@link #WAIT}. */
  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  @Test
  void aServerThatNeverAnswersTheUpgradeTimesOutExactlyAtTheConnectTimeout() throws Exception {
    Duration connectTimeout = Duration.ofSeconds(4);
    // A TCP listener that accepts and then says nothing: no HTTP response, no upgrade.
    try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      mute.setSoTimeout((int) WAIT.toMillis());
      AtomsClient c = client(URI.create("ws://127.0.0.1:" + mute.getLocalPort()),
          () -> "key_timers", null);
      AtomsSession session = c.newSession(
          SessionOptions.builder().connectTimeout(connectTimeout).build(), listener);
      CompletableFuture<?> opened = session.connect();
      // The transport starts after its timer is armed: once connected to, the bound is running.
      try (Socket accepted = mute.accept()) {
        time.forwardTime(connectTimeout.minus(NANO));
        assertEquals(SessionState.CONNECTING, session.state(), "not a nanosecond early");
        time.forwardTime(NANO);
        AtomsTimeoutException timeout =
            assertInstanceOf(AtomsTimeoutException.class, failureOf(opened));
        assertEquals("timed out after 4000 ms connecting to 127.0.0.1", timeout.getMessage());
        assertTrue(timeout.isRetryable());
        SessionEnd end = listener.awaitClosed(WAIT);
        assertSame(timeout, end.cause());
        assertEquals(-1, end.closeCode());
      }
    }
    time.assertNoPendingTasks();
  }

  @Test
  void aServerThatNeverCreatesTheSessionTimesOutExactlyAtTheSessionCreatedTimeout()
      throws Exception {
    Duration createdTimeout = Duration.ofSeconds(3);
    server.silentAfterUpgrade(true);
    AtomsSession session = client(null).newSession(
        SessionOptions.builder().sessionCreatedTimeout(createdTimeout).build(), listener);
    CompletableFuture<?> opened = session.connect();
    FakeConnection conn = server.awaitConnection(WAIT);
    // The listener hears nothing of the upgrade; the timer it arms is the sign.
    timers.awaitArmed(createdTimeout, WAIT);
    time.forwardTime(createdTimeout.minus(NANO));
    assertEquals(SessionState.CONNECTING, session.state(), "not a nanosecond early");
    time.forwardTime(NANO);
    AtomsTimeoutException timeout =
        assertInstanceOf(AtomsTimeoutException.class, failureOf(opened));
    assertEquals("timed out after 3000 ms waiting for session.created after the upgrade",
        timeout.getMessage());
    assertTrue(timeout.isRetryable());
    assertSame(timeout, listener.awaitClosed(WAIT).cause());
    conn.awaitClosed(WAIT); // the client gave the connection up
    time.assertNoPendingTasks();
  }

  @Test
  void aCredentialSupplierThatHangsIsBoundedByTheConnectTimeout() throws Exception {
    Duration connectTimeout = Duration.ofSeconds(10);
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomsClient c = client(server.uri(), () -> {
      asked.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "key_late";
    }, null);
    try {
      AtomsSession session = c.newSession(
          SessionOptions.builder().connectTimeout(connectTimeout).build(), listener);
      CompletableFuture<?> opened = session.connect();
      // The bound is armed before the supplier is called.
      assertTrue(asked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      time.forwardTime(connectTimeout.minus(NANO));
      assertEquals(SessionState.CONNECTING, session.state(), "not a nanosecond early");
      time.forwardTime(NANO);
      AtomsTimeoutException timeout =
          assertInstanceOf(AtomsTimeoutException.class, failureOf(opened));
      assertEquals("timed out after 10000 ms waiting for the credential supplier",
          timeout.getMessage());
      assertSame(timeout, listener.awaitClosed(WAIT).cause());
    } finally {
      release.countDown();
    }
    // Closing the client waits for its blocking pool: the supplier has returned, and the
    // credential it brought too late started nothing.
    c.close();
    assertEquals(0, server.handshakes().size());
    time.assertNoPendingTasks();
  }

  @Test
  void aCloseNobodyAnswersEndsAfterTheCloseTimeoutPlusTheHandshakeBound() throws Exception {
    Duration closeTimeout = Duration.ofSeconds(2);
    ObservedTransports transports = new ObservedTransports();
    AtomsSession session = client(transports).newSession(
        SessionOptions.builder().closeTimeout(closeTimeout).build(), listener);
    session.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    // The server stops reading: neither session.close nor the close frame is ever answered.
    conn.stopReading(true);
    CompletableFuture<SessionEnd> ended = session.closeAsync();
    listener.awaitState(SessionState.CLOSING, WAIT);

    time.forwardTime(closeTimeout.minus(NANO));
    assertEquals(SessionState.CLOSING, session.state());
    assertEquals(0, transports.connection(0).closes, "not a nanosecond early");
    time.forwardTime(NANO); // no session.closed: the client starts the closing handshake
    assertEquals(1, transports.connection(0).closes);

    time.forwardTime(Duration.ofSeconds(1).minus(NANO));
    assertEquals(SessionState.CLOSING, session.state());
    assertEquals(0, transports.connection(0).aborts, "not a nanosecond early");
    time.forwardTime(NANO); // the handshake did not finish either: the connection is dropped
    SessionEnd end = ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(1, transports.connection(0).aborts);
    assertEquals(Duration.ofSeconds(3), Duration.ofNanos(time.nanoTime()));
    assertTrue(end.clientInitiated());
    assertTrue(end.isNormal(), "the client asked for the end");
    assertNull(end.closedReason());
    assertEquals(1006, end.closeCode());
    assertSame(end, listener.awaitClosed(WAIT));
    assertEquals(SessionState.CLOSED, session.state());
    time.assertNoPendingTasks();
  }

  @Test
  void pingsAtEveryIntervalKeepAQuietConnectionOpenPastTheIdleLimit() throws Exception {
    Duration interval = Duration.ofSeconds(15);
    Duration idle = Duration.ofSeconds(45);
    ObservedTransports transports = new ObservedTransports(time);
    AtomsSession session = openWithKeepalive(transports, interval, idle);
    ObservedTransports.Observed observed = transports.connection(0);

    // Nothing is said either way for twice the idle limit; each ping's pong proves the peer alive.
    List<Duration> expected = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      time.forwardTime(interval.minus(NANO));
      assertEquals(expected, observed.pings(), "not a nanosecond early");
      time.forwardTime(NANO);
      expected.add(interval.multipliedBy(i));
      // The ping goes out in the session's context: on this thread, or right after on the thread
      // that is in the context now (the read thread, still finishing session.created).
      assertTrue(observed.awaitPing(WAIT), "ping " + i);
      assertEquals(expected, observed.pings());
      assertTrue(observed.awaitPong(WAIT), "no pong for ping " + i);
    }
    assertEquals(SessionState.OPEN, session.state());
    assertEquals(List.of(SessionCreatedEvent.class),
        listener.events().stream().map(Object::getClass).toList());

    session.closeAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(1, listener.closedCalls());
    time.assertNoPendingTasks();
  }

  @Test
  void aConnectionThatFallsSilentIsLostExactlyWhenTheIdleLimitIsReached() throws Exception {
    Duration interval = Duration.ofSeconds(10);
    Duration idle = Duration.ofSeconds(25);
    ObservedTransports transports = new ObservedTransports(time);
    AtomsSession session = openWithKeepalive(transports, interval, idle);
    ObservedTransports.Observed observed = transports.connection(0);
    FakeConnection conn = server.awaitConnection(WAIT);

    time.forwardTime(interval);
    assertTrue(observed.awaitPong(WAIT)); // heard from at 10 s
    conn.stopReading(true); // from now on pings go unanswered

    // Pings at 20 s and 30 s go unanswered; 25 s after the last pong, at 35 s, it is lost (the
    // check is scheduled for the moment the limit is reached, not for the next ping).
    time.forwardTime(Duration.ofSeconds(25).minus(NANO));
    assertEquals(SessionState.OPEN, session.state(), "not a nanosecond early");
    assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30)),
        observed.pings());
    time.forwardTime(NANO);
    SessionEnd end = listener.awaitClosed(WAIT);
    ConnectionException lost = assertInstanceOf(ConnectionException.class, end.cause());
    assertEquals("the connection was silent for 25000 ms (idle timeout 25000 ms); declared lost",
        lost.getMessage());
    assertEquals(Duration.ofSeconds(35), Duration.ofNanos(time.nanoTime()));
    assertTrue(lost.isRetryable());
    assertEquals(1006, end.closeCode());
    assertEquals(1, observed.aborts);
    assertEquals(3, observed.pings().size(), "no ping once the connection is given up");
    time.assertNoPendingTasks();
  }

  @Test
  void reconnectsFollowTheDefaultBackoffToTheNanosecond() throws Exception {
    ExponentialBackoff policy = ExponentialBackoff.builder().jitterFraction(0).build();
    AtomsSession session = client(null).newSession(
        SessionOptions.builder().reconnectPolicy(policy).build(), listener);
    session.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    server.refuseNextHandshakes(503, "draining");
    conn.drop();

    // 500 ms doubling per attempt, capped at 30 s, ten attempts.
    List<Duration> expected = List.of(Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(30));
    List<Duration> delays = new ArrayList<>();
    List<Duration> attemptsAt = new ArrayList<>();
    Duration now = Duration.ZERO;
    for (int attempt = 1; attempt <= expected.size(); attempt++) {
      RecordingListener.Reconnecting r = listener.awaitReconnecting(WAIT);
      assertEquals(attempt, r.attempt());
      Class<? extends AtomsException> cause =
          attempt == 1 ? ConnectionException.class : ServiceUnavailableException.class;
      assertInstanceOf(cause, r.cause());
      delays.add(r.delay());
      time.forwardTime(r.delay().minus(NANO));
      assertEquals(SessionState.RECONNECTING, session.state(), "not a nanosecond early");
      time.forwardTime(NANO);
      now = now.plus(r.delay());
      attemptsAt.add(now);
    }
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(expected, delays);
    assertInstanceOf(ServiceUnavailableException.class, end.cause());
    assertEquals(1 + expected.size(), server.handshakes().size());
    // Each attempt began exactly when its delay had passed: 0.5 s, 1.5 s, 3.5 s, ... 151.5 s.
    List<Duration> began = new ArrayList<>();
    for (long nanos : listener.connectingAt()) {
      began.add(Duration.ofNanos(nanos));
    }
    assertEquals(Duration.ZERO, began.get(0), "the first connect");
    assertEquals(attemptsAt, began.subList(1, began.size()));
    assertEquals(Duration.ofMillis(151_500), attemptsAt.get(attemptsAt.size() - 1));
    time.assertNoPendingTasks();
  }
}
