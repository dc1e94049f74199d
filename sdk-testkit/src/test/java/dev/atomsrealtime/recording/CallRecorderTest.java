package dev.atomsrealtime.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import dev.atomsrealtime.testkit.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden tests of the call recorder with tones, on virtual time: the caller pushes 20 ms chunks and
 * reads the agent's audio 20 ms at a time, and the clock moves 20 ms per step, so every position
 * in the recording is known to the frame.
 */
class CallRecorderTest extends LoopbackSessionTest {
  static final PcmFormat FMT = PcmFormat.pcm16Mono(16_000);
  static final int STEP_MS = 20;
  static final int STEP_BYTES = FMT.bytesForMillis(STEP_MS);
  static final int STEP_FRAMES = STEP_BYTES / 2;

  final ManualScheduler time = new ManualScheduler();
  @TempDir Path dir;

  FakeConnection conn;
  PcmPushSource mic;
  PcmPullSink speaker;
  SessionAudio audio;
  CallRecorder recorder;
  long stepNo;

  @Override
  protected AtomsClient.Builder client(AtomsClient.Builder builder) {
    return builder.scheduler(time, time);
  }

  /** A tone with no zero sample, so silence and audio are told apart sample by sample. */
  static byte[] tone(int millis, int amplitude, int period) {
    byte[] pcm = new byte[FMT.bytesForMillis(millis)];
    for (int i = 0; i < pcm.length / 2; i++) {
      int v = (i % period < period / 2 ? amplitude : -amplitude) + (i % 7) * 10;
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  void start(AudioOptions.Builder options) throws Exception {
    conn = open(SessionOptions.builder().agentId("a").sampleRateHz(16_000).build(), listener);
    mic = PcmPushSource.create(FMT, 1_000);
    speaker = PcmPullSink.create(FMT, 200);
    recorder = CallRecorder.inDirectory(dir, "call");
    audio = session.attachAudio(mic, speaker, options.tap(recorder).build());
  }

  /** One 20 ms step of the call: the caller says {@code said} (or silence), hears 20 ms. */
  byte[] step(byte[] said, int offset) {
    mic.push(said == null ? new byte[STEP_BYTES] : Arrays.copyOfRange(said, offset,
        offset + STEP_BYTES));
    if (stepNo == 0) {
      // The engine starts in the session's context, which another thread may be running right
      // after attachAudio(): until the first chunk is out, the recording's clock has not begun,
      // and time must not move.
      conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT);
    }
    byte[] heard = new byte[STEP_BYTES];
    int n = speaker.poll(heard, 0, STEP_BYTES);
    time.forwardTime(STEP_MS, TimeUnit.MILLISECONDS);
    stepNo++;
    return n <= 0 ? new byte[0] : Arrays.copyOf(heard, n);
  }

  void say(byte[] said) {
    for (int off = 0; off < said.length; off += STEP_BYTES) {
      step(said, off);
    }
  }

  void silence(int millis) {
    for (int i = 0; i < millis / STEP_MS; i++) {
      step(null, 0);
    }
  }

  /** Sends a reply and waits until the session has taken all of it in. */
  void reply(byte[] pcm, String text) throws Exception {
    conn.send(new AgentStartTalkingEvent(null));
    for (int off = 0; off < pcm.length; off += 3_200) {
      conn.sendAudio(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + 3_200)));
    }
    conn.send(new TranscriptDeltaEvent(Role.AGENT, "assistant", text));
    listener.awaitEvent(e -> e instanceof TranscriptDeltaEvent d && d.text().equals(text), WAIT);
  }

  static short[] channel(byte[] stereo, int ch) {
    short[] s = new short[stereo.length / 4];
    for (int i = 0; i < s.length; i++) {
      int p = 4 * i + 2 * ch;
      s[i] = (short) ((stereo[p + 1] << 8) | (stereo[p] & 0xff));
    }
    return s;
  }

  static short[] samples(byte[] mono) {
    short[] s = new short[mono.length / 2];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) ((mono[2 * i + 1] << 8) | (mono[2 * i] & 0xff));
    }
    return s;
  }

  static int firstSound(short[] ch, int from) {
    for (int i = from; i < ch.length; i++) {
      if (ch[i] != 0) {
        return i;
      }
    }
    return -1;
  }

  static int firstSilence(short[] ch, int from) {
    for (int i = from; i < ch.length; i++) {
      if (ch[i] == 0) {
        return i;
      }
    }
    return ch.length;
  }

  static double ms(int frame) {
    return frame * 1000.0 / FMT.sampleRateHz();
  }

  @Test
  void anInterruptedCallIsRecordedAsItWasHeardWithTurnsOnTheSameTimeline() throws Exception {
    start(AudioOptions.builder().streamSilenceAfterSourceEnds(false));
    byte[] question = tone(1_000, 6_000, 40);
    byte[] answer = tone(2_000, 5_000, 30);
    byte[] bargeIn = tone(600, 7_000, 50);
    byte[] second = tone(400, 4_000, 20);

    silence(200);
    say(question);
    silence(300);
    conn.send(new TranscriptEvent(Role.USER, "user", "a table for two"));
    reply(answer, "Sure, I can");
    byte[] heard = new byte[0];
    for (int i = 0; i < 25; i++) { // 500 ms of the answer
      heard = concat(heard, step(null, 0));
    }
    for (int off = 0; off < 2 * STEP_BYTES; off += STEP_BYTES) { // the caller barges in
      heard = concat(heard, step(bargeIn, off));
    }
    conn.send(new InterruptionEvent());
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    say(Arrays.copyOfRange(bargeIn, 2 * STEP_BYTES, bargeIn.length));
    conn.sendAudio(tone(100, 9_000, 10)); // stale: the interrupted answer still arriving
    silence(300);
    reply(second, "What time?");
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    byte[] heardSecond = new byte[0];
    for (int i = 0; i < 30; i++) {
      heardSecond = concat(heardSecond, step(null, 0));
    }
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    assertArrayEquals(second, heardSecond);
    TurnMetrics turn1 = listener.awaitTurnMetrics(WAIT);
    TurnMetrics turn2 = listener.awaitTurnMetrics(WAIT);
    session.close();
    assertTrue(recorder.awaitFinished(WAIT));

    WavData wav = Wav.read(recorder.wavFile());
    assertEquals(PcmFormat.pcm16(16_000, 2), wav.format());
    short[] user = channel(wav.pcm(), 0);
    short[] agent = channel(wav.pcm(), 1);

    // The user's channel holds what was sent, where it was sent: the question from 200 ms.
    int q = firstSound(user, 0);
    assertEquals(200.0, ms(q), 0.001);
    assertArrayEquals(samples(question), Arrays.copyOfRange(user, q, q + question.length / 2));
    int qEnd = firstSilence(user, q);
    assertEquals(1_200.0, ms(qEnd), 0.001);

    // The agent's channel: the answer as far as it was heard, then nothing until the next reply.
    int a1 = firstSound(agent, 0);
    int cut = firstSilence(agent, a1);
    assertEquals(heard.length / 2, cut - a1, "the recording holds exactly what the caller heard");
    assertArrayEquals(samples(heard), Arrays.copyOfRange(agent, a1, cut));
    int a2 = firstSound(agent, cut);
    assertTrue(a2 > cut, "a second reply follows");
    for (int i = cut; i < a2; i++) {
      assertEquals(0, agent[i], "agent audio after the cut, at " + ms(i) + " ms");
    }
    assertArrayEquals(samples(second), Arrays.copyOfRange(agent, a2, a2 + second.length / 2));
    assertEquals(a2 + second.length / 2, firstSilence(agent, a2));

    // The gap between the end of the question and the answer is the turn's measured latency.
    double gap = ms(a1) - ms(qEnd);
    assertEquals(turn1.toFirstPlayed().toNanos() / 1e6, gap, 20.0, "turn 1: " + turn1);
    int bEnd = firstSilence(user, firstSound(user, qEnd));
    assertEquals(turn2.toFirstPlayed().toNanos() / 1e6, ms(a2) - ms(bEnd), 20.0,
        "turn 2: " + turn2);
    assertTrue(turn1.interrupted());

    // The transcript's offsets are where the audio is.
    JsonNode json = new ObjectMapper().readTree(Files.readString(recorder.transcriptFile()));
    assertTrue(json.get("complete").asBoolean());
    assertEquals("call.wav", json.get("recording").asText());
    JsonNode turns = json.get("turns");
    assertEquals(4, turns.size(), turns.toPrettyString());
    assertTurn(turns.get(0), "user", "a table for two", ms(q), ms(qEnd), false);
    assertTurn(turns.get(1), "agent", "Sure, I can", ms(a1), ms(cut), true);
    int b = firstSound(user, qEnd);
    assertTurn(turns.get(2), "user", "", ms(b), ms(bEnd), false);
    assertTurn(turns.get(3), "agent", "What time?", ms(a2), ms(a2 + second.length / 2), false);
    assertEquals(turn1.toFirstPlayed().toNanos() / 1e6,
        turns.get(1).get("latency").get("toFirstPlayedMillis").asDouble(), 0.001);
    assertEquals(2, turns.get(3).get("latency").get("turn").asInt());
    assertEquals(recorder.turns().size(), 4);
    assertEquals(0, recorder.droppedMillis());
    assertEquals(ms(user.length), json.get("durationMillis").asDouble(), 0.001);
  }

  static void assertTurn(JsonNode t, String role, String text, double start, double end,
      boolean interrupted) {
    assertEquals(role, t.get("role").asText(), t.toString());
    assertEquals(text, t.get("text").asText(), t.toString());
    assertEquals(start, t.get("startMillis").asDouble(), 0.001, t.toString());
    assertEquals(end, t.get("endMillis").asDouble(), 0.001, t.toString());
    assertEquals(interrupted, t.get("interrupted").asBoolean(), t.toString());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aRecordingCutShortByACrashIsStillReadable() throws Exception {
    start(AudioOptions.builder().streamSilenceAfterSourceEnds(false));
    byte[] question = tone(2_000, 6_000, 40);
    say(question);
    silence(1_000);
    // The recorder's thread writes what is final: up to half a second before the latest time
    // (the last chunk went at 2980 ms).
    long frames = FMT.framesForMillis(3_000 - STEP_MS - RecordingTimeline.SLACK_MILLIS);
    assertTrue(recorder.awaitFramesOnDisk(frames, WAIT), "the recorder wrote too little");
    long expected = 44 + 4L * frames;
    assertTrue(Files.size(recorder.wavFile()) >= expected, "the file holds what was written");
    // The process "dies" here: the file as it is on disk now, even torn mid-frame.
    byte[] onDisk = Files.readAllBytes(recorder.wavFile());
    Path torn = dir.resolve("torn.wav");
    Files.write(torn, Arrays.copyOf(onDisk, onDisk.length - 3));
    WavData recovered = Wav.read(torn);
    assertEquals(PcmFormat.pcm16(16_000, 2), recovered.format());
    short[] user = channel(recovered.pcm(), 0);
    // Everything up to half a second before the crash is there, sample for sample.
    assertTrue(ms(user.length) >= 3_000 - STEP_MS - RecordingTimeline.SLACK_MILLIS - 1,
        "recovered " + ms(user.length) + " ms");
    assertArrayEquals(samples(question), Arrays.copyOf(user, question.length / 2));
    session.close();
    assertTrue(recorder.awaitFinished(WAIT));
  }

  @Test
  void aLongCallIsRecordedWhole() throws Exception {
    // A minute of steps, fed far faster than real time: every frame on disk, whatever the
    // timeline held. The queue to the disk holds the whole minute, so that a slow recorder
    // thread on a loaded machine drops nothing.
    conn = open(SessionOptions.builder().agentId("a").sampleRateHz(16_000).build(), listener);
    mic = PcmPushSource.create(FMT, 1_000);
    speaker = PcmPullSink.create(FMT, 200);
    recorder = CallRecorder.create(dir.resolve("long.wav"), dir.resolve("long.json"),
        Duration.ofSeconds(70));
    audio = session.attachAudio(mic, speaker, AudioOptions.builder()
        .streamSilenceAfterSourceEnds(false).tap(recorder).build());
    for (int i = 0; i < 3_000; i++) {
      step(tone(STEP_MS, 3_000, 40), 0);
      if (i % 50 == 49) {
        // Flow control, as a real microphone paces itself: the socket never falls a second
        // behind, so no chunk is dropped for backpressure (a chunk never sent is not recorded).
        conn.awaitReceivedCount(i + 1, WAIT);
      }
    }
    session.close();
    assertTrue(recorder.awaitFinished(WAIT));
    assertEquals(0, recorder.droppedMillis());
    assertEquals(0, session.stats().audioChunksDroppedBackpressure());
    assertEquals(60_000.0, ms(channel(Wav.read(recorder.wavFile()).pcm(), 0).length), 0.001);
    assertFalse(recorder.turns().isEmpty());
  }
}
