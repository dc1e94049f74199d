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
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server restart seen by many sessions at once: 20 sessions on one client lose their connections
 * at the same moment while the server refuses everything with 503. Jitter must spread their
 * reconnects, and each session must stop at its attempt cap. On virtual time, every reconnect
 * starts exactly when its delay has passed, so the spread is exact and checked against the
 * policy's jitter; the jitter's random generator is seeded, so the run is repeatable.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class ReconnectStormTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final int SESSIONS = 20;
  static final int MAX_ATTEMPTS = 3;

  final ManualScheduler time = new ManualScheduler();
  FakeAtomsServer server;
  AtomsClient client;
  final List<AtomsSession> sessions = new ArrayList<>();
  final List<AttemptClockListener> listeners = new ArrayList<>();

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
    client = AtomsClient.builder().apiKey("key_storm").baseUrl(server.uri())
        .scheduler(time, time).build();
  }

  @AfterEach
  void stop() {
    sessions.forEach(AtomsSession::close);
    client.close();
    server.close();
    time.assertNoPendingTasks();
  }

  @Test
  void jitterSpreadsTheReconnectsAndTheAttemptCapHolds() throws Exception {
    // First attempt after 100-300 ms (200 ms +-50 %), then 400 ms and 800 ms capped at 400 ms,
    // each +-50 %: 200-600 ms.
    ExponentialBackoff policy =
        ExponentialBackoff.builder()
            .initialDelay(Duration.ofMillis(200))
            .maxDelay(Duration.ofMillis(400))
            .jitterFraction(0.5)
            .maxAttempts(MAX_ATTEMPTS)
            .random(new Random(20)::nextDouble)
            .build();
    List<FakeConnection> connections = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      AttemptClockListener listener = new AttemptClockListener(time);
      AtomsSession s =
          client.newSession(SessionOptions.builder().reconnectPolicy(policy).build(), listener);
      sessions.add(s);
      listeners.add(listener);
      s.connect().get(5, TimeUnit.SECONDS);
      connections.add(server.awaitConnection(WAIT));
    }

    server.refuseNextHandshakes(503, "{\"status\":false,\"errors\":[\"draining\"]}");
    long droppedAt = time.nanoTime();
    connections.forEach(FakeConnection::drop);

    // Each session is now waiting for its first reconnect; when is each one due?
    long[] due = new long[SESSIONS];
    List<List<Duration>> delays = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      Duration first = listeners.get(i).awaitReconnecting(WAIT).delay();
      delays.add(new ArrayList<>(List.of(first)));
      due[i] = droppedAt + first.toNanos();
    }
    // Move time from one due reconnect to the next; none may start a nanosecond early.
    int[] attempts = new int[SESSIONS];
    while (true) {
      long next = Long.MAX_VALUE;
      for (int i = 0; i < SESSIONS; i++) {
        if (attempts[i] < MAX_ATTEMPTS) {
          next = Math.min(next, due[i]);
        }
      }
      if (next == Long.MAX_VALUE) {
        break;
      }
      time.forwardNanos(next - 1 - time.nanoTime());
      for (int i = 0; i < SESSIONS; i++) {
        if (attempts[i] < MAX_ATTEMPTS) {
          assertEquals(SessionState.RECONNECTING, sessions.get(i).state(), "session " + i);
        }
      }
      time.forwardNanos(1);
      for (int i = 0; i < SESSIONS; i++) {
        if (attempts[i] < MAX_ATTEMPTS && due[i] == next) {
          // This one's attempt began now and was refused: it announces the next one, or ends.
          attempts[i]++;
          if (attempts[i] < MAX_ATTEMPTS) {
            Duration d = listeners.get(i).awaitReconnecting(WAIT).delay();
            delays.get(i).add(d);
            due[i] = next + d.toNanos();
          } else {
            listeners.get(i).awaitClosed(WAIT);
          }
        }
      }
    }

    for (int i = 0; i < SESSIONS; i++) {
      AttemptClockListener listener = listeners.get(i);
      SessionEnd end = listener.awaitClosed(WAIT);
      assertInstanceOf(ServiceUnavailableException.class, end.cause(), String.valueOf(end));
      List<RecordingListener.Reconnecting> calls = listener.reconnectingCalls();
      assertEquals(MAX_ATTEMPTS, calls.size(), "attempts before giving up");
      assertInstanceOf(ConnectionException.class, calls.get(0).cause());
      for (int a = 1; a < MAX_ATTEMPTS; a++) {
        assertInstanceOf(ServiceUnavailableException.class, calls.get(a).cause());
      }
      // Each delay lies within the jitter of its nominal delay.
      List<Duration> d = delays.get(i);
      assertWithin(d.get(0), Duration.ofMillis(100), Duration.ofMillis(300));
      assertWithin(d.get(1), Duration.ofMillis(200), Duration.ofMillis(600));
      assertWithin(d.get(2), Duration.ofMillis(200), Duration.ofMillis(600));
      // And each attempt began exactly when its delay had passed.
      long t1 = droppedAt + d.get(0).toNanos();
      long t2 = t1 + d.get(1).toNanos();
      long t3 = t2 + d.get(2).toNanos();
      assertEquals(List.of(0L, t1, t2, t3), listener.connectingAt(), "session " + i);
    }
    assertEquals(SESSIONS * (1 + MAX_ATTEMPTS), server.handshakes().size());

    // The first reconnect of every session, relative to the drop.
    List<Long> arrivals = new ArrayList<>();
    for (AttemptClockListener listener : listeners) {
      arrivals.add(listener.connectingAt().get(1) - droppedAt);
    }
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
        TimeUnit.NANOSECONDS.toMillis(first),
        TimeUnit.NANOSECONDS.toMillis(last),
        spreadMillis,
        busiestWindow,
        server.handshakes().size());
    assertTrue(first >= TimeUnit.MILLISECONDS.toNanos(100), "backoff respected");
    assertTrue(spreadMillis >= 60, "reconnects spread over only " + spreadMillis + " ms");
    assertTrue(busiestWindow <= SESSIONS / 2, busiestWindow + " reconnects within 10 ms");
  }

  private static void assertWithin(Duration d, Duration atLeast, Duration below) {
    assertTrue(d.compareTo(atLeast) >= 0 && d.compareTo(below) < 0,
        d + " is outside [" + atLeast + ", " + below + ")");
  }
}
