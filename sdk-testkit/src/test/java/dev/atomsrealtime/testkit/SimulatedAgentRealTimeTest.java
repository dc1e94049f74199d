package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulated agent with replies paced at real time: barge-in, pacing, stopping a reply on {@code
 * session.close} and on server close, and its threads. Replies are cut early or kept short, so each
 * test takes about a second.
 */
@Timeout(value = 10, unit = SECONDS)
class SimulatedAgentRealTimeTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<AgentClient> clients = new ArrayList<>();
  private FakeAtomsServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (AgentClient client : clients) {
      client.client.closeBlocking();
    }
    if (server != null) {
      assertEquals(List.of(), server.behaviorFailures());
      server.close();
    }
    ThreadLeaks.assertNoneAlive();
  }

  private AgentClient open(SimulatedAgent agent, String rawQuery) throws InterruptedException {
    server = FakeAtomsServer.builder().behavior(agent).build().start();
    AgentClient client = AgentClient.open(server, rawQuery);
    clients.add(client);
    return client;
  }

  private static byte[] replyAt(int sampleRateHz) {
    return SimulatedAgent.bundledAgentReply().convertTo(PcmFormat.pcm16Mono(sampleRateHz)).pcm();
  }

  @Test
  void userSpeechWhileTheAgentTalksInterruptsTheReply() throws Exception {
    SimulatedAgent agent = SimulatedAgent.builder().responseDelayMillis(0).build();
    AgentClient client = open(agent, "agent_id=a");
    client.sendAudio(client.wire(SimulatedAgent.bundledUserUtterance()));
    client.userTranscript();
    client.next(AgentStartTalkingEvent.class);
    ByteArrayOutputStream heard = new ByteArrayOutputStream();
    heard.writeBytes(client.next(OutputAudioDeltaEvent.class).audioCopy());

    // Barge in (sent faster than real time) while the 4 s reply is still streaming.
    client.sendAudio(client.wire(SimulatedAgent.bundledBargeIn()));

    String spokenSoFar = "";
    while (true) {
      ServerEvent event = client.next();
      if (event instanceof InterruptionEvent) {
        break;
      } else if (event instanceof OutputAudioDeltaEvent delta) {
        heard.writeBytes(delta.audioCopy());
      } else {
        spokenSoFar = assertInstanceOf(TranscriptDeltaEvent.class, event).text();
      }
    }
    client.next(AgentStopTalkingEvent.class);
    TranscriptEvent truncated = client.next(TranscriptEvent.class);
    assertEquals(Role.AGENT, truncated.role());
    assertEquals(spokenSoFar, truncated.text());
    assertTrue(SimulatedAgent.DEFAULT_REPLY_TEXT.startsWith(truncated.text()));
    assertTrue(truncated.text().length() < SimulatedAgent.DEFAULT_REPLY_TEXT.length());
    // No more audio of the cut reply: the barge-in is the next utterance, then a new reply.
    assertEquals(Role.USER, client.next(TranscriptEvent.class).role());
    client.next(AgentStartTalkingEvent.class);

    SimulatedAgent.Session session = agent.awaitSession(WAIT);
    AgentTurn cut = session.awaitInterruption(WAIT);
    assertEquals(0, cut.index());
    assertArrayEquals(heard.toByteArray(), cut.audio());
    byte[] full = replyAt(24000);
    assertTrue(cut.audioBytes() > 0 && cut.audioBytes() < full.length, cut::toString);
    assertArrayEquals(Arrays.copyOf(full, cut.audioBytes()), cut.audio());
    assertEquals(truncated.text(), cut.spokenText());
    assertEquals(2, session.awaitUtterances(2, WAIT).size());
  }

  @Test
  void repliesArePacedAtRealTime() throws Exception {
    WavData reply = SimulatedAgent.bundledAgentReply();
    int millis = 600;
    WavData shortReply =
        new WavData(
            reply.format(), Arrays.copyOf(reply.pcm(), reply.format().bytesForMillis(millis)));
    SimulatedAgent agent =
        SimulatedAgent.builder()
            .replyAudio(shortReply)
            .replyText("One two three")
            .responseDelayMillis(0)
            .build();
    AgentClient client = open(agent, "agent_id=a");

    client.client.send(new InputTextSendEvent("hi"));
    client.userTranscript();
    AgentClient.Reply heard = client.reply();

    assertEquals(millis / 40, heard.deltas().size());
    // 15 deltas on a 40 ms fixed-rate schedule: the last one leaves 560 ms after the first. The
    // server's own timestamps (millisecond precision) measure it, whatever the client's delays.
    long elapsedMillis = Duration.between(heard.startedAt(), heard.stoppedAt()).toMillis();
    assertTrue(elapsedMillis >= 555, () -> "reply took only " + elapsedMillis + " ms");
    assertEquals(List.of("One", "One two", "One two three"), heard.transcriptDeltas());
  }

  @Test
  void sessionCloseStopsTheReplyAndGetsTheDefaultReply() throws Exception {
    SimulatedAgent agent = SimulatedAgent.builder().responseDelayMillis(0).build();
    AgentClient client = open(agent, "agent_id=a");
    client.client.send(new InputTextSendEvent("hi"));
    client.userTranscript();
    client.next(AgentStartTalkingEvent.class);
    client.next(OutputAudioDeltaEvent.class);

    client.client.send(new SessionCloseEvent());

    ServerEvent event;
    do {
      event = client.next();
      assertFalse(event instanceof AgentStopTalkingEvent, "the reply is dropped, not finished");
    } while (!(event instanceof SessionClosedEvent));
    assertEquals(SessionClosedEvent.CLIENT_REQUESTED, ((SessionClosedEvent) event).reason());
    assertEquals(1000, client.client.awaitClose().code());
    assertTrue(client.client.frames.isEmpty(), "nothing after session.closed");
    AgentTurn turn = agent.awaitSession(WAIT).awaitTurns(1, WAIT).get(0);
    assertEquals(AgentTurn.Outcome.CLOSED, turn.outcome());
    assertTrue(turn.audioBytes() > 0 && turn.audioBytes() < turn.plannedAudioBytes());
  }

  @Test
  void serverCloseMidReplyLeavesNoAgentThread() throws Exception {
    SimulatedAgent agent = SimulatedAgent.builder().responseDelayMillis(0).build();
    AgentClient client = open(agent, "agent_id=a");
    client.client.send(new InputTextSendEvent("hi"));
    client.userTranscript();
    client.next(AgentStartTalkingEvent.class);
    client.next(OutputAudioDeltaEvent.class);

    List<Thread> agentThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().matches("atoms-simagent-\\d+"))
            .toList();
    assertEquals(1, agentThreads.size(), agentThreads::toString);
    assertTrue(agentThreads.get(0).isDaemon());

    server.close();

    assertEquals(1001, client.client.awaitClose().code());
    assertFalse(agentThreads.get(0).isAlive(), "agent thread still alive after server close");
    SimulatedAgent.Session session = agent.awaitSession(WAIT);
    assertTrue(session.isStopped());
    assertEquals(AgentTurn.Outcome.CLOSED, session.turns().get(0).outcome());
  }
}
