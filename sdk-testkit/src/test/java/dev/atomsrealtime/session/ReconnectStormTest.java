package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server restart seen by many sessions at once: 20 sessions on one client lose their connections
 * at the same moment while the server refuses everything with 503. Jitter must spread their
 * reconnect handshakes at the server, and each session must stop at its attempt cap.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class ReconnectStormTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final int SESSIONS = 20;
  static final int MAX_ATTEMPTS = 3;

  FakeAtomsServer server;
  AtomsClient client;
  final List<AtomsSession> sessions = new ArrayList<>();
  final List<FaultInjectionTest.Listener> listeners = new ArrayList<>();

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
    client = AtomsClient.builder().apiKey("sk_storm").baseUrl(server.uri()).build();
  }

  @AfterEach
  void stop() {
    sessions.forEach(AtomsSession::close);
    client.close();
    server.close();
  }

  @Test
  void jitterSpreadsTheReconnectsAndTheAttemptCapHolds() throws Exception {
    // First attempt after 100-300 ms (200 ms +-50 %), then 400 ms and 800 ms capped at 400 ms.
    ExponentialBackoff policy =
        ExponentialBackoff.builder()
            .initialDelay(Duration.ofMillis(200))
            .maxDelay(Duration.ofMillis(400))
            .jitterFraction(0.5)
            .maxAttempts(MAX_ATTEMPTS)
            .build();
    List<FakeConnection> connections = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      FaultInjectionTest.Listener listener = new FaultInjectionTest.Listener();
      AtomsSession s =
          client.newSession(SessionOptions.builder().reconnectPolicy(policy).build(), listener);
      sessions.add(s);
      listeners.add(listener);
      s.connect().get(5, TimeUnit.SECONDS);
      connections.add(server.awaitConnection(WAIT));
    }

    server.refuseNextHandshakes(503, "{\"status\":false,\"errors\":[\"draining\"]}");
    long droppedAt = System.nanoTime();
    connections.forEach(FakeConnection::drop);

    for (FaultInjectionTest.Listener listener : listeners) {
      SessionEnd end = listener.awaitClosed(WAIT);
      assertInstanceOf(ServiceUnavailableException.class, end.cause(), String.valueOf(end));
      assertEquals(MAX_ATTEMPTS, listener.reconnectCauses.size(), "attempts before giving up");
      assertInstanceOf(ConnectionException.class, listener.reconnectCauses.get(0));
      for (int a = 1; a < MAX_ATTEMPTS; a++) {
        assertInstanceOf(ServiceUnavailableException.class, listener.reconnectCauses.get(a));
      }
    }
    assertEquals(SESSIONS * (1 + MAX_ATTEMPTS), server.handshakes().size());

    // The first reconnect of every session: the 20 handshakes after the initial ones.
    List<Long> arrivals = server.handshakeArrivalNanos().subList(SESSIONS, 2 * SESSIONS);
    long first = arrivals.stream().mapToLong(Long::longValue).min().orElseThrow();
    long last = arrivals.stream().mapToLong(Long::longValue).max().orElseThrow();
    long spreadMillis = TimeUnit.NANOSECONDS.toMillis(last - first);
    int busiestWindow = 0;
    for (long start : arrivals) {
      int inWindow = 0;
      for (long t : arrivals) {
        if (t >= start && t - start < TimeUnit.MILLISECONDS.toNanos(10)) {
          inWindow++;
        }
      }
      busiestWindow = Math.max(busiestWindow, inWindow);
    }
    System.out.printf(
        "reconnect storm: %d sessions, first reconnects %d-%d ms after the drop, spread %d ms,"
            + " at most %d in any 10 ms; %d handshakes in all%n",
        SESSIONS,
        TimeUnit.NANOSECONDS.toMillis(first - droppedAt),
        TimeUnit.NANOSECONDS.toMillis(last - droppedAt),
        spreadMillis,
        busiestWindow,
        server.handshakes().size());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(first - droppedAt) >= 90, "backoff respected");
    assertTrue(spreadMillis >= 60, "reconnects spread over only " + spreadMillis + " ms");
    assertTrue(busiestWindow <= SESSIONS / 2, busiestWindow + " reconnects within 10 ms");
  }
}
