package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.SessionStats;
import dev.atomsrealtime.audio.DiscardingAudioSink;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A long conversation compressed in time: 2.5 minutes of 24 kHz audio in both directions, pushed as
 * fast as the connection takes it (the agent's deltas into a sink without real-time pacing, the
 * user's chunks as fast as the server reads them), with turns, transcripts and four interruptions
 * per simulated minute. Used heap after full collections must stay flat between 10 % and 100 % of
 * the run: nothing may grow with the length of a session.
 *
 * <p>Flow control and the quiet points use marks rather than polling: every {@value #WINDOW}
 * chunks the client sends a text mark, and it does not run more than two windows ahead of the
 * marks the server has read; to quiesce, it waits for its last mark at the server (all audio
 * before it was read) and the server sends a mark of its own (an event of an unknown type) that
 * reaches the listener after every delta before it.
 *
 * <p>The server keeps no client audio ({@code retainClientAudio(false)}) and the listener keeps no
 * events, so only the SDK (and the fake server's own state) could grow. Figures are printed to the
 * test's output.
 */
// Longer than the suite's usual 10 s: the run itself takes a few seconds on a 2-core machine, and
// the heap measurements add several full collections; 30 s still catches a hang.
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class SoakTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final PcmFormat FMT = PcmFormat.pcm16Mono(24_000);
  static final int CHUNK_MILLIS = 20;
  static final int SIMULATED_SECONDS = 150;
  static final int TURN_FRAMES = 250; // a 5 s agent turn
  static final int INTERRUPT_EVERY_FRAMES = 750; // every 15 s: four per simulated minute
  static final long MB = 1024 * 1024;
  static final int WINDOW = 50; // chunks between two flow-control marks (about 68 KB on the wire)
  static final String MARK_TYPE = "soak.mark"; // the server's mark, an event type the SDK ignores

  FakeAtomsServer server;
  AtomsClient client;
  AtomsSession session;

  /** Counts without keeping anything. */
  static final class CountingListener extends RecordingListener {
    final AtomicLong deltas = new AtomicLong();
    final AtomicLong transcripts = new AtomicLong();
    final AtomicLong others = new AtomicLong();
    final Semaphore marks = new Semaphore(0);

    @Override
    public void onEvent(AtomsSession s, ServerEvent event) {
      if (event instanceof OutputAudioDeltaEvent) {
        deltas.incrementAndGet();
      } else if (event instanceof TranscriptEvent) {
        transcripts.incrementAndGet();
      } else if (event instanceof UnknownServerEvent u && u.type().equals(MARK_TYPE)) {
        marks.release();
      } else {
        others.incrementAndGet();
      }
    }
  }

  final CountingListener listener = new CountingListener();
  FakeConnection conn;
  int marksSent;
  int marksRead;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().retainClientAudio(false).build().start();
    client = AtomsClient.builder().apiKey("key_soak").baseUrl(server.uri()).build();
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

  static long usedHeapAfterGc() {
    long best = Long.MAX_VALUE;
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      best = Math.min(best, rt.totalMemory() - rt.freeMemory());
    }
    return best;
  }

  /** Sends the next flow-control mark. */
  private void sendMark() {
    session.sendText("mark " + marksSent++);
  }

  /** Waits until the server has read all but {@code ahead} of the marks sent. */
  private void awaitMarksRead(int ahead) {
    while (marksSent - marksRead > ahead) {
      String text = conn.awaitReceived(InputTextSendEvent.class, WAIT).text();
      assertEquals("mark " + marksRead++, text);
    }
  }

  @Test
  void aLongConversationKeepsMemoryFlat() throws Exception {
    session =
        client.newSession(SessionOptions.builder().maxQueuedAudioMillis(60_000).build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    conn = server.awaitConnection(WAIT);
    DiscardingAudioSink sink = new DiscardingAudioSink();
    SessionAudio audio = session.attachAudio(null, sink);

    int frames = SIMULATED_SECONDS * 1000 / CHUNK_MILLIS;
    int chunkBytes = FMT.bytesForMillis(CHUNK_MILLIS);
    byte[] agent = new byte[chunkBytes];
    byte[] user = new byte[chunkBytes];
    for (int i = 0; i < chunkBytes; i += 2) {
      agent[i] = (byte) i;
      user[i + 1] = (byte) i;
    }
    int interruptions = 0;
    int turns = 0;
    long heapAtTenth = -1;
    long started = System.nanoTime();
    for (int f = 0; f < frames; f++) {
      if (f % TURN_FRAMES == 0) {
        if (f > 0) {
          conn.send(new AgentStopTalkingEvent(null));
          conn.sendRaw(
              "{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"turn " + turns + "\"}");
        }
        conn.send(new AgentStartTalkingEvent(null));
        turns++;
      }
      if (f % INTERRUPT_EVERY_FRAMES == INTERRUPT_EVERY_FRAMES / 2) {
        conn.send(new InterruptionEvent());
        conn.send(new AgentStartTalkingEvent(null));
        interruptions++;
      }
      conn.sendAudio(agent);
      session.sendAudio(user);
      if ((f + 1) % WINDOW == 0) {
        // Keep the client's send queue short, fast but never dropping: two windows ahead at most.
        sendMark();
        awaitMarksRead(2);
      }
      if (f + 1 == frames / 10) {
        heapAtTenth = quiesceAndMeasure(f + 1, audio);
      }
    }
    conn.send(new AgentStopTalkingEvent(null));
    long heapAtEnd = quiesceAndMeasure(frames, audio);
    double wallSeconds = (System.nanoTime() - started) / 1e9;

    SessionStats stats = session.stats();
    AudioStats audioStats = audio.stats();
    System.out.printf(
        "soak: %.1f simulated minutes (%d frames of %d ms each way) in %.1f s wall;"
            + " %d turns, %d interruptions; used heap %.1f MB at 10%%, %.1f MB at 100%%"
            + " (growth %+.1f MB); client sent %d chunks (%d dropped), server got %d;"
            + " agent deltas %d, played %d bytes, discarded by interruption %d bytes%n",
        SIMULATED_SECONDS / 60.0,
        frames,
        CHUNK_MILLIS,
        wallSeconds,
        turns,
        interruptions,
        heapAtTenth / (double) MB,
        heapAtEnd / (double) MB,
        (heapAtEnd - heapAtTenth) / (double) MB,
        stats.audioChunksSent(),
        stats.audioChunksDroppedBackpressure(),
        conn.audioChunksReceived(),
        audioStats.deltasReceived(),
        audioStats.deltaBytesPlayed(),
        audioStats.bytesDiscardedByInterruption());

    assertTrue(
        heapAtEnd - heapAtTenth < 8 * MB,
        "used heap grew by " + (heapAtEnd - heapAtTenth) / MB + " MB over the run");
    assertEquals(frames, conn.audioChunksReceived());
    assertEquals(0, stats.audioChunksDroppedBackpressure());
    assertEquals(0, stats.invalidFrames());
    assertEquals(frames, audioStats.deltasReceived());
    assertEquals(
        (long) frames * chunkBytes,
        audioStats.deltaBytesPlayed()
            + audioStats.bytesDiscardedByInterruption()
            + audioStats.bytesDroppedQueueFull(),
        audioStats.toString());
    assertEquals(0, audioStats.bytesDroppedQueueFull());
    assertTrue(interruptions >= 4 * SIMULATED_SECONDS / 60, "interruptions: " + interruptions);
    assertEquals(turns - 1, listener.transcripts.get());
    assertEquals(SessionState.OPEN, session.state());
    session.sendText("still here");
    assertEquals("still here", conn.awaitReceived(InputTextSendEvent.class, WAIT).text());
  }

  /**
   * Waits until both sides have taken everything sent so far and playback is idle, then measures
   * the used heap.
   */
  private long quiesceAndMeasure(int framesSent, SessionAudio audio) throws InterruptedException {
    // The server has read every chunk sent before the client's last mark.
    sendMark();
    awaitMarksRead(0);
    assertEquals(framesSent, conn.audioChunksReceived(), "the server got the audio");
    // The server's mark follows its deltas: by the time the listener has it, the client has
    // received every delta and given each to the listener or counted it as dropped.
    conn.sendRaw("{\"type\":\"" + MARK_TYPE + "\"}");
    assertTrue(listener.marks.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the listener got the server's mark");
    assertEquals(framesSent, audio.stats().deltasReceived(), "the client got the audio");
    assertEquals(framesSent, listener.deltas.get() + session.stats().listenerDeltasDropped(),
        "the listener caught up");
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    return usedHeapAfterGc();
  }
}
