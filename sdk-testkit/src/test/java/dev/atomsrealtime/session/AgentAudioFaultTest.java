package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.RealTimeAudioSink;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent audio arriving badly: trickling in 5 ms pieces at irregular intervals (playback underruns)
 * and 10 s of speech in one burst (far faster than real time). Played through a {@link
 * RealTimeAudioSink} around a recorder, so playback runs at speaker speed: nothing may be lost or
 * reordered while the queue can hold it, and what a small queue cannot hold is dropped oldest first
 * and counted.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class AgentAudioFaultTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);

  FakeAtomsServer server;
  AtomsClient client;
  AtomsSession session;
  FakeConnection conn;
  final RecordingListener listener = new RecordingListener();

  /** Stores every byte written, instantly. */
  static final class Recorder implements AudioSink {
    private final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    private PcmFormat format;
    private long frames;

    @Override
    public synchronized PcmFormat open(PcmFormat requested) {
      format = requested;
      return requested;
    }

    @Override
    public synchronized PcmFormat format() {
      return format;
    }

    @Override
    public synchronized void write(byte[] buffer, int offset, int length) {
      pcm.write(buffer, offset, length);
      frames += length / format.bytesPerFrame();
    }

    @Override
    public void flush() {}

    @Override
    public void drain() {}

    @Override
    public synchronized long framesPlayed() {
      return frames;
    }

    @Override
    public void close() {}

    synchronized byte[] bytes() {
      return pcm.toByteArray();
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = FakeAtomsServer.builder().build().start();
    client = AtomsClient.builder().apiKey("key_audio_faults").baseUrl(server.uri()).build();
    session = client.newSession(SessionOptions.builder().build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    conn = server.awaitConnection(WAIT);
  }

  @AfterEach
  void stop() {
    session.close();
    client.close();
    server.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  /** {@code chunks} chunks of {@code chunkBytes}; every sample of chunk i holds the value i. */
  static byte[] labelled(int chunks, int chunkBytes) {
    byte[] pcm = new byte[chunks * chunkBytes];
    for (int i = 0; i < pcm.length; i += 2) {
      int label = i / chunkBytes;
      pcm[i] = (byte) label;
      pcm[i + 1] = (byte) (label >> 8);
    }
    return pcm;
  }

  private void awaitAllPlayed(SessionAudio audio) throws InterruptedException {
    listener.awaitEvent(AgentStopTalkingEvent.class, WAIT);
    assertTrue(audio.awaitPlaybackIdle(WAIT), "playback did not finish");
  }

  @Test
  void tricklingAudioWithUnderrunsIsPlayedCompleteAndInOrder() throws Exception {
    Recorder recorder = new Recorder();
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder));
    int chunkBytes = FMT.bytesForMillis(5);
    byte[] pcm = labelled(160, chunkBytes); // 0.8 s
    // Irregular gaps averaging a little over the chunk's 5 ms: the queue runs dry at times.
    int[] gapsMillis = {0, 1, 2, 4, 7, 11, 15, 3, 0, 9};
    Random random = new Random(7);
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try {
      conn.send(new AgentStartTalkingEvent(null));
      long at = 0;
      for (int i = 0; i < 160; i++) {
        at += gapsMillis[random.nextInt(gapsMillis.length)];
        byte[] piece = Arrays.copyOfRange(pcm, i * chunkBytes, (i + 1) * chunkBytes);
        sender.schedule(() -> conn.sendAudio(piece), at, TimeUnit.MILLISECONDS);
      }
      sender.schedule(() -> conn.send(new AgentStopTalkingEvent(null)), at, TimeUnit.MILLISECONDS);
      awaitAllPlayed(audio);
    } finally {
      sender.shutdownNow();
    }
    assertArrayEquals(pcm, recorder.bytes(), "every byte, in order");
    AudioStats stats = audio.stats();
    assertEquals(160, stats.deltasReceived());
    assertEquals(pcm.length, stats.deltaBytesPlayed());
    assertEquals(0, stats.bytesDroppedQueueFull());
  }

  @Test
  void tenSecondsInOneBurstAreAllPlayedWhenTheQueueHoldsThem() throws Exception {
    Recorder recorder = new Recorder();
    // The sink takes audio up to 9 s ahead of real time: the last second has to wait in the
    // session's queue behind it, as it would behind a device.
    SessionAudio audio = session.attachAudio(null, RealTimeAudioSink.wrap(recorder, 9_000));
    int chunkBytes = FMT.bytesForMillis(20);
    byte[] pcm = labelled(500, chunkBytes); // 10 s
    conn.send(new AgentStartTalkingEvent(null));
    for (int i = 0; i < 500; i++) {
      conn.sendAudio(Arrays.copyOfRange(pcm, i * chunkBytes, (i + 1) * chunkBytes));
    }
    conn.send(new AgentStopTalkingEvent(null));
    awaitAllPlayed(audio);
    assertArrayEquals(pcm, recorder.bytes(), "every byte, in order");
    assertEquals(0, audio.stats().bytesDroppedQueueFull());
  }

  @Test
  void aBurstBeyondASmallQueueDropsTheOldestAudioAndCountsIt() throws Exception {
    Recorder recorder = new Recorder();
    SessionAudio audio =
        session.attachAudio(
            null,
            RealTimeAudioSink.wrap(recorder),
            AudioOptions.builder().playbackQueueMillis(1_000).build());
    int chunkBytes = FMT.bytesForMillis(20);
    int chunks = 500; // 10 s against a 1 s queue
    byte[] pcm = labelled(chunks, chunkBytes);
    conn.send(new AgentStartTalkingEvent(null));
    for (int i = 0; i < chunks; i++) {
      conn.sendAudio(Arrays.copyOfRange(pcm, i * chunkBytes, (i + 1) * chunkBytes));
    }
    conn.send(new AgentStopTalkingEvent(null));
    awaitAllPlayed(audio);

    AudioStats stats = audio.stats();
    byte[] played = recorder.bytes();
    assertTrue(stats.bytesDroppedQueueFull() > 0, stats.toString());
    assertTrue(played.length <= FMT.bytesForMillis(1_500), "about the queue's worth played");
    assertEquals(pcm.length, played.length + stats.bytesDroppedQueueFull(), stats.toString());
    assertEquals(played.length, stats.deltaBytesPlayed());
    // What played is whole chunks in their original order, ending with the newest.
    int previous = -1;
    for (int i = 0; i < played.length; i += chunkBytes) {
      int label = (played[i] & 0xff) | (played[i + 1] & 0xff) << 8;
      assertTrue(label > previous, "chunk " + label + " after " + previous);
      assertArrayEquals(
          Arrays.copyOfRange(pcm, label * chunkBytes, (label + 1) * chunkBytes),
          Arrays.copyOfRange(played, i, i + chunkBytes));
      previous = label;
    }
    assertEquals(chunks - 1, previous, "the newest audio is kept");
  }
}
