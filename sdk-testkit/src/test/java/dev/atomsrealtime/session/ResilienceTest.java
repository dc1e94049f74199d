package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.SessionStats;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reconnect, keepalive and backpressure against the fake server on loopback. Reconnect backoff
 * and keepalive run on virtual time: a test waits for the session's callback, then moves time.
 * Only the backpressure test runs on the real scheduler, whose retries drain a full socket.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class ResilienceTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  final ManualScheduler time = new ManualScheduler();
  final ObservedTransports transports = new ObservedTransports();
  FakeAtomsServer server;
  AtomsClient client;
  AtomsClient realTimeClient;
  final AtomicInteger credentialsIssued = new AtomicInteger();
  final RecordingListener listener = new RecordingListener();
  AtomsSession session;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
    client = clientBuilder().scheduler(time, time).transportFactory(transports).build();
  }

  /** A fresh credential per attempt, as single-use call tokens require. */
  private AtomsClient.Builder clientBuilder() {
    return AtomsClient.builder()
        .credentials(() -> "wct_token_" + credentialsIssued.incrementAndGet())
        .baseUrl(server.uri());
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    client.close();
    if (realTimeClient != null) {
      realTimeClient.close();
    }
    server.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
    time.assertNoPendingTasks();
  }

  /** Each reconnect announced so far, as "attempt:cause". */
  private List<String> reconnects() {
    return listener.reconnectingCalls().stream()
        .map(r -> r.attempt() + ":" + r.cause().getClass().getSimpleName()).toList();
  }

  static ReconnectPolicy fast(int maxAttempts) {
    return ExponentialBackoff.builder().initialDelay(Duration.ofMillis(20))
        .maxDelay(Duration.ofMillis(100)).maxAttempts(maxAttempts).build();
  }

  private FakeConnection open(SessionOptions options) throws Exception {
    session = client.newSession(options, listener);
    session.connect().get(5, TimeUnit.SECONDS);
    return server.awaitConnection(WAIT);
  }

  @Test
  void aDroppedConnectionReconnectsAsANewSessionWithAFreshCredential() throws Exception {
    FakeConnection first = open(SessionOptions.builder().reconnectPolicy(fast(5)).build());
    SessionInfo before = session.info();
    ToolDefinition tool = ToolDefinition.builder("lookup").build();
    session.declareTools(List.of(tool));
    first.awaitReceived(SessionUpdateEvent.class, WAIT);

    first.drop();
    time.forwardTime(listener.awaitReconnecting(WAIT).delay());
    FakeConnection second = server.awaitConnection(WAIT);
    SessionInfo after = listener.awaitReconnected(1, WAIT);
    assertNotEquals(before.sessionId(), after.sessionId());
    assertNotEquals(before.callId(), after.callId());
    assertEquals(after, session.info());
    assertEquals(List.of("1:ConnectionException"), reconnects());
    assertEquals(2, credentialsIssued.get());
    assertEquals("Bearer wct_token_2", second.handshake().header("Authorization"));
    // Tools are declared again for the new server session.
    assertEquals(new SessionUpdateEvent(List.of(tool)),
        second.awaitReceived(SessionUpdateEvent.class, WAIT));
    assertEquals(SessionState.OPEN, session.state());
    assertEquals(1, session.stats().reconnects());
    session.sendText("still talking");
    second.awaitReceived(InputTextSendEvent.class, WAIT);
    assertEquals(List.of(SessionState.CONNECTING, SessionState.OPEN, SessionState.RECONNECTING,
        SessionState.CONNECTING, SessionState.OPEN), listener.states());
  }

  @Test
  void audioSentDuringTheOutageIsNeverReplayed() throws Exception {
    FakeConnection first = open(SessionOptions.builder()
        .reconnectPolicy(ExponentialBackoff.builder().initialDelay(Duration.ofMillis(300))
            .maxAttempts(2).build()).build());
    first.drop();
    // While reconnecting (300 ms backoff, on virtual time), audio is dropped and counted.
    Duration backoff = listener.awaitReconnecting(WAIT).delay();
    assertEquals(SessionState.RECONNECTING, session.state());
    byte[] outage = new byte[960];
    java.util.Arrays.fill(outage, (byte) 7);
    for (int i = 0; i < 5; i++) {
      session.sendAudio(outage);
    }
    assertEquals(5, session.stats().audioChunksDroppedNotOpen());
    time.forwardTime(backoff);
    listener.awaitReconnected(1, WAIT);
    FakeConnection second = server.awaitConnection(WAIT);
    byte[] fresh = new byte[960];
    java.util.Arrays.fill(fresh, (byte) 9);
    session.sendAudio(fresh);
    InputAudioBufferAppendEvent got = second.awaitReceived(InputAudioBufferAppendEvent.class,
        WAIT);
    assertArrayEquals(fresh, got.audioCopy());
    assertEquals(1, second.received(InputAudioBufferAppendEvent.class).size());
  }

  @Test
  void authenticationFailuresAreNeverRetried() throws Exception {
    FakeConnection first = open(SessionOptions.builder().reconnectPolicy(fast(10)).build());
    server.refuseNextHandshakes(401, "{\"status\":false,\"errors\":[\"token already used\"]}");
    first.drop();
    time.forwardTime(listener.awaitReconnecting(WAIT).delay());
    SessionEnd end = listener.awaitClosed(WAIT);
    assertInstanceOf(AuthenticationException.class, end.cause());
    assertEquals(List.of("1:ConnectionException"), reconnects());
    assertEquals(2, server.handshakes().size(), "exactly one reconnect attempt");
  }

  @Test
  void theAttemptCapHoldsAgainstADrainingServer() throws Exception {
    FakeConnection first = open(SessionOptions.builder().reconnectPolicy(fast(3)).build());
    server.refuseNextHandshakes(503, "draining");
    first.drop();
    for (int attempt = 1; attempt <= 3; attempt++) {
      time.forwardTime(listener.awaitReconnecting(WAIT).delay());
    }
    SessionEnd end = listener.awaitClosed(WAIT);
    assertInstanceOf(ServiceUnavailableException.class, end.cause());
    assertEquals(List.of("1:ConnectionException", "2:ServiceUnavailableException",
        "3:ServiceUnavailableException"), reconnects());
    assertEquals(4, server.handshakes().size(), "the first connection plus three attempts");
    assertEquals(4, credentialsIssued.get());
  }

  @Test
  void theInitialConnectRetriesADrainingServerWhenAPolicyIsSet() throws Exception {
    server.refuseNextHandshakes(503, "draining");
    session = client.newSession(SessionOptions.builder().reconnectPolicy(fast(10)).build(),
        listener);
    var opened = session.connect();
    time.forwardTime(listener.awaitReconnecting(WAIT).delay()); // refused again
    Duration second = listener.awaitReconnecting(WAIT).delay();
    server.acceptHandshakes();
    time.forwardTime(second);
    SessionInfo info = opened.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("1:ServiceUnavailableException", "2:ServiceUnavailableException"),
        reconnects());
    assertTrue(info.callId().startsWith("CALL-"));
  }

  @Test
  void withoutAPolicyADropEndsTheSession() throws Exception {
    FakeConnection first = open(SessionOptions.builder().build());
    first.drop();
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(1006, end.closeCode());
    assertTrue(listener.reconnectingCalls().isEmpty());
    assertEquals(1, server.handshakes().size());
  }

  @Test
  void aSilentConnectionIsDeclaredLostByTheKeepalive() throws Exception {
    FakeConnection conn = open(SessionOptions.builder()
        .keepaliveInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(400)).build());
    // The server stops reading: pings go unanswered although TCP stays up.
    conn.stopReading(true);
    // Pings at 100-300 ms go unanswered; 400 ms of silence is the limit, reached at 400 ms.
    time.forwardTime(Duration.ofMillis(400).minusNanos(1));
    assertEquals(SessionState.OPEN, session.state());
    time.forwardTime(Duration.ofNanos(1));
    SessionEnd end = listener.awaitClosed(WAIT);
    ConnectionException lost = assertInstanceOf(ConnectionException.class, end.cause());
    assertTrue(lost.getMessage().contains("silent for 400 ms"), lost.getMessage());
    assertTrue(lost.isRetryable());
  }

  @Test
  void pingsKeepAQuietButHealthyConnectionOpen() throws Exception {
    open(SessionOptions.builder()
        .keepaliveInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(400)).build());
    // Nothing is sent either way for 1.2 s, three times the idle timeout; pongs prove the peer
    // alive.
    for (int i = 1; i <= 12; i++) {
      time.forwardTime(Duration.ofMillis(100));
      assertTrue(transports.connection(0).awaitPong(WAIT), "no pong for ping " + i);
    }
    assertEquals(SessionState.OPEN, session.state());
    assertEquals(List.of(SessionCreatedEvent.class),
        listener.events().stream().map(Object::getClass).toList());
  }

  @Test
  void aServerThatStopsReadingMakesOldAudioDropButNeverControlEvents() throws Exception {
    // Real time: the send queue's retries, every 5 ms on the scheduler, drain the full socket.
    realTimeClient = clientBuilder().build();
    session = realTimeClient.newSession(
        SessionOptions.builder().maxQueuedAudioMillis(200).build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    conn.stopReading(true);
    byte[] chunk = new byte[960];
    // Send until the socket's buffers are full and the SDK starts dropping (the kernel may absorb
    // a few MB first), then a little more; bounded in count (200,000 chunks are over 250 MB).
    int sent = 0;
    int extra = -1;
    while (extra != 0 && sent < 200_000) {
      java.nio.ByteBuffer.wrap(chunk).putInt(0, sent);
      session.sendAudio(chunk);
      sent++;
      if (extra > 0) {
        extra--;
      } else if (extra < 0 && session.stats().audioChunksDroppedBackpressure() > 0) {
        extra = 100;
      }
    }
    session.sendText("control survives");
    // Audio is only dropped while the connection's own queue is past its high-water mark. (How
    // much is still queued now depends on how far the socket's writer thread has got.)
    SessionStats stats = session.stats();
    assertTrue(stats.audioChunksDroppedBackpressure() > 0, stats.toString());
    conn.stopReading(false);
    assertEquals(new InputTextSendEvent("control survives"),
        conn.awaitReceived(InputTextSendEvent.class, WAIT));
    List<InputAudioBufferAppendEvent> audio = conn.received(InputAudioBufferAppendEvent.class);
    byte[] last = audio.get(audio.size() - 1).audioCopy();
    assertEquals(sent - 1, java.nio.ByteBuffer.wrap(last).getInt(0),
        "the newest audio is kept; the oldest is dropped");
    assertEquals(sent, audio.size() + session.stats().audioChunksDroppedBackpressure());
  }

  @Test
  void aSlowListenerNeverStallsTheSocketAndDropsAreCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stopSeen = new CountDownLatch(1);
    AtomicInteger deltasSeen = new AtomicInteger();
    session = client.newSession(SessionOptions.builder().maxPendingListenerEvents(100).build(),
        new dev.atomsrealtime.SessionListener() {
          @Override
          public void onEvent(AtomsSession s, ServerEvent e) {
            if (e instanceof OutputAudioDeltaEvent) {
              deltasSeen.incrementAndGet();
              try {
                release.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
            } else if (e instanceof dev.atomsrealtime.event.AgentStopTalkingEvent) {
              stopSeen.countDown();
            }
          }
        });
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    for (int i = 0; i < 500; i++) {
      conn.sendAudio(new byte[480]);
    }
    conn.sendRaw("{\"type\":\"agent_stop_talking\"}");
    // The socket keeps being read although the listener is stuck: the pong to a keepalive ping
    // comes after the 501 frames, so once it is here they have all been read and handled.
    time.forwardTime(session.options().keepaliveInterval());
    assertTrue(transports.connection(0).awaitPong(WAIT));
    assertTrue(session.stats().listenerDeltasDropped() > 0);
    // And the session still answers.
    session.sendText("ping");
    conn.awaitReceived(InputTextSendEvent.class, WAIT);
    release.countDown();
    // The stop event follows the 500 deltas: until the listener has it, some deltas may still be
    // on the wire, and closing then would neither deliver nor count them.
    assertTrue(stopSeen.await(5, TimeUnit.SECONDS));
    session.close(); // returns once the listener has drained and seen the end
    assertEquals(500, deltasSeen.get() + session.stats().listenerDeltasDropped(),
        "every delta was either given to the listener or counted as dropped");
    session = null;
  }
}
