package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.testing.LogCapture;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ScriptedClient;
import dev.atomsrealtime.testing.ScriptedTransports.Scripted;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README promises about a running session, each checked through the public API on scripted
 * connections and virtual time: a reconnect discards the old session's agent audio,
 * {@code AtomsClient.close()} ends open sessions gracefully, and audio never reaches the logs,
 * even at TRACE.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionPromisesTest {
  private static final Duration WAIT = ScriptedClient.WAIT;
  private static final PcmFormat FMT = PcmFormat.pcm16Mono(16_000);

  private final ScriptedClient scripted = new ScriptedClient();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void close() {
    scripted.close();
  }

  /** {@code n} bytes of a pattern that starts at {@code first}. */
  private static byte[] pcm(int first, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i * 7);
    }
    return b;
  }

  private static String delta(byte[] pcm) {
    return "{\"type\":\"output_audio.delta\",\"audio\":\"" + Base64.getEncoder().encodeToString(pcm)
        + "\"}";
  }

  @Test
  void aReconnectDiscardsTheOldSessionsAgentAudio() throws Exception {
    AtomsSession s = scripted.session(SessionOptions.builder().reconnectPolicy(
        ReconnectPolicy.exponentialBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0, 3)),
        listener);
    PcmPullSink speaker = PcmPullSink.create(FMT, 100); // 3200 bytes; the rest waits in the queue
    SessionAudio audio = s.attachAudio(null, speaker);
    Scripted first = scripted.open(s, listener);
    first.receive("{\"type\":\"agent_start_talking\"}", delta(pcm(1, 6400)), delta(pcm(2, 3200)));
    listener.awaitEvent(AgentStartTalkingEvent.class, WAIT);
    first.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    AudioStats stats = audio.stats();
    assertEquals(9600, stats.bytesDiscardedByInterruption(), "queued and held in the sink");
    assertEquals(0, speaker.poll(new byte[9600], 0, 9600), "nothing of the old reply plays");

    scripted.time.advance(Duration.ofMillis(100));
    Scripted second = scripted.transports.next(WAIT);
    second.open(ScriptedClient.created("s2"));
    listener.awaitReconnected(1, WAIT);
    byte[] fresh = pcm(3, 640);
    second.receive("{\"type\":\"agent_start_talking\"}", delta(fresh));
    byte[] got = new byte[fresh.length];
    assertEquals(fresh.length, speaker.read(got, 0, got.length, 10, TimeUnit.SECONDS));
    assertArrayEquals(fresh, got, "the new session's audio plays, alone");
  }

  @Test
  void closingTheClientEndsOpenSessionsGracefully() throws Exception {
    RecordingListener otherListener = new RecordingListener();
    AtomsSession a = scripted.session(SessionOptions.builder(), listener);
    AtomsSession b = scripted.session(SessionOptions.builder(), otherListener);
    Scripted ta = scripted.open(a, listener);
    Scripted tb = scripted.open(b, otherListener);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(scripted.client::close);
    listener.awaitState(SessionState.CLOSING, WAIT);
    otherListener.awaitState(SessionState.CLOSING, WAIT);
    ta.awaitSent("session.close", WAIT);
    tb.awaitSent("session.close", WAIT);
    assertFalse(closing.isDone(), "close() waits for the sessions");
    // The closing thread may be the one running the sessions' tasks now: what these frames cause
    // happens in order, but not necessarily before receive() returns.
    for (Scripted t : new Scripted[] {ta, tb}) {
      t.receive("{\"type\":\"session.closed\",\"reason\":\"client_closed\"}");
      t.closed(1000, "", false);
    }
    closing.get(10, TimeUnit.SECONDS);
    assertEquals(1000, ta.closeCode(), "closed with 1000 once session.closed came");
    assertEquals(1000, tb.closeCode());
    for (RecordingListener l : new RecordingListener[] {listener, otherListener}) {
      SessionEnd end = l.awaitClosed(WAIT);
      assertTrue(end.clientInitiated());
      assertEquals("client_closed", end.closedReason());
    }
    assertEquals(SessionState.CLOSED, a.state());
    assertEquals(SessionState.CLOSED, b.state());
    assertThrows(IllegalStateException.class,
        () -> scripted.client.newSession(SessionOptions.builder().build(), listener));
  }

  @Test
  void audioNeverReachesTheLogsEvenAtTrace() throws Exception {
    // A recognisable pattern, sent both ways, in chunks small enough that a library logging
    // frames would print them whole.
    byte[] pattern = pcm(0x5A, 640);
    String base64 = Base64.getEncoder().encodeToString(pattern);
    String logs;
    try (LogCapture capture = LogCapture.atTrace()) {
      AtomsSession s = scripted.session(SessionOptions.builder().sampleRateHz(16_000), listener);
      PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
      PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
      s.attachAudio(mic, speaker);
      Scripted t = scripted.open(s, listener);
      mic.push(pattern, 0, pattern.length);
      s.sendAudio(pattern);
      t.receive("{\"type\":\"agent_start_talking\"}", delta(pattern), delta(pattern));
      byte[] got = new byte[pattern.length];
      assertEquals(pattern.length, speaker.read(got, 0, got.length, 10, TimeUnit.SECONDS));
      s.closeAsync();
      t.receive("{\"type\":\"session.closed\",\"reason\":\"client_closed\"}");
      t.closed(1000, "", false);
      listener.awaitClosed(WAIT);
      assertTrue(t.sent().stream().anyMatch(f -> f.contains(base64.substring(0, 40))),
          "the pattern did go out on the wire");
      logs = capture.text();
    }
    assertTrue(logs.contains("TRACE") || logs.contains("DEBUG"), "the capture saw the SDK's logs");
    assertFalse(logs.contains(base64.substring(0, 24)), "audio (base64) in the logs");
  }
}
