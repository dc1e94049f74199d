package dev.atomsrealtime.conversation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.TranscriptAccumulator;
import dev.atomsrealtime.TranscriptTurn;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.RealTimeAudioSink;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.audio.WavFileSink;
import dev.atomsrealtime.audio.WavFileSource;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.AgentTurn;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's main job end to end, offline: real speech from a WAV reaches a simulated agent at
 * real time, its voice reaches a WAV sink paced like a speaker, and a barge-in interrupts it.
 */
@ExtendWith(ThreadLeakExtension.class)
class OfflineConversationTest {
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);

  /** A real-time conversation of about 14 s: a request, a barge-in, a complete reply. */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aConversationWithABargeInLeavesExactlyTheHeardAudioInTheWav(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(SimulatedAgent.bundledUserUtterance().convertTo(FMT).pcm());
    input.write(new byte[FMT.bytesForMillis(800)]);
    input.write(SimulatedAgent.bundledBargeIn().convertTo(FMT).pcm());
    Path in = dir.resolve("user.wav");
    Wav.write(in, FMT, input.toByteArray());
    Path out = dir.resolve("reply.wav");

    SimulatedAgent agent = SimulatedAgent.builder().endCallAfterReplies(1).build();
    RecordingListener listener = new RecordingListener();
    TranscriptAccumulator transcript = new TranscriptAccumulator();
    try (FakeAtomsServer server = FakeAtomsServer.builder().behavior(agent).build().start();
         AtomsClient client = AtomsClient.builder().apiKey("sk_offline").baseUrl(server.uri())
             .build()) {
      AtomsSession session = client.newSession(SessionOptions.builder().agentId("a").build(),
          new dev.atomsrealtime.SessionListener() {
            @Override
            public void onEvent(AtomsSession s, ServerEvent e) {
              transcript.accept(e);
              listener.onEvent(s, e);
            }

            @Override
            public void onTurnMetrics(AtomsSession s, TurnMetrics m) {
              listener.onTurnMetrics(s, m);
            }

            @Override
            public void onClosed(AtomsSession s, dev.atomsrealtime.SessionEnd end) {
              listener.onClosed(s, end);
            }
          });
      SessionAudio audio = session.attachAudio(WavFileSource.of(in),
          RealTimeAudioSink.wrap(WavFileSink.create(out)));
      session.connect().get(5, TimeUnit.SECONDS);

      // The agent ends the call after its one complete reply.
      assertTrue(listener.awaitClosed(Duration.ofSeconds(30)).isNormal());
      audio.close();

      SimulatedAgent.Session s = agent.awaitSession(Duration.ofSeconds(1));
      List<AgentTurn> turns = s.turns();
      assertEquals(2, turns.size(), turns.toString());
      assertTrue(turns.get(0).interrupted());
      assertTrue(turns.get(1).completed());

      // The WAV is exactly: what was heard of the interrupted reply (a prefix of what the server
      // sent), then the whole second reply. Nothing stale, nothing lost, nothing misaligned.
      byte[] first = turns.get(0).audio();
      byte[] second = turns.get(1).audio();
      byte[] wav = Wav.read(out).pcm();
      int heard = wav.length - second.length;
      assertTrue(heard > 0 && heard <= first.length, "heard " + heard + " of " + first.length);
      assertArrayEquals(Arrays.copyOf(first, heard), Arrays.copyOf(wav, heard));
      assertArrayEquals(second, Arrays.copyOfRange(wav, heard, wav.length));
      AudioStats stats = audio.stats();
      assertEquals(first.length - heard, stats.bytesDiscardedByInterruption());

      // Transcript: the interrupted reply is marked, the user's two utterances are there.
      List<TranscriptTurn> t = transcript.turns();
      assertEquals(List.of(Role.USER, Role.AGENT, Role.USER, Role.AGENT),
          t.stream().map(TranscriptTurn::role).toList());
      assertTrue(t.get(1).interrupted());
      assertEquals(SimulatedAgent.DEFAULT_REPLY_TEXT, t.get(3).text());

      // Per-turn latency: both turns measured, in causal order. (The figures themselves depend
      // on the machine's load here; AgentActivityTest checks them exactly on virtual time.)
      TurnMetrics m1 = listener.awaitTurnMetrics(Duration.ofSeconds(1));
      TurnMetrics m2 = listener.awaitTurnMetrics(Duration.ofSeconds(1));
      assertNotNull(m1.toAgentStart());
      assertTrue(m1.interrupted() && m1.interruptionToSilence() != null);
      assertFalse(m2.interrupted());
      assertTrue(m2.toAgentStart().compareTo(Duration.ZERO) > 0, m2.summary());
      assertTrue(m2.toFirstDelta().compareTo(m2.toAgentStart()) >= 0);
      assertTrue(m2.toFirstPlayed().compareTo(m2.toFirstDelta()) >= 0);
    }
  }
}
