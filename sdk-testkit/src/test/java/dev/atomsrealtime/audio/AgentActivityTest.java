package dev.atomsrealtime.audio;

import static dev.atomsrealtime.audio.SessionAudioTest.pull;
import static dev.atomsrealtime.audio.SessionAudioTest.silent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent activity the session owns ({@link AgentActivity}), and what reads it: the half-duplex
 * gate and the turn metrics; with the stale-delta gate, all on virtual time. Playback goes to a
 * {@link PcmPullSink} that the test drains, so "played" is exactly what the test read.
 */
class AgentActivityTest extends LoopbackSessionTest {
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);
  /** How much the test reads from the speaker at a time, as a device would: 20 ms. */
  static final int STEP = FMT.bytesForMillis(20);

  final ManualScheduler time = new ManualScheduler();

  @Override
  protected AtomsClient.Builder client(AtomsClient.Builder builder) {
    return builder.scheduler(time, time);
  }

  @AfterEach
  void nothingLeftScheduled() {
    if (session != null) {
      session.close();
      session = null;
    }
    time.assertNoPendingTasks();
  }

  static byte[] tone(int millis, int value) {
    byte[] pcm = new byte[FMT.bytesForMillis(millis)];
    for (int i = 0; i < pcm.length; i += 2) {
      pcm[i] = (byte) value;
      pcm[i + 1] = (byte) (value >> 8);
    }
    return pcm;
  }

  /** Reads everything the sink holds now. */
  static int drain(PcmPullSink sink) {
    byte[] buf = new byte[4_096];
    int total = 0;
    int n;
    while ((n = sink.poll(buf, 0, buf.length)) > 0) {
      total += n;
    }
    return total;
  }

  @Test
  void withoutAudioTheStartAndStopEventsDecide() throws Exception {
    FakeConnection conn = open();
    assertEquals(AgentActivity.LISTENING, session.agentActivity());
    conn.send(new AgentStartTalkingEvent(null));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    assertEquals(AgentActivity.AGENT_SPEAKING, session.agentActivity());
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    assertEquals(AgentActivity.LISTENING, session.agentActivity());
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    // Reported in order, each change just before the event that caused it (as state changes are).
    List<String> order = listener.callbacks().stream()
        .filter(c -> c.contains("talking") || c.startsWith("onAgentActivity")).toList();
    assertEquals(List.of("onAgentActivityChanged:AGENT_SPEAKING", "onEvent:agent_start_talking",
        "onAgentActivityChanged:LISTENING", "onEvent:agent_stop_talking"), order);
  }

  /** Attaches {@code speaker}; the agent sends a 200 ms reply whole: sent, not yet heard. */
  private SessionAudio aReplySentNotYetHeard(FakeConnection conn, PcmPullSink speaker)
      throws InterruptedException {
    SessionAudio audio = session.attachAudio(null, speaker);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(tone(200, 100));
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertEquals(AgentActivity.AGENT_SPEAKING, session.agentActivity(),
        "the reply was sent, not yet heard");
    return audio;
  }

  @Test
  void withASinkTheAgentSpeaksUntilItsAudioHasBeenPlayed() throws Exception {
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    SessionAudio audio = aReplySentNotYetHeard(open(), speaker);
    pull(speaker, FMT.bytesForMillis(200), STEP);
    assertEquals(0, drain(speaker));
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    TurnMetrics turn = listener.awaitTurnMetrics(WAIT);
    assertFalse(turn.interrupted());
  }

  @Test
  void aSecondReplyHeardBeforeItsStopEventEndsAtTheStopEvent() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    // The first reply is sent whole and still plays when the second one starts.
    SessionAudio audio = aReplySentNotYetHeard(conn, speaker);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(tone(200, 100));
    // The second start is handled before the first reply finishes playing.
    listener.awaitEvent(AgentStartTalkingEvent.class, WAIT);
    // Both are heard while the agent still says it is talking: playback goes idle, and the
    // agent still speaks.
    pull(speaker, FMT.bytesForMillis(400), STEP);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    assertEquals(AgentActivity.AGENT_SPEAKING, session.agentActivity());
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    // Nothing is left to hear: the second stop event ends it, reported just before the event.
    assertEquals(AgentActivity.LISTENING, session.agentActivity());
    List<String> order = listener.callbacks().stream()
        .filter(c -> c.contains("stop_talking") || c.startsWith("onAgentActivity")).toList();
    assertEquals(List.of("onAgentActivityChanged:AGENT_SPEAKING", "onEvent:agent_stop_talking",
        "onAgentActivityChanged:LISTENING", "onEvent:agent_stop_talking"), order);
  }

  @Test
  void audioWithoutAStartEventMakesTheAgentSpeakToo() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    session.attachAudio(null, speaker);
    conn.sendAudio(tone(100, 100));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    pull(speaker, FMT.bytesForMillis(100), STEP);
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    TurnMetrics turn = listener.awaitTurnMetrics(WAIT);
    assertNull(turn.toAgentStart(), "no start event: no agent-start latency");
  }

  @Test
  void anInterruptionEndsSpeakingAtOnceAndTheNextReplyStartsAgain() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    session.attachAudio(null, speaker);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(tone(1_000, 100));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    conn.send(new InterruptionEvent());
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    assertEquals(0, speaker.bufferedBytes());
    assertTrue(listener.awaitTurnMetrics(WAIT).interrupted());
    conn.send(new AgentStartTalkingEvent(null));
    byte[] next = tone(40, 200);
    conn.sendAudio(next);
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    assertArrayEquals(next, pull(speaker, next.length, STEP));
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
  }

  @Test
  void aLostConnectionEndsSpeakingAndTheNewSessionStartsListening() throws Exception {
    FakeConnection first = open(SessionOptions.builder().agentId("a")
        .reconnectPolicy(ExponentialBackoff.builder().jitterFraction(0).build()).build(),
        listener);
    PcmPullSink speaker = PcmPullSink.create(FMT, 100);
    SessionAudio audio = session.attachAudio(null, speaker);
    first.send(new AgentStartTalkingEvent(null));
    first.sendAudio(tone(500, 100));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    first.drop();
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    assertEquals(0, audio.stats().queuedMillis(), "the old session's reply is discarded");
    time.forwardTime(Duration.ofMillis(500)); // the first reconnect delay
    FakeConnection second = server.awaitConnection(WAIT);
    listener.awaitEvent(SessionCreatedEvent.class, WAIT); // the first session's
    listener.awaitEvent(SessionCreatedEvent.class, WAIT); // the new one's
    assertEquals(AgentActivity.LISTENING, session.agentActivity());
    second.send(new AgentStartTalkingEvent(null));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
  }

  @Test
  void theHalfDuplexGateOpensExactlyOneTailAfterTheReplyWasHeard() throws Exception {
    FakeConnection conn = open();
    PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    SessionAudio audio = session.attachAudio(mic, speaker,
        AudioOptions.builder().duplex(Duplex.HALF).halfDuplexTailMillis(300).build());
    byte[] loud = tone(20, 3_000);
    mic.push(loud);
    assertFalse(silent(conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT)));

    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(tone(100, 100));
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    assertTrue(audio.isGatedByPlayback());
    mic.push(loud);
    assertTrue(silent(conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT)),
        "the microphone is gated while the agent speaks");
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.isGatedByPlayback(), "stopped talking, but its audio is not played yet");
    pull(speaker, FMT.bytesForMillis(100), STEP);
    listener.awaitActivity(AgentActivity.LISTENING, WAIT);
    time.forwardTime(Duration.ofMillis(299));
    assertTrue(audio.isGatedByPlayback(), "299 ms into the 300 ms tail");
    mic.push(loud);
    assertTrue(silent(conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT)));
    time.forwardTime(Duration.ofMillis(1));
    assertFalse(audio.isGatedByPlayback(), "the tail is over");
    mic.push(loud);
    assertFalse(silent(conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT)));
    assertEquals(2, audio.stats().silentChunksSent());
  }

  /** Sends a transcript delta and waits for it: everything sent before has been handled. */
  private void awaitProcessed(FakeConnection conn) throws InterruptedException {
    String marker = "marker-" + System.nanoTime();
    conn.send(new dev.atomsrealtime.event.TranscriptDeltaEvent(dev.atomsrealtime.event.Role.AGENT,
        "assistant", marker));
    listener.awaitEvent(e -> e instanceof dev.atomsrealtime.event.TranscriptDeltaEvent d
        && d.text().equals(marker), WAIT);
  }

  @Test
  void staleDeltasAreDroppedUntilTheNextReplyOrTheTimeout() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    SessionAudio audio = session.attachAudio(null, speaker,
        AudioOptions.builder().staleDeltaTimeout(Duration.ofSeconds(2)).build());
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(tone(40, 100));
    conn.send(new InterruptionEvent());
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    conn.sendAudio(tone(20, 300)); // stale: no reply started since
    awaitProcessed(conn); // stale deltas never reach the listener: a marker event follows
    assertEquals(1, audio.stats().staleDeltasDropped());
    time.forwardTime(Duration.ofMillis(1_999));
    conn.sendAudio(tone(20, 300)); // still inside the timeout
    awaitProcessed(conn);
    assertEquals(2, audio.stats().staleDeltasDropped());
    time.forwardTime(Duration.ofMillis(1));
    byte[] late = tone(20, 400); // a lost start event must not mute the agent forever
    conn.sendAudio(late);
    listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT);
    assertEquals(2, audio.stats().staleDeltasDropped());
    byte[] got = new byte[late.length];
    assertEquals(late.length, speaker.read(got, 0, got.length, 5, TimeUnit.SECONDS));
    assertArrayEquals(late, got);
  }

  @Test
  void turnLatencyIsMeasuredOnTheSessionClock() throws Exception {
    FakeConnection conn = open();
    PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
    PcmPullSink speaker = PcmPullSink.create(FMT, 1_000);
    session.attachAudio(mic, speaker);
    mic.push(tone(20, 3_000)); // the user's speech ends with this chunk, at t = 0
    conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT);
    time.forwardTime(Duration.ofMillis(700));
    conn.send(new AgentStartTalkingEvent(null));
    listener.awaitActivity(AgentActivity.AGENT_SPEAKING, WAIT);
    time.forwardTime(Duration.ofMillis(100));
    conn.sendAudio(tone(20, 100)); // first delta and first played at t = 800 ms
    listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT);
    pull(speaker, FMT.bytesForMillis(20), STEP);
    conn.send(new AgentStopTalkingEvent(null));
    TurnMetrics m = listener.awaitTurnMetrics(WAIT);
    assertEquals(Duration.ofMillis(700), m.toAgentStart());
    assertEquals(Duration.ofMillis(800), m.toFirstDelta());
    assertEquals(Duration.ofMillis(800), m.toFirstPlayed());
    assertFalse(m.interrupted());
  }
}
