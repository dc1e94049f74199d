package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ScriptedClient;
import dev.atomsrealtime.testing.ScriptedTransports;
import dev.atomsrealtime.testing.ScriptedTransports.Scripted;
import dev.atomsrealtime.testing.VirtualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session state machine through the public API, with scripted transports (the test plays the
 * server and the socket's read thread) and virtual time: held control frames, every way of
 * closing, reconnects and what they carry over, and frames from connections no longer current.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionStateMachineTest {
  private static final Duration WAIT = ScriptedClient.WAIT;
  private static final String CREATED = ScriptedClient.CREATED;
  private static final String CREATED_2 = ScriptedClient.created("s2");
  private static final ReconnectPolicy BACKOFF =
      ReconnectPolicy.exponentialBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0, 2);

  private final ScriptedClient scripted = new ScriptedClient();
  private final VirtualScheduler time = scripted.time;
  private final ScriptedTransports transports = scripted.transports;
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void closeClient() {
    scripted.close();
  }

  private AtomsSession session(SessionOptions.Builder options) {
    return scripted.session(options, listener);
  }

  private AtomsSession session() {
    return session(SessionOptions.builder());
  }

  private Scripted open(AtomsSession s) throws Exception {
    return scripted.open(s, listener);
  }

  @Test
  void controlFramesAreHeldUntilSessionCreatedThenSentInOrder() throws Exception {
    AtomsSession s = session();
    s.sendText("before connect");
    s.connect();
    Scripted t = transports.next(WAIT);
    s.declareTools(List.of(ToolDefinition.builder("lookup").build()));
    s.commitAudio();
    t.open();
    s.sendText("after upgrade");
    assertEquals(List.of(), t.sent(), "nothing before session.created");
    t.receive(CREATED);
    listener.awaitState(SessionState.OPEN, WAIT);
    assertEquals(List.of("input_text.send", "session.update", "input_audio_buffer.commit",
        "input_text.send"), t.sentTypes());
    assertTrue(t.sent().get(0).contains("before connect"));
    assertTrue(t.sent().get(3).contains("after upgrade"));
    s.sendText("open");
    assertEquals(5, t.sent().size());
    assertEquals(new SessionInfo("s1", "c-s1", 16000, 1), s.info());
    assertEquals(new SessionInfo("s1", "c-s1", 16000, 1), s.connect().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aSecondConnectStartsNoSecondAttempt() throws Exception {
    AtomsSession s = session();
    s.connect();
    transports.next(WAIT);
    s.connect();
    assertFalse(transports.anotherCreated());
    assertEquals(SessionState.CONNECTING, s.state());
  }

  @Test
  void closingANewSessionEndsItAtOnce() throws Exception {
    AtomsSession s = session();
    SessionEnd end = s.closeAsync().get(10, TimeUnit.SECONDS);
    assertEquals(SessionState.CLOSED, s.state());
    assertEquals(1000, end.closeCode());
    assertTrue(end.clientInitiated());
    assertNull(end.cause());
    assertFalse(transports.anotherCreated());
    assertThrows(IllegalStateException.class, s::connect, "a closed session does not connect");
  }

  @Test
  void closingWhileConnectingAbortsTheAttempt() throws Exception {
    AtomsSession s = session();
    s.connect();
    Scripted t = transports.next(WAIT);
    SessionEnd end = s.closeAsync().get(10, TimeUnit.SECONDS);
    assertEquals(-1, t.closeCode(), "aborted");
    assertEquals(SessionState.CLOSED, s.state());
    listener.awaitClosed(WAIT);
    assertEquals(List.of(SessionState.CONNECTING, SessionState.CLOSING, SessionState.CLOSED),
        listener.states());
    assertTrue(end.clientInitiated());
    assertNull(end.cause());
    assertEquals(List.of(), t.sent());
  }

  @Test
  void closingAnOpenSessionSaysSessionCloseAndClosesOnSessionClosed() throws Exception {
    AtomsSession s = session();
    Scripted t = open(s);
    s.closeAsync();
    assertEquals(SessionState.CLOSING, s.state());
    assertEquals(List.of("session.close"), t.sentTypes());
    assertEquals(-2, t.closeCode(), "waits for session.closed");
    assertThrows(IllegalStateException.class, () -> s.sendText("too late"));
    assertEquals(1, t.sent().size(), "nothing is sent once closing");
    t.receive("{\"type\":\"session.closed\",\"reason\":\"client_closed\"}");
    assertEquals(1000, t.closeCode());
    t.closed(1000, "client closed", false);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(1000, end.closeCode());
    assertEquals("client_closed", end.closedReason());
    assertTrue(end.clientInitiated());
    assertEquals(List.of(SessionState.CONNECTING, SessionState.OPEN, SessionState.CLOSING,
        SessionState.CLOSED), listener.states());
    s.close(); // again: nothing happens
    assertEquals(1, listener.closedCalls());
    assertEquals(List.of(), time.pending(), "the close bound was cancelled once closed");
  }

  @Test
  void withoutSessionClosedTheCloseTimeoutCloses() throws Exception {
    AtomsSession s = session(SessionOptions.builder().closeTimeout(Duration.ofSeconds(3)));
    Scripted t = open(s);
    s.closeAsync();
    time.advance(Duration.ofMillis(2999));
    assertEquals(-2, t.closeCode());
    time.advance(Duration.ofMillis(1));
    assertEquals(1000, t.closeCode());
  }

  @Test
  void aServerSessionClosedIsBoundedByTheCloseTimeoutToo() throws Exception {
    AtomsSession s = session(SessionOptions.builder().closeTimeout(Duration.ofSeconds(3)));
    Scripted t = open(s);
    t.receive("{\"type\":\"session.closed\",\"reason\":\"ended\"}");
    assertEquals(-2, t.closeCode(), "the server closes next");
    time.advance(Duration.ofSeconds(3));
    assertTrue(t.closeCode() != -2, "the wait is bounded");
    t.closed(1000, "", true);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertFalse(end.clientInitiated());
    assertEquals("ended", end.closedReason());
    assertNull(end.cause());
  }

  @Test
  void theLastErrorEventAndTheCauseReachTheEnd() throws Exception {
    AtomsSession s = session();
    Scripted t = open(s);
    t.receive("{\"type\":\"error\",\"code\":\"bad_key\",\"message\":\"no\"}");
    listener.awaitEvent(ErrorEvent.class, WAIT);
    t.closed(4401, "unauthorized", true);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertEquals(new ErrorEvent("bad_key", "no"), end.lastError());
    assertInstanceOf(AuthenticationException.class, end.cause());
    assertEquals(4401, end.closeCode());
    assertFalse(end.clientInitiated());
    assertFalse(transports.anotherCreated(), "no reconnect by default");
  }

  @Test
  void aRepeatedSessionCreatedIsIgnored() throws Exception {
    AtomsSession s = session();
    Scripted t = open(s);
    t.receive(CREATED_2);
    t.receive("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"marker\"}");
    listener.awaitEvent(TranscriptEvent.class, WAIT);
    assertEquals("s1", s.info().sessionId());
    assertEquals(1, listener.callbacks().stream().filter(c -> c.startsWith("onOpen")).count());
  }

  @Test
  void invalidFramesAreCountedAndReported() throws Exception {
    AtomsSession s = session();
    Scripted t = open(s);
    t.receive("{not json", "[1]");
    assertEquals(2, listener.awaitInvalidFrames(2, WAIT).size());
    assertEquals(2, s.stats().invalidFrames());
    assertEquals(SessionState.OPEN, s.state());
  }

  @Test
  void aLostConnectionReconnectsAndDeclaresTheToolsAgain() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    s.declareTools(List.of(ToolDefinition.builder("lookup").build()));
    s.sendText("held once");
    Scripted first = open(s);
    assertEquals(List.of("session.update", "input_text.send"), first.sentTypes());
    first.closed(1006, "", true);
    RecordingListener.Reconnecting r = listener.awaitReconnecting(WAIT);
    assertEquals(1, r.attempt());
    assertEquals(Duration.ofMillis(100), r.delay());
    assertInstanceOf(ConnectionException.class, r.cause());
    assertEquals(SessionState.RECONNECTING, s.state());
    assertNull(s.info(), "no session while reconnecting");
    s.sendText("while away");
    time.advance(Duration.ofMillis(99));
    assertFalse(transports.anotherCreated());
    time.advance(Duration.ofMillis(1));
    Scripted second = transports.next(WAIT);
    assertEquals(List.of(), second.sent());
    second.open(CREATED_2);
    assertEquals("s2", listener.awaitReconnected(1, WAIT).sessionId());
    assertEquals(List.of("session.update", "input_text.send"), second.sentTypes());
    assertTrue(second.sent().get(1).contains("while away"), "held frames are sent once only");
    assertEquals(1, s.stats().reconnects());
    assertEquals("s2", s.info().sessionId());
    // A late frame of the old connection is not delivered.
    first.receive("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"stale\"}");
    second.receive("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"fresh\"}");
    TranscriptEvent e = listener.awaitEvent(TranscriptEvent.class, WAIT);
    assertEquals("fresh", e.text());
    first.closed(1006, "", true);
    assertEquals(SessionState.OPEN, s.state(), "the old connection's end changes nothing");
  }

  @Test
  void toolsHeldDuringAReconnectAreSentOnce() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted first = open(s);
    first.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    s.declareTools(List.of(ToolDefinition.builder("lookup").build()));
    time.advance(Duration.ofMillis(100));
    Scripted second = transports.next(WAIT);
    second.open(CREATED_2);
    listener.awaitReconnected(1, WAIT);
    assertEquals(List.of("session.update"), second.sentTypes());
  }

  @Test
  void attemptsThatNeverOpenGrowTheDelayUntilThePolicyGivesUp() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted first = open(s);
    first.closed(1006, "", true);
    assertEquals(Duration.ofMillis(100), listener.awaitReconnecting(WAIT).delay());
    time.advance(Duration.ofMillis(100));
    Scripted second = transports.next(WAIT);
    second.closed(1006, "", true); // failed before session.created
    listener.awaitState(SessionState.RECONNECTING, WAIT);
    time.advance(Duration.ofMillis(199));
    assertFalse(transports.anotherCreated());
    time.advance(Duration.ofMillis(1));
    Scripted third = transports.next(WAIT);
    third.closed(1006, "", true);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertInstanceOf(ConnectionException.class, end.cause(), "gave up after 2 attempts");
    assertEquals(2, listener.reconnectingCalls().size());
    assertEquals(2, listener.reconnectingCalls().get(1).attempt());
    assertEquals(0, s.stats().reconnects());
  }

  @Test
  void closingWhileReconnectingEndsWithoutAnotherAttempt() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted first = open(s);
    first.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    SessionEnd end = s.closeAsync().get(10, TimeUnit.SECONDS);
    assertTrue(end.clientInitiated());
    assertNull(end.cause());
    assertEquals(List.of(), time.pending(), "the reconnect timer was cancelled, not left to fire");
    time.advance(Duration.ofSeconds(5));
    assertFalse(transports.anotherCreated(), "no attempt after the close");
  }

  @Test
  void aNormalServerCloseOfAnOpenSessionEndsWithoutCause() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted t = open(s);
    t.closed(1000, "", true);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertNull(end.cause());
    assertFalse(end.clientInitiated());
    assertFalse(transports.anotherCreated());
    assertNotNull(end);
  }

  @Test
  void audioBeyondTheQueueBoundIsDroppedOldestFirst() throws Exception {
    // 100 ms of audio at 16 kHz is 4266 bytes of base64 frames; past the transport's high-water
    // mark (64 KiB here) audio waits, and the oldest goes beyond that bound.
    AtomsSession s = session(SessionOptions.builder().sampleRateHz(16_000)
        .maxQueuedAudioMillis(100));
    Scripted t = open(s);
    t.setQueuedBytes(64 * 1024);
    byte[] chunk = new byte[640]; // 20 ms: a frame of 45 + 856 + 2 = 903 bytes
    for (int i = 0; i < 10; i++) {
      s.sendAudio(chunk);
    }
    assertEquals(6, s.stats().audioChunksDroppedBackpressure(), "4 frames (3612 bytes) fit");
    assertEquals(64 * 1024 + 4 * 903, s.stats().queuedBytes());
    assertEquals(List.of(), t.sent());
  }

  @Test
  void aSessionCreatedWithoutARateRunsAtTheRequestedOne() throws Exception {
    AtomsSession s = session(SessionOptions.builder().sampleRateHz(8_000));
    s.connect();
    Scripted t = transports.next(WAIT);
    t.open("{\"type\":\"session.created\",\"session_id\":\"s\",\"sample_rate\":0}");
    listener.awaitState(SessionState.OPEN, WAIT);
    assertEquals(0, s.info().sampleRateHz(), "as the server said");
    dev.atomsrealtime.audio.SessionAudio audio = s.attachAudio(null,
        dev.atomsrealtime.audio.PcmPullSink.create(
            dev.atomsrealtime.audio.PcmFormat.pcm16Mono(8_000), 200));
    assertEquals(8_000, audio.sessionFormat().sampleRateHz());
  }

  @Test
  void audioWaitingForALostConnectionIsNoLongerCountedAsQueued() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF)
        .sampleRateHz(16_000).maxQueuedAudioMillis(100));
    Scripted t = open(s);
    t.setQueuedBytes(64 * 1024); // the socket is full: audio waits in the queue
    s.sendAudio(new byte[640]);
    s.sendAudio(new byte[640]);
    assertEquals(64 * 1024 + 2 * 903, s.stats().queuedBytes());
    t.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    assertTrue(s.stats().queuedBytes() <= 2 * 903,
        "the lost socket's backlog no longer counts: " + s.stats().queuedBytes());
    assertEquals(List.of(), t.sent());
  }

  @Test
  void aConnectionOpenLongEnoughStartsTheBackoffAgain() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF)
        .reconnectBackoffResetAfter(Duration.ofSeconds(5)));
    Scripted first = open(s);
    first.closed(1006, "", true);
    assertEquals(1, listener.awaitReconnecting(WAIT).attempt());
    time.advance(Duration.ofMillis(100));
    Scripted second = transports.next(WAIT);
    second.open(CREATED_2);
    listener.awaitReconnected(1, WAIT);
    time.advance(Duration.ofSeconds(5));
    second.closed(1006, "", true);
    RecordingListener.Reconnecting again = listener.awaitReconnecting(WAIT);
    assertEquals(1, again.attempt(), "a new streak after 5 s open");
    assertEquals(Duration.ofMillis(100), again.delay());
  }

  @Test
  void anEndedSessionLeavesTheClient() throws Exception {
    AtomsSession s = session();
    Scripted t = open(s);
    assertTrue(scripted.client.toString().contains("sessions=1"), scripted.client.toString());
    t.closed(1000, "", true);
    listener.awaitClosed(WAIT);
    s.closeAsync().get(10, TimeUnit.SECONDS);
    assertTrue(scripted.client.toString().contains("sessions=0"), scripted.client.toString());
  }
}
