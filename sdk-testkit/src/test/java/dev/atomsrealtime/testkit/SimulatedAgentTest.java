package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulated agent with replies sent as fast as possible: turn detection, reply content,
 * resampling, chat mode, ending the call. The user audio is sent faster than real time too; turn
 * detection counts audio, not wall time.
 */
@Timeout(value = 10, unit = SECONDS)
class SimulatedAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String GREETING = "Hello! How can I help you today?";

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

  private static SimulatedAgent.Builder fast() {
    return SimulatedAgent.builder().realTime(false).responseDelayMillis(0);
  }

  private AgentClient open(SimulatedAgent agent, String rawQuery) throws InterruptedException {
    if (server == null) {
      server = FakeAtomsServer.builder().behavior(agent).build().start();
    }
    AgentClient client = AgentClient.open(server, rawQuery);
    clients.add(client);
    return client;
  }

  private static byte[] replyAt(int sampleRateHz) {
    return SimulatedAgent.bundledAgentReply().convertTo(PcmFormat.pcm16Mono(sampleRateHz)).pcm();
  }

  @Test
  void greetingIsSpokenRightAfterSessionCreated() throws Exception {
    SimulatedAgent agent = fast().greeting(GREETING).build();
    AgentClient client = open(agent, "agent_id=a");

    AgentClient.Reply greeting = client.reply(); // the very next event is agent_start_talking
    assertEquals(GREETING, greeting.finalTranscript());
    assertEquals(GREETING, greeting.transcriptDeltas().get(greeting.transcriptDeltas().size() - 1));
    assertArrayEquals(replyAt(24000), greeting.audio());

    AgentTurn turn = agent.awaitSession(WAIT).awaitTurns(1, WAIT).get(0);
    assertEquals(0, turn.index());
    assertEquals(AgentTurn.Kind.GREETING, turn.kind());
    assertEquals(AgentTurn.Outcome.COMPLETED, turn.outcome());
    assertNull(turn.userText());
    assertArrayEquals(greeting.audio(), turn.audio());
  }

  @Test
  void userUtteranceGetsTranscriptThenFullReply() throws Exception {
    SimulatedAgent agent = fast().build();
    AgentClient client = open(agent, "agent_id=a");
    byte[] user = client.wire(SimulatedAgent.bundledUserUtterance());

    client.sendAudio(user);

    String userText = client.userTranscript();
    assertTrue(userText.matches("\\[user speech \\d+\\.\\d\\d s]"), userText);
    AgentClient.Reply reply = client.reply();
    byte[] expected = replyAt(24000);
    assertArrayEquals(expected, reply.audio());
    int deltaBytes = 24000 * 2 * 40 / 1000;
    for (int i = 0; i < reply.deltas().size() - 1; i++) {
      assertEquals(deltaBytes, reply.deltas().get(i).length);
    }
    assertEquals((expected.length + deltaBytes - 1) / deltaBytes, reply.deltas().size());
    List<String> words = reply.transcriptDeltas();
    assertEquals(SimulatedAgent.DEFAULT_REPLY_TEXT.split(" ").length, words.size());
    assertEquals("Sure,", words.get(0));
    assertEquals(SimulatedAgent.DEFAULT_REPLY_TEXT, words.get(words.size() - 1));
    assertEquals(SimulatedAgent.DEFAULT_REPLY_TEXT, reply.finalTranscript());

    SimulatedAgent.Session session = agent.awaitSession(WAIT);
    AgentTurn turn = session.awaitTurns(1, WAIT).get(0);
    assertEquals(AgentTurn.Kind.SPEECH, turn.kind());
    assertEquals(AgentTurn.Outcome.COMPLETED, turn.outcome());
    assertEquals(userText, turn.userText());
    assertArrayEquals(expected, turn.audio());
    assertEquals(expected.length, turn.plannedAudioBytes());
    assertEquals(reply.deltas().size(), turn.deltaCount());

    // The fixture pads the speech with 0.3 s of silence before and 1.0 s after (espeak-ng adds a
    // little of its own); the utterance ends before the padding.
    UserUtterance utterance = turn.utterance();
    assertEquals(session.utterances(), List.of(utterance));
    assertTrue(
        utterance.startMillis() >= 280 && utterance.startMillis() <= 500, utterance::toString);
    long audioMillis = user.length / 2 * 1000L / 24000;
    assertTrue(
        utterance.endMillis() > 2500 && utterance.endMillis() <= audioMillis - 1000,
        utterance::toString);
    assertEquals(
        String.format(Locale.ROOT, "[user speech %.2f s]", utterance.durationMillis() / 1000.0),
        userText);
    int from = (int) (utterance.startMillis() * 48);
    assertArrayEquals(
        Arrays.copyOfRange(user, from, from + utterance.audioBytes()), utterance.audio());
  }

  @Test
  void blipsShorterThanMinSpeechAreIgnored() throws Exception {
    SimulatedAgent agent = fast().minSpeechMillis(200).build();
    AgentClient client = open(agent, "agent_id=a&sample_rate=16000");
    // 100 ms of a loud 440 Hz tone between stretches of silence: too short to be speech.
    byte[] blip = new byte[16000 * 2 * 1500 / 1000];
    for (int i = 0; i < 1600; i++) {
      short sample = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16000));
      int at = (8000 + i) * 2; // from 500 ms
      blip[at] = (byte) sample;
      blip[at + 1] = (byte) (sample >> 8);
    }
    byte[] user = client.wire(SimulatedAgent.bundledUserUtterance());

    client.sendAudio(blip);
    client.sendAudio(user);

    client.userTranscript();
    client.reply();
    UserUtterance utterance = agent.awaitSession(WAIT).awaitUtterances(1, WAIT).get(0);
    assertTrue(utterance.startMillis() > 1500, utterance::toString);
    assertEquals(1, agent.session(server.connections().get(0)).utterances().size());
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void replyAudioIsResampledToTheNegotiatedRate(int sampleRateHz) throws Exception {
    SimulatedAgent agent = fast().build();
    AgentClient client = open(agent, "agent_id=a&sample_rate=" + sampleRateHz);
    assertEquals(sampleRateHz, client.sampleRateHz());

    client.sendAudio(client.wire(SimulatedAgent.bundledUserUtterance()));

    client.userTranscript();
    AgentClient.Reply reply = client.reply();
    assertArrayEquals(replyAt(sampleRateHz), reply.audio());
    assertEquals(sampleRateHz * 2 * 40 / 1000, reply.deltas().get(0).length);
    AgentTurn turn = agent.awaitSession(WAIT).awaitTurns(1, WAIT).get(0);
    assertEquals(sampleRateHz, turn.sampleRateHz());
    assertTrue(turn.utterance().durationMillis() > 2500, turn.utterance()::toString);
  }

  @Test
  void echoRepliesWithTheUtteranceAsHeard() throws Exception {
    SimulatedAgent agent = fast().echo().replyText("Echo.").build();
    AgentClient client = open(agent, "agent_id=a&sample_rate=16000");

    client.sendAudio(client.wire(SimulatedAgent.bundledUserUtterance()));

    client.userTranscript();
    AgentClient.Reply reply = client.reply();
    UserUtterance utterance = agent.awaitSession(WAIT).awaitUtterances(1, WAIT).get(0);
    assertArrayEquals(utterance.audio(), reply.audio());
    assertEquals("Echo.", reply.finalTranscript());
  }

  @Test
  void textInWebcallModeIsAnsweredWithSpeech() throws Exception {
    SimulatedAgent agent =
        fast().replyText((index, user) -> "Reply " + index + " to " + user).build();
    AgentClient client = open(agent, "agent_id=a&mode=webcall");

    client.client.send(new InputTextSendEvent("A table for two"));

    assertEquals("A table for two", client.userTranscript());
    AgentClient.Reply reply = client.reply();
    assertEquals("Reply 0 to A table for two", reply.finalTranscript());
    assertArrayEquals(replyAt(24000), reply.audio());
    AgentTurn turn = agent.awaitSession(WAIT).awaitTurns(1, WAIT).get(0);
    assertEquals(AgentTurn.Kind.TEXT, turn.kind());
    assertNull(turn.utterance());
  }

  @Test
  void chatModeAnswersTextWithTranscriptsOnly() throws Exception {
    SimulatedAgent agent = fast().greeting(GREETING).chatReply(t -> "Got: " + t).build();
    AgentClient client = open(agent, "agent_id=a&mode=chat");

    TranscriptEvent greeting = client.next(TranscriptEvent.class);
    assertEquals(Role.AGENT, greeting.role());
    assertEquals(GREETING, greeting.text());
    client.next(AgentStopTalkingEvent.class);

    client.client.send(new InputTextSendEvent("Book a table"));

    assertEquals("Book a table", client.userTranscript());
    TranscriptEvent answer = client.next(TranscriptEvent.class);
    assertEquals(Role.AGENT, answer.role());
    assertEquals("Got: Book a table", answer.text());
    client.next(AgentStopTalkingEvent.class);

    SimulatedAgent.Session session = agent.awaitSession(WAIT);
    assertTrue(session.isChat());
    AgentTurn turn = session.awaitTurns(2, WAIT).get(1);
    assertEquals(AgentTurn.Kind.CHAT, turn.kind());
    assertEquals("Got: Book a table", turn.spokenText());
    assertEquals(0, turn.audioBytes());
    assertTrue(client.client.frames.isEmpty(), "no audio or other frames in chat mode");
  }

  @Test
  void endsTheCallAfterTheConfiguredReplies() throws Exception {
    SimulatedAgent agent = fast().greeting(GREETING).endCallAfterReplies(2).build();
    AgentClient client = open(agent, "agent_id=a");
    byte[] user = client.wire(SimulatedAgent.bundledUserUtterance());
    client.reply(); // the greeting does not count

    client.sendAudio(user);
    client.userTranscript();
    client.reply();
    // The agent can end the call before the last appends of this utterance are sent.
    client.sendAudioUntilClosed(user);
    client.userTranscript();
    client.reply();

    SessionClosedEvent closed = client.next(SessionClosedEvent.class);
    assertEquals(SessionClosedEvent.ENDED, closed.reason());
    assertEquals(1000, client.client.awaitClose().code());
    SimulatedAgent.Session session = agent.awaitSession(WAIT);
    assertEquals(3, session.turns().size());
    assertTrue(session.callEnded());
    assertThrows(IllegalStateException.class, () -> session.awaitTurns(4, WAIT));
  }

  @Test
  void concurrentConnectionsKeepSeparateState() throws Exception {
    SimulatedAgent agent =
        fast().replyText((index, user) -> "Answer " + index + " to " + user).build();
    AgentClient slow = open(agent, "agent_id=a&sample_rate=16000");
    AgentClient wide = open(agent, "agent_id=a&sample_rate=48000");
    SimulatedAgent.Session first = agent.awaitSession(WAIT);
    SimulatedAgent.Session second = agent.awaitSession(WAIT);
    assertNotSame(first, second);
    byte[] slowUser = slow.wire(SimulatedAgent.bundledUserUtterance());
    byte[] wideUser = wide.wire(SimulatedAgent.bundledBargeIn());

    // Interleave the two streams so that both sessions are busy at once.
    int slowChunk = 16000 * 2 * 40 / 1000;
    int wideChunk = 48000 * 2 * 40 / 1000;
    for (int i = 0; i * slowChunk < slowUser.length || i * wideChunk < wideUser.length; i++) {
      if (i * slowChunk < slowUser.length) {
        slow.sendAudio(
            Arrays.copyOfRange(
                slowUser, i * slowChunk, Math.min(slowUser.length, (i + 1) * slowChunk)));
      }
      if (i * wideChunk < wideUser.length) {
        wide.sendAudio(
            Arrays.copyOfRange(
                wideUser, i * wideChunk, Math.min(wideUser.length, (i + 1) * wideChunk)));
      }
    }

    String slowText = slow.userTranscript();
    AgentClient.Reply slowReply = slow.reply();
    String wideText = wide.userTranscript();
    AgentClient.Reply wideReply = wide.reply();
    assertEquals("Answer 0 to " + slowText, slowReply.finalTranscript());
    assertEquals("Answer 0 to " + wideText, wideReply.finalTranscript());
    assertTrue(!slowText.equals(wideText), "different utterances, different descriptions");
    assertArrayEquals(replyAt(16000), slowReply.audio());
    assertArrayEquals(replyAt(48000), wideReply.audio());

    SimulatedAgent.Session slowSession = agent.session(server.connections().get(0));
    SimulatedAgent.Session wideSession = agent.session(server.connections().get(1));
    assertEquals(1, slowSession.awaitTurns(1, WAIT).size());
    assertEquals(1, wideSession.awaitTurns(1, WAIT).size());
    assertEquals(1, slowSession.utterances().size());
    assertEquals(1, wideSession.utterances().size());
    assertEquals(16000, slowSession.turns().get(0).sampleRateHz());
    assertEquals(48000, wideSession.turns().get(0).sampleRateHz());
    assertEquals(slowText, slowSession.utterances().get(0).transcript());
    assertEquals(wideText, wideSession.utterances().get(0).transcript());
  }

  @Test
  void bundledFixturesAre24kMonoSpeech() {
    for (WavData wav :
        List.of(
            SimulatedAgent.bundledUserUtterance(),
            SimulatedAgent.bundledBargeIn(),
            SimulatedAgent.bundledAgentReply())) {
      assertEquals(PcmFormat.pcm16Mono(24000), wav.format());
      assertTrue(wav.durationMillis() > 2000, () -> wav.durationMillis() + " ms");
    }
    assertInstanceOf(SimulatedAgent.class, SimulatedAgent.create());
  }
}
