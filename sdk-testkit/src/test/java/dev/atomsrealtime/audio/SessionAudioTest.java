package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The session's audio engine end to end against a scripted server on loopback. */
class SessionAudioTest extends LoopbackSessionTest {
  static final String KEY = "sk_audio_test";
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);

  @Override
  protected String apiKey() {
    return KEY;
  }

  @TempDir Path dir;

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
    Changes played = new Changes();
    SessionAudio audio = session.attachAudio(null,
        RealTimeAudioSink.wrap(WavFileSink.create(wav)),
        AudioOptions.builder().tap(played.tap()).build());
    byte[] first = reply(3_000, 0);
    byte[] second = reply(400, 20_000);

    // The server sends the whole first reply at once, faster than real time, as it may.
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, first);
    long quarter = FMT.framesForMillis(250);
    played.await(WAIT, () -> audio.framesPlayed() >= quarter, "250 ms played");
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
    Changes played = new Changes();
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder),
        AudioOptions.builder().tap(played.tap()).build());
    byte[] first = new byte[FMT.bytesForMillis(2_000)];
    Arrays.fill(first, (byte) 0x11);
    byte[] second = new byte[FMT.bytesForMillis(300)];
    Arrays.fill(second, (byte) 0x22);
    conn.send(new AgentStartTalkingEvent(null));
    sendInOddPieces(conn, first);
    played.await(WAIT, () -> audio.framesPlayed() >= FMT.framesForMillis(100), "100 ms played");
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
    // How fast the sink went silent is a performance figure: the load harness measures it.
    assertTrue(interrupted.silenceAfterInterruption().isPresent());
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
    boolean loud = false;
    for (int n = mark; !loud && n < mark + 100; n++) {
      loud = !silent((InputAudioBufferAppendEvent) conn.awaitReceivedCount(n + 1, WAIT).get(n));
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
    // While the reply plays (400 ms), every chunk the server receives is silence.
    List<dev.atomsrealtime.event.ClientEvent> during = conn.received().subList(atStart,
        conn.received().size());
    assertTrue(during.size() >= 10, "chunks during playback: " + during.size());
    for (var e : during) {
      assertTrue(silent((InputAudioBufferAppendEvent) e), "microphone leaked during playback");
    }
    // After drain plus the tail (its exact length is tested on virtual time in AgentActivityTest),
    // the microphone opens again: the tone reaches the server.
    int n = conn.received().size();
    boolean opened = false;
    for (int limit = n + 100; !opened && n < limit; n++) {
      opened = !silent((InputAudioBufferAppendEvent) conn.awaitReceivedCount(n + 1, WAIT).get(n));
    }
    assertTrue(opened, "the microphone stayed gated for 100 chunks after playback");
    assertFalse(audio.isGatedByPlayback());
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
    listener.awaitClosed(WAIT);
    assertTrue(sink.isClosed(), "released before onClosed");
    assertEquals(-1, mic.read(new byte[2], 0, 2));
  }

  @Test
  void deltasDroppedAsStaleAreWithheldFromTheListener() throws Exception {
    FakeConnection conn = open();
    PcmPullSink speaker = PcmPullSink.create(FMT, 2_000);
    SessionAudio audio = session.attachAudio(null, speaker);
    byte[] first = reply(60, 100);
    byte[] stale = reply(40, -9_000);
    byte[] second = reply(60, 20_000);
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(first);
    conn.send(new InterruptionEvent());
    conn.sendAudio(stale); // dropped by the engine: nobody hears it
    conn.send(new AgentStartTalkingEvent(null));
    conn.sendAudio(second);
    conn.send(new AgentStopTalkingEvent(null));
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertEquals(1, audio.stats().staleDeltasDropped());

    List<byte[]> delivered = new ArrayList<>();
    for (var e : listener.events()) {
      if (e instanceof OutputAudioDeltaEvent d) {
        delivered.add(d.audioCopy());
      }
    }
    assertEquals(2, delivered.size(), "the listener gets the played deltas, not the stale one");
    assertArrayEquals(first, delivered.get(0));
    assertArrayEquals(second, delivered.get(1));
  }

  /** Live threads of the audio engine: {@code atoms-capture-N} and {@code atoms-playback-N}. */
  static long audioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.matches("atoms-(capture|playback)-\\d+"))
        .count();
  }

  /**
   * Waits (bounded) until {@code sink} is full, re-checked each time audio is written into it: a
   * write signals the sink's readers, under the sink's lock.
   */
  static void awaitFull(PcmPullSink sink) throws InterruptedException {
    long left = WAIT.toNanos();
    sink.lock.lock();
    try {
      while (sink.bufferedBytes() < sink.capacityBytes()) {
        if (left <= 0) {
          throw new AssertionError("timed out waiting for a full sink: " + sink.bufferedBytes()
              + " of " + sink.capacityBytes() + " bytes");
        }
        left = sink.readable.awaitNanos(left);
      }
    } finally {
      sink.lock.unlock();
    }
  }

  /** Reads exactly {@code bytes} from the sink in reads of at most {@code step} bytes. */
  static byte[] pull(PcmPullSink sink, int bytes, int step) throws InterruptedException {
    byte[] out = new byte[bytes];
    int got = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got < bytes) {
      int n = sink.read(out, got, Math.min(step, bytes - got), 100, TimeUnit.MILLISECONDS);
      if (n < 0) {
        throw new AssertionError("sink closed after " + got + " of " + bytes + " bytes");
      }
      got += n;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + got + " of " + bytes + " bytes arrived");
      }
    }
    return out;
  }

  static byte[] sentAudio(List<ClientEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ClientEvent e : events) {
      byte[] b = ((InputAudioBufferAppendEvent) e).audioCopy();
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  /**
   * {@link PcmPushSource} and {@link PcmPullSink}: the session drives them from the pushing,
   * receiving and reading threads, with no audio thread of its own, and keeps every guarantee of
   * the threaded path (order, back-pressure without loss, barge-in, a graceful end).
   */
  @Nested
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  class PushedAndPulledPcm {
    @Test
    void aPushSourceAndAPullSinkNeedNoAudioThread() throws Exception {
      FakeConnection conn = open();
      long before = audioThreads();
      PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
      PcmPullSink speaker = PcmPullSink.create(FMT, 200);
      SessionAudio audio = session.attachAudio(mic, speaker,
          AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());

      // The caller's audio, pushed in 7 ms pieces: the server gets whole 20 ms chunks, in order.
      byte[] said = tone(FMT, 200);
      int piece = FMT.bytesForMillis(7);
      for (int off = 0; off < said.length; off += piece) {
        assertTrue(mic.push(said, off, Math.min(piece, said.length - off)));
      }
      List<ClientEvent> got = conn.awaitReceivedCount(10, WAIT);
      for (ClientEvent e : got) {
        assertEquals(FMT.bytesForMillis(20), ((InputAudioBufferAppendEvent) e).audioCopy().length);
      }
      assertArrayEquals(said, sentAudio(got));

      // The agent's reply, pulled at the application's pace.
      byte[] reply = reply(100, 500);
      conn.send(new AgentStartTalkingEvent(null));
      sendInOddPieces(conn, reply);
      assertArrayEquals(reply, pull(speaker, reply.length, FMT.bytesForMillis(20)));
      // The writer counts a piece just after the sink took it: wait until it has finished.
      assertTrue(audio.awaitPlaybackIdle(WAIT));

      assertEquals(before, audioThreads(), "no capture or playback thread was started");
      assertEquals(10, audio.stats().chunksSent());
      assertEquals(reply.length, audio.stats().deltaBytesPlayed());
      assertEquals(FMT.framesForMillis(100), audio.framesPlayed());
    }

    @Test
    void oddLengthDeltasNeverMisalignSamplesInAPullSinkEither() throws Exception {
      FakeConnection conn = open();
      PcmPullSink speaker = PcmPullSink.create(FMT, 2_000);
      SessionAudio audio = session.attachAudio(null, speaker);
      byte[] pcm = reply(700, 1000);
      conn.send(new AgentStartTalkingEvent(null));
      sendInOddPieces(conn, pcm);
      assertArrayEquals(pcm, pull(speaker, pcm.length, 997)); // odd reads: whole frames only
      assertTrue(audio.awaitPlaybackIdle(WAIT));
      assertEquals(pcm.length, audio.stats().deltaBytesPlayed());
    }

    @Test
    void mutingAPushSourceSendsSilenceForExactlyTheMutedChunks() throws Exception {
      FakeConnection conn = open();
      PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
      SessionAudio audio = session.attachAudio(mic, null);
      byte[] loud = tone(FMT, 20);
      mic.push(loud);
      audio.mute();
      mic.push(loud);
      mic.push(loud);
      audio.unmute();
      mic.push(loud);
      List<ClientEvent> got = conn.awaitReceivedCount(4, WAIT);
      assertEquals(List.of(false, true, true, false), got.stream()
          .map(e -> silent((InputAudioBufferAppendEvent) e)).toList());
      assertEquals(2, audio.stats().silentChunksSent());
      assertEquals(SessionState.OPEN, session.state());
    }

    @Test
    void audioPushedBeforeTheSessionOpensIsSentOnceItOpens() throws Exception {
      session = client.newSession(SessionOptions.builder().agentId("a").build(), listener);
      PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
      SessionAudio audio = session.attachAudio(mic, null);
      byte[] early = reply(40, 1_234);
      assertTrue(mic.push(early));
      session.connect().get(5, TimeUnit.SECONDS);
      FakeConnection conn = server.awaitConnection(WAIT);
      assertArrayEquals(early, sentAudio(conn.awaitReceivedCount(2, WAIT)));
      assertEquals(0, session.stats().audioChunksDroppedNotOpen());
      assertEquals(2, audio.stats().chunksSent());
    }

    @Test
    void agentAudioThatDoesNotFitWaitsAndTheReaderMovesItOnWithNothingLost() throws Exception {
      FakeConnection conn = open();
      PcmPullSink speaker = PcmPullSink.create(FMT, 100);
      SessionAudio audio = session.attachAudio(null, speaker);
      byte[] reply = reply(1_000, 3);
      conn.send(new AgentStartTalkingEvent(null));
      sendInOddPieces(conn, reply); // ten times what the sink holds, at once
      conn.send(new AgentStopTalkingEvent(null));
      listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
      assertEquals(speaker.capacityBytes(), speaker.bufferedBytes(), "the sink is full");
      assertEquals(900, audio.stats().queuedMillis(), "the rest waits in the playback queue");

      assertEquals(0, listener.callbacks().stream().filter(c -> c.startsWith("onTurnMetrics"))
          .count(), "the turn is not over while its audio waits");

      assertArrayEquals(reply, pull(speaker, reply.length, FMT.bytesForMillis(10)));
      assertTrue(audio.awaitPlaybackIdle(WAIT));
      AudioStats stats = audio.stats();
      assertEquals(0, stats.queuedMillis());
      assertEquals(0, stats.bytesDroppedQueueFull());
      assertEquals(reply.length, stats.deltaBytesPlayed());
      TurnMetrics turn = listener.awaitTurnMetrics(WAIT);
      assertFalse(turn.interrupted(), "the turn completes once its audio was pulled");
    }

    @Test
    void anInterruptionEmptiesTheQueueAndTheSinkAtOnce() throws Exception {
      FakeConnection conn = open();
      PcmPullSink speaker = PcmPullSink.create(FMT, 100);
      SessionAudio audio = session.attachAudio(null, speaker);
      byte[] first = reply(1_000, 0);
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(first);
      awaitFull(speaker);
      byte[] heard = pull(speaker, FMT.bytesForMillis(30), FMT.bytesForMillis(10));

      conn.send(new InterruptionEvent());
      // The engine handles the interruption on the read thread before the listener sees it.
      listener.awaitEvent(InterruptionEvent.class, WAIT);
      assertEquals(0, speaker.bufferedBytes(), "the sink was flushed");
      assertEquals(0, audio.stats().queuedMillis(), "the queue was emptied");
      // What the sink held when the interruption flushed it was never heard: like the queue's
      // rest, it is counted as discarded, not played.
      AudioStats stats = audio.stats();
      assertEquals(heard.length, stats.deltaBytesPlayed());
      assertEquals(first.length, stats.deltaBytesPlayed() + stats.bytesDiscardedByInterruption());
      assertEquals(0, speaker.poll(new byte[64], 0, 64), "nothing of the old reply is left");

      byte[] second = reply(60, 20_000);
      conn.sendAudio(reply(20, -5_000)); // stale: before the next reply starts
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(second);
      assertArrayEquals(second, pull(speaker, second.length, 4_096));
      assertEquals(1, audio.stats().staleDeltasDropped());
      TurnMetrics interrupted = listener.awaitTurnMetrics(WAIT);
      assertTrue(interrupted.interrupted());
    }

    @Test
    void aGracefulEndLeavesTheRestForTheReaderThenReleasesTheSink() throws Exception {
      FakeConnection conn = open();
      PcmPullSink speaker = PcmPullSink.create(FMT, 100);
      session.attachAudio(null, speaker);
      byte[] goodbye = reply(500, 9);
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(goodbye);
      conn.send(new AgentStopTalkingEvent(null));
      conn.send(new SessionClosedEvent("ended"));
      conn.close(1000, "");
      assertTrue(listener.awaitClosed(WAIT).isNormal());

      // The session is over; the application still gets the whole goodbye, then the end.
      assertArrayEquals(goodbye, pull(speaker, goodbye.length, FMT.bytesForMillis(20)));
      assertEquals(-1, speaker.read(new byte[64], 0, 64, 5, TimeUnit.SECONDS),
          "released once everything was read");
    }

    @Test
    void aLostConnectionDiscardsWhatWasWaiting() throws Exception {
      FakeConnection conn = open();
      PcmPullSink speaker = PcmPullSink.create(FMT, 100);
      SessionAudio audio = session.attachAudio(null, speaker);
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(reply(1_000, 9));
      awaitFull(speaker);
      conn.drop();
      listener.awaitClosed(WAIT);
      assertEquals(-1, speaker.read(new byte[64], 0, 64, 1, TimeUnit.SECONDS), "released at once");
      assertEquals(0, audio.stats().queuedMillis());
    }

    @Test
    void concurrentPushersNeverLoseOrSplitAudio() throws Exception {
      FakeConnection conn = open();
      PcmPushSource mic = PcmPushSource.create(FMT, 5_000);
      SessionAudio audio = session.attachAudio(mic, null,
          AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());
      int threads = 4;
      int pushes = 50;
      int pieceBytes = FMT.bytesForMillis(10);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> pushers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte[] piece = new byte[pieceBytes];
        short value = (short) (1_000 * (t + 1));
        for (int i = 0; i < piece.length; i += 2) {
          piece[i] = (byte) value;
          piece[i + 1] = (byte) (value >> 8);
        }
        pushers.add(CompletableFuture.runAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          for (int i = 0; i < pushes; i++) {
            assertTrue(mic.push(piece));
          }
        }));
      }
      go.countDown();
      for (CompletableFuture<Void> p : pushers) {
        p.get(5, TimeUnit.SECONDS);
      }
      mic.endOfStream();
      assertTrue(audio.awaitSourceEnded(WAIT));
      int chunks = threads * pushes * pieceBytes / FMT.bytesForMillis(20);
      byte[] sent = sentAudio(conn.awaitReceivedCount(chunks, WAIT));
      assertEquals(chunks, audio.stats().chunksSent());
      int[] samplesOf = new int[threads];
      for (int i = 0; i < sent.length; i += 2) {
        int v = (short) ((sent[i] & 0xff) | sent[i + 1] << 8);
        assertTrue(v % 1_000 == 0 && v >= 1_000 && v <= 1_000 * threads, "sample " + v);
        samplesOf[v / 1_000 - 1]++;
      }
      for (int t = 0; t < threads; t++) {
        assertEquals(pushes * pieceBytes / 2, samplesOf[t], "samples of pusher " + t);
      }
    }

    @Test
    void aPushSourceThatEndsIsFollowedBySilenceOnTheSharedScheduler() throws Exception {
      FakeConnection conn = open();
      long before = audioThreads();
      PcmPushSource mic = PcmPushSource.create(FMT, 1_000);
      SessionAudio audio = session.attachAudio(mic, null);
      mic.push(tone(FMT, 100));
      mic.endOfStream();
      assertTrue(audio.awaitSourceEnded(WAIT));
      List<ClientEvent> got = conn.awaitReceivedCount(10, WAIT);
      for (int i = 0; i < 5; i++) {
        assertTrue(!silent((InputAudioBufferAppendEvent) got.get(i)));
      }
      for (int i = 5; i < 10; i++) {
        assertTrue(silent((InputAudioBufferAppendEvent) got.get(i)),
            "the connection keeps hearing silence after the source ended");
      }
      assertEquals(before, audioThreads());
      session.close();
      long sentAtClose = audio.stats().chunksSent();
      assertTrue(audio.stats().silentChunksSent() >= 5);
      assertEquals(-1, mic.readAvailable(new byte[2], 0, 2), "the source was released");
      assertEquals(sentAtClose, audio.stats().chunksSent(), "no silence after the session closed");
    }

    @Test
    void aSourceThatCannotOpenIsReportedAndPlaybackGoesOn() throws Exception {
      FakeConnection conn = open();
      PcmPushSource taken = PcmPushSource.create(FMT, 100);
      taken.open(FMT); // already opened by someone else
      PcmPullSink speaker = PcmPullSink.create(FMT, 200);
      SessionAudio audio = session.attachAudio(taken, speaker);
      AudioException error = listener.awaitAudioErrors(1, WAIT).get(0);
      assertTrue(error.getMessage().contains("failed to open"), error.getMessage());
      assertTrue(audio.awaitSourceEnded(WAIT), "capture is over");
      byte[] reply = reply(40, 3);
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(reply);
      assertArrayEquals(reply, pull(speaker, reply.length, 4_096));
    }

    @Test
    void aPullSinkInAnotherFormatIsConvertedWithoutAPlaybackThread() throws Exception {
      FakeConnection conn = open();
      long before = audioThreads();
      PcmFormat narrow = PcmFormat.pcm16Mono(8_000);
      PcmPullSink speaker = PcmPullSink.create(narrow, 1_000);
      Changes played = new Changes();
      SessionAudio audio = session.attachAudio(null, speaker,
          AudioOptions.builder().tap(played.tap()).build());
      byte[] reply = tone(FMT, 300);
      conn.send(new AgentStartTalkingEvent(null));
      conn.sendAudio(reply);
      conn.send(new AgentStopTalkingEvent(null));
      listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
      byte[] expected = PcmConverter.convertAll(FMT, narrow, reply);
      // Streaming conversion holds back the resampler's look-ahead until more audio comes.
      int pulled = expected.length * 9 / 10;
      assertArrayEquals(Arrays.copyOf(expected, pulled), pull(speaker, pulled, 320));
      played.await(WAIT, () -> audio.stats().deltaBytesPlayed() == reply.length,
          "the whole reply written");
      assertEquals(before, audioThreads(), "the pump converts: no playback thread");
    }
  }
}
