package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The session's audio engine end to end against a scripted server on loopback. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class SessionAudioTest {
  static final String KEY = "sk_audio_test";
  static final Duration WAIT = Duration.ofSeconds(5);
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);

  @TempDir Path dir;
  FakeAtomsServer server;
  AtomsClient client;
  RecordingListener listener;
  AtomsSession session;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).build().start();
    client = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).build();
    listener = new RecordingListener();
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    client.close();
    server.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  private FakeConnection open() throws Exception {
    session = client.newSession(SessionOptions.builder().agentId("a").build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    return server.awaitConnection(WAIT);
  }

  /** A recognisable reply: sample values count up from {@code base}, so any misalignment shows. */
  static byte[] reply(int millis, int base) {
    byte[] pcm = new byte[FMT.bytesForMillis(millis)];
    for (int i = 0; i < pcm.length / 2; i++) {
      int v = (short) (base + i);
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  /** Sends {@code pcm} as deltas of varying, mostly odd, lengths. */
  static void sendInOddPieces(FakeConnection conn, byte[] pcm) {
    int[] sizes = {1, 333, 961, 2, 1441, 7, 480, 4801};
    int off = 0;
    for (int k = 0; off < pcm.length; k++) {
      int n = Math.min(sizes[k % sizes.length], pcm.length - off);
      conn.sendAudio(Arrays.copyOfRange(pcm, off, off + n));
      off += n;
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  @Test
  void oddLengthDeltasNeverMisalignSamples() throws Exception {
    FakeConnection conn = open();
    Path wav = dir.resolve("reply.wav");
    SessionAudio audio = session.attachAudio(null, WavFileSink.create(wav));
    byte[] pcm = reply(700, 1000);
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, pcm);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    session.close();
    assertArrayEquals(pcm, Wav.read(wav).pcm());
    assertEquals(pcm.length, audio.stats().deltaBytesPlayed());
  }

  @Test
  void replyWavHoldsExactlyTheServerAudioLessWhatTheInterruptionDiscarded() throws Exception {
    FakeConnection conn = open();
    Path wav = dir.resolve("reply.wav");
    SessionAudio audio = session.attachAudio(null,
        RealTimeAudioSink.wrap(WavFileSink.create(wav)));
    byte[] first = reply(3_000, 0);
    byte[] second = reply(400, 20_000);

    // The server sends the whole first reply at once, faster than real time, as it may.
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, first);
    long quarter = FMT.framesForMillis(250);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (audio.framesPlayed() < quarter && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    conn.send(new InterruptionEvent());
    // Stale audio of the interrupted reply still arriving: must be dropped.
    for (int i = 0; i < 5; i++) {
      conn.sendAudio(reply(20, -5_000));
    }
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, second);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    session.close();

    byte[] got = Wav.read(wav).pcm();
    int heard = got.length - second.length;
    assertTrue(heard >= FMT.bytesForMillis(250) && heard < first.length,
        "heard " + heard + " bytes of the first reply");
    assertArrayEquals(concat(Arrays.copyOf(first, heard), second), got,
        "the WAV must be a prefix of the interrupted reply followed by the whole next reply");
    AudioStats stats = audio.stats();
    assertEquals(5, stats.staleDeltasDropped());
    assertEquals(first.length - heard, stats.bytesDiscardedByInterruption());
    assertEquals(got.length, stats.deltaBytesPlayed());
  }

  @Test
  void noStaleAudioReachesTheSinkOnceTheInterruptionIsProcessed() throws Exception {
    FakeConnection conn = open();
    RecordingSink recorder = new RecordingSink();
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder));
    byte[] first = new byte[FMT.bytesForMillis(2_000)];
    Arrays.fill(first, (byte) 0x11);
    byte[] second = new byte[FMT.bytesForMillis(300)];
    Arrays.fill(second, (byte) 0x22);
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, first);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (audio.framesPlayed() < FMT.framesForMillis(100) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    conn.send(new InterruptionEvent());
    // The engine handles the interruption on the socket thread before the listener sees it.
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    long processedNanos = System.nanoTime();
    conn.sendAudio(first.clone()); // stale
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(second);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT));

    int secondBytes = 0;
    for (RecordingSink.Write w : recorder.writes()) {
      if (w.nanos() > processedNanos) {
        for (byte b : w.pcm()) {
          assertEquals((byte) 0x22, b, "stale audio written after the interruption");
        }
        secondBytes += w.pcm().length;
      }
    }
    assertEquals(second.length, secondBytes);
    TurnMetrics interrupted = listener.awaitTurnMetrics(WAIT);
    assertTrue(interrupted.interrupted());
    assertTrue(interrupted.interruptionToSilence().toMillis() < 200,
        interrupted.interruptionToSilence().toString());
  }

  @Test
  void playbackConvertsToTheFormatTheSinkAccepts() throws Exception {
    FakeConnection conn = open();
    PcmFormat stereo48 = PcmFormat.pcm16(48_000, 2);
    RecordingSink recorder = new RecordingSink(stereo48);
    SessionAudio audio = session.attachAudio(null, recorder);
    byte[] pcm = reply(500, 300);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(pcm);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    byte[] expected = PcmConverter.convertAll(FMT, stereo48, pcm);
    byte[] got = recorder.bytes();
    // Streaming conversion holds back the resampler's look-ahead until more audio comes.
    assertTrue(got.length <= expected.length && got.length > expected.length * 9 / 10,
        got.length + " of " + expected.length);
    assertArrayEquals(Arrays.copyOf(expected, got.length), got);
    assertEquals(recorder.framesPlayed() / 2, audio.framesPlayed());
  }

  /** A live-like source: a loud tone paced at real time, as a microphone delivers it. */
  AudioSource toneSource(int millis) throws Exception {
    Path wav = dir.resolve("tone-" + millis + ".wav");
    Wav.write(wav, FMT, tone(FMT, millis));
    return WavFileSource.of(wav);
  }

  static byte[] tone(PcmFormat fmt, int millis) {
    byte[] pcm = new byte[fmt.bytesForMillis(millis)];
    for (int i = 0; i < pcm.length / 2; i++) {
      int v = (int) (12_000 * Math.sin(2 * Math.PI * 440 * i / fmt.sampleRateHz()));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  static boolean silent(InputAudioBufferAppendEvent e) {
    for (byte b : e.audioCopy()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void captureSendsFixedChunksAtTheNegotiatedRateConvertedFromTheSource() throws Exception {
    FakeConnection conn = open();
    PcmFormat source16k = PcmFormat.pcm16Mono(16_000);
    PcmPushSource mic = PcmPushSource.create(source16k, 5_000);
    byte[] spoken = tone(source16k, 400);
    mic.push(spoken);
    mic.endOfStream();
    SessionAudio audio = session.attachAudio(mic, null,
        AudioOptions.builder().chunkMillis(40).streamSilenceAfterSourceEnds(false).build());
    assertTrue(audio.awaitSourceEnded(WAIT));
    byte[] expected = PcmConverter.convertAll(source16k, FMT, spoken);
    int chunkBytes = FMT.bytesForMillis(40);
    int chunks = (expected.length + chunkBytes - 1) / chunkBytes;
    List<dev.atomsrealtime.event.ClientEvent> got = conn.awaitReceivedCount(chunks, WAIT);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (var e : got) {
      byte[] b = ((InputAudioBufferAppendEvent) e).audioCopy();
      assertEquals(chunkBytes, b.length, "every chunk is exactly 40 ms at 24 kHz");
      sent.write(b, 0, b.length);
    }
    byte[] all = sent.toByteArray();
    assertArrayEquals(expected, Arrays.copyOf(all, expected.length));
    for (int i = expected.length; i < all.length; i++) {
      assertEquals(0, all[i], "the last chunk is padded with silence");
    }
  }

  @Test
  void muteSendsSilenceAndKeepsTheSessionOpen() throws Exception {
    FakeConnection conn = open();
    SessionAudio audio = session.attachAudio(toneSource(3_000), null);
    conn.awaitReceivedCount(5, WAIT);
    audio.mute();
    // Chunks already on their way may still be loud; everything read after mute is silent.
    int before = conn.received().size() + 2;
    List<dev.atomsrealtime.event.ClientEvent> got = conn.awaitReceivedCount(before + 10, WAIT);
    assertTrue(audio.isMuted());
    long silentWhileMuted = got.subList(before, before + 10).stream()
        .filter(e -> silent((InputAudioBufferAppendEvent) e)).count();
    assertEquals(10, silentWhileMuted, "muted chunks are sent as silence");
    audio.unmute();
    int mark = conn.received().size();
    // Some chunks after unmute carry the tone again.
    long deadline = System.nanoTime() + WAIT.toNanos();
    boolean loud = false;
    while (!loud && System.nanoTime() < deadline) {
      List<dev.atomsrealtime.event.ClientEvent> now = conn.received();
      loud = now.subList(mark, now.size()).stream()
          .anyMatch(e -> !silent((InputAudioBufferAppendEvent) e));
      Thread.onSpinWait();
    }
    assertTrue(loud, "unmuted audio reaches the server");
    assertEquals(SessionState.OPEN, session.state());
    assertTrue(audio.stats().silentChunksSent() >= 10);
  }

  @Test
  void halfDuplexGatesTheMicrophoneWhileTheAgentSpeaksAndUntilPlaybackDrains() throws Exception {
    FakeConnection conn = open();
    AudioSource mic = toneSource(8_000);
    RecordingSink speaker = new RecordingSink();
    SessionAudio audio = session.attachAudio(mic, RealTimeAudioSink.wrap(speaker),
        AudioOptions.builder().duplex(Duplex.HALF).halfDuplexTailMillis(200).build());
    conn.awaitReceivedCount(5, WAIT);
    assertFalse(audio.isGatedByPlayback());

    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(reply(400, 0));
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    // Chunks in flight when the agent started may still carry the tone.
    int atStart = conn.received().size() + 2;
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    long idleNanos = System.nanoTime();
    // While the reply plays (400 ms), every chunk the server receives is silence.
    List<dev.atomsrealtime.event.ClientEvent> during = conn.received().subList(atStart,
        conn.received().size());
    assertTrue(during.size() >= 10, "chunks during playback: " + during.size());
    for (var e : during) {
      assertTrue(silent((InputAudioBufferAppendEvent) e), "microphone leaked during playback");
    }
    // After drain plus the tail, the microphone opens again.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (audio.isGatedByPlayback() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    long openedAfterMillis = (System.nanoTime() - idleNanos) / 1_000_000;
    assertFalse(audio.isGatedByPlayback());
    assertTrue(openedAfterMillis >= 150, "gate opened only " + openedAfterMillis + " ms after");
    int mark = conn.received().size();
    List<dev.atomsrealtime.event.ClientEvent> after = conn.awaitReceivedCount(mark + 3, WAIT);
    assertFalse(silent((InputAudioBufferAppendEvent) after.get(mark + 2)));
  }

  @Test
  void fullDuplexNeverGates() throws Exception {
    FakeConnection conn = open();
    SessionAudio audio = session.attachAudio(toneSource(3_000),
        RealTimeAudioSink.wrap(new RecordingSink()));
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(reply(300, 0));
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    int mark = conn.received().size();
    List<dev.atomsrealtime.event.ClientEvent> got = conn.awaitReceivedCount(mark + 8, WAIT);
    for (var e : got.subList(mark, mark + 8)) {
      assertFalse(silent((InputAudioBufferAppendEvent) e));
    }
    assertFalse(audio.isGatedByPlayback());
  }

  @Test
  void whenTheAgentEndsTheCallQueuedAudioStillPlaysToTheEnd() throws Exception {
    FakeConnection conn = open();
    Path wav = dir.resolve("ended.wav");
    SessionAudio audio = session.attachAudio(null,
        RealTimeAudioSink.wrap(WavFileSink.create(wav)));
    byte[] pcm = reply(600, 7);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(pcm);
    conn.send(new AgentStopTalkingEvent(null));
    conn.send(new dev.atomsrealtime.event.SessionClosedEvent("ended"));
    conn.close(1000, "");
    assertTrue(listener.awaitClosed(WAIT).isNormal());
    audio.close(); // waits (bounded) for playback to finish and the WAV to be completed
    assertArrayEquals(pcm, Wav.read(wav).pcm());
  }

  @Test
  void aLostConnectionDiscardsQueuedAudio() throws Exception {
    FakeConnection conn = open();
    RecordingSink recorder = new RecordingSink();
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder));
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(reply(3_000, 7));
    listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT);
    conn.drop();
    listener.awaitClosed(WAIT);
    audio.close();
    assertTrue(recorder.bytes().length < FMT.bytesForMillis(1_000),
        "played " + recorder.bytes().length + " bytes after the drop");
    assertEquals(0, recorder.drains(), "a lost connection does not wait for the device");
  }

  @Test
  void aGracefulEndDrainsTheDeviceBeforeClosingIt() throws Exception {
    FakeConnection conn = open();
    RecordingSink recorder = new RecordingSink();
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder));
    byte[] pcm = reply(300, 11);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(pcm);
    conn.send(new dev.atomsrealtime.event.SessionClosedEvent("ended"));
    conn.close(1000, "");
    assertTrue(listener.awaitClosed(WAIT).isNormal());
    audio.close();
    assertEquals(1, recorder.drains());
    assertTrue(recorder.isClosed());
    assertArrayEquals(pcm, recorder.bytes());
  }

  @Test
  void audioAttachesOnceAndNotAfterClose() throws Exception {
    open();
    session.attachAudio(null, new RecordingSink());
    assertThrows(IllegalStateException.class,
        () -> session.attachAudio(null, new RecordingSink()));
    session.close();
    AtomsSession other = client.newSession(SessionOptions.builder().agentId("a").build(),
        new RecordingListener());
    other.close();
    assertThrows(IllegalStateException.class,
        () -> other.attachAudio(null, new RecordingSink()));
  }

  @Test
  void sinkAndSourceAreClosedWhenTheSessionEnds() throws Exception {
    open();
    RecordingSink sink = new RecordingSink();
    PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
    session.attachAudio(mic, sink);
    session.close();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!sink.isClosed() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(sink.isClosed());
    assertEquals(-1, mic.read(new byte[2], 0, 2));
  }
}
