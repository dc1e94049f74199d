package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ServerBehavior;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One simulated hour of a full-duplex conversation on virtual time: the user's microphone streams
 * the whole hour, the agent replies every 20 s (every third reply interrupted by the user, every
 * fifth preceded by a tool call the application answers), keepalive pings run on schedule, and at
 * half time the connection drops and the session reconnects. The session's clock moves only as
 * the test moves it, so the hour takes seconds; the socket, the server and every thread are real.
 *
 * <p>Used heap after full collections and the live thread count are measured at 10 % and at
 * 100 % of the hour, at quiet points (all audio sent so far received by the server, all events
 * sent so far delivered to the listener): heap may grow by at most 5 %, threads not at all.
 *
 * <p>The server keeps no client audio and the listener keeps no events, so only the SDK (and the
 * fake server's bookkeeping) could grow. Figures are printed to the test's output.
 */
// The hour takes several seconds of wall time on a 2-core machine, plus the collections.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class VirtualHourSoakTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final PcmFormat FMT = PcmFormat.pcm16Mono(16_000);
  static final int CHUNK_MILLIS = 40;
  static final int SECONDS = 3_600;
  static final int TURN_SECONDS = 20;
  static final int REPLY_MILLIS = 4_000;
  static final int DELTA_MILLIS = 200;
  static final String MARK = "soak.mark"; // an event type the SDK does not know: delivered as is

  final ManualScheduler time = new ManualScheduler();
  FakeAtomsServer server;
  AtomsClient client;
  AtomsSession session;

  /** Counts without keeping anything, and answers tool calls as an application would. */
  static final class Listener implements SessionListener {
    final AtomicLong events = new AtomicLong();
    final AtomicLong toolCalls = new AtomicLong();
    final Semaphore marks = new Semaphore(0);
    final Semaphore reconnected = new Semaphore(0);
    final Semaphore reconnecting = new Semaphore(0);
    final AtomicLong turnsMeasured = new AtomicLong();

    @Override
    public void onEvent(AtomsSession s, ServerEvent event) {
      events.incrementAndGet();
      if (event instanceof FunctionCallEvent call) {
        toolCalls.incrementAndGet();
        s.sendFunctionResult(call.callId(), "{\"table\":\"booked\"}");
      } else if (event instanceof UnknownServerEvent u && MARK.equals(u.type())) {
        marks.release();
      }
    }

    @Override
    public void onReconnected(AtomsSession s, SessionInfo info, int attempts) {
      reconnected.release();
    }

    @Override
    public void onReconnecting(AtomsSession s, int attempt, Duration delay,
        dev.atomsrealtime.AtomsException cause) {
      reconnecting.release();
    }

    @Override
    public void onTurnMetrics(AtomsSession s, dev.atomsrealtime.audio.TurnMetrics m) {
      turnsMeasured.incrementAndGet();
    }
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anHourOfConversationKeepsHeapAndThreadsFlat() throws Exception {
    // Counts the audio the server has read, keeping nothing: the test's flow control.
    Semaphore chunksRead = new Semaphore(0);
    server = FakeAtomsServer.builder().retainClientAudio(false).behavior(new ServerBehavior() {
      @Override
      public boolean onClientEvent(FakeConnection c, ClientEvent event) {
        if (event instanceof InputAudioBufferAppendEvent) {
          chunksRead.release();
        }
        return false;
      }
    }).build().start();
    client = AtomsClient.builder().apiKey("key_soak").baseUrl(server.uri()).scheduler(time, time)
        .build();
    Listener listener = new Listener();
    session = client.newSession(SessionOptions.builder().sampleRateHz(FMT.sampleRateHz())
        .reconnectPolicy(ExponentialBackoff.builder().jitterFraction(0).build()).build(),
        listener);
    PcmPushSource mic = PcmPushSource.create(FMT, 2_000);
    PcmPullSink speaker = PcmPullSink.create(FMT, 2_000);
    SessionAudio audio = session.attachAudio(mic, speaker,
        AudioOptions.builder().chunkMillis(CHUNK_MILLIS).build());
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);

    byte[] voice = tone(CHUNK_MILLIS, 2_000);
    byte[] reply = tone(DELTA_MILLIS, 1_000);
    byte[] pulled = new byte[FMT.bytesForMillis(DELTA_MILLIS)];
    long[] heapAt = new long[2];
    int[] threadsAt = new int[2];
    int marksSent = 0;
    int turns = 0;
    int steps = SECONDS * 1_000 / CHUNK_MILLIS;
    int stepsPerSecond = 1_000 / CHUNK_MILLIS;
    for (int step = 1; step <= steps; step++) {
      mic.push(voice);
      time.forwardTime(Duration.ofMillis(CHUNK_MILLIS));
      int second = step / stepsPerSecond;
      boolean secondBoundary = step % stepsPerSecond == 0;
      if (secondBoundary && second % TURN_SECONDS == 0) {
        turns++;
        agentTurn(conn, turns, reply);
      }
      while (speaker.poll(pulled, 0, pulled.length) > 0) {
        // the application plays what arrived
      }
      if (secondBoundary && session.state() == SessionState.OPEN) {
        // Flow control, once a simulated second: the server has read the second's audio, so the
        // hour never runs ahead of the socket (a real microphone paces itself).
        assertTrue(chunksRead.tryAcquire(stepsPerSecond, WAIT.toMillis(), TimeUnit.MILLISECONDS),
            "the server did not read a second of audio in time");
      }
      if (step == steps / 2 + 10 * stepsPerSecond) { // between two turns
        conn = reconnect(conn, listener);
        chunksRead.drainPermits(); // a chunk in flight at the drop may or may not have arrived
      }
      if (step == steps / 10 || step == steps) {
        quiesce(conn, listener, ++marksSent, speaker, pulled);
        int i = step == steps ? 1 : 0;
        heapAt[i] = usedHeapAfterGc();
        threadsAt[i] = sdkThreads().size();
        System.out.println("SDK threads at " + (i == 0 ? "10%" : "100%") + ": " + sdkThreads());
      }
    }
    SessionState state = session.state();
    AudioStats stats = audio.stats();
    System.out.printf("virtual hour: %d turns, %d events, %d tool calls, %d reconnect(s);"
            + " heap %d KB at 10%% and %d KB at 100%% (%.1f%%); threads %d and %d; %s%n",
        turns, listener.events.get(), listener.toolCalls.get(), session.stats().reconnects(),
        heapAt[0] / 1024, heapAt[1] / 1024, 100.0 * (heapAt[1] - heapAt[0]) / heapAt[0],
        threadsAt[0], threadsAt[1], stats);

    assertEquals(SessionState.OPEN, state);
    assertEquals(SECONDS / TURN_SECONDS, turns);
    assertEquals(1, session.stats().reconnects());
    assertEquals(turns / 5, listener.toolCalls.get());
    assertEquals(0, session.stats().audioChunksDroppedBackpressure());
    assertEquals(0, stats.bytesDroppedQueueFull());
    assertTrue(stats.chunksSent() >= steps - 2 * stepsPerSecond, stats.toString());
    assertTrue(heapAt[1] <= heapAt[0] * 1.05, "heap grew from " + heapAt[0] / 1024 + " KB to "
        + heapAt[1] / 1024 + " KB over the hour");
    assertTrue(threadsAt[1] <= threadsAt[0], "threads: " + threadsAt[0] + " -> " + threadsAt[1]);
    // Closing ends the last turn; its metrics come before the end.
    session.closeAsync().get(5, TimeUnit.SECONDS);
    assertEquals(turns, listener.turnsMeasured.get(), "one measurement per agent turn");
  }

  /**
   * The SDK's own threads: its pools and the client side of the WebSocket library (the fake
   * server's threads come and go with its cached pool and are not the SDK's).
   */
  static java.util.List<String> sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("atoms-") && !n.startsWith("atoms-fakeserver-")
            || n.startsWith("WebSocketConnectReadThread") || n.startsWith("WebSocketWriteThread"))
        .sorted().toList();
  }

  /** One agent turn: maybe a tool call first; the reply, maybe cut off by the user. */
  private static void agentTurn(FakeConnection conn, int turn, byte[] reply) {
    if (turn % 5 == 0) {
      conn.send(new FunctionCallEvent("call-" + turn, "book_table", "{\"people\":2}"));
      FunctionCallResultEvent result = conn.awaitReceived(FunctionCallResultEvent.class, WAIT);
      assertEquals("call-" + turn, result.callId());
    }
    conn.send(new TranscriptEvent(Role.USER, "user", "a table for two, turn " + turn));
    conn.send(new AgentStartTalkingEvent(null));
    boolean interrupted = turn % 3 == 0;
    int deltas = REPLY_MILLIS / DELTA_MILLIS;
    for (int i = 0; i < deltas; i++) {
      if (interrupted && i == deltas / 2) {
        conn.send(new InterruptionEvent());
        conn.send(new TranscriptEvent(Role.AGENT, "assistant", "sure, I can"));
        return;
      }
      conn.sendAudio(reply);
    }
    conn.send(new AgentStopTalkingEvent(null));
    conn.send(new TranscriptEvent(Role.AGENT, "assistant", "sure, I can help with that"));
  }

  /** The server drops the connection; the session reconnects after its first backoff delay. */
  private FakeConnection reconnect(FakeConnection conn, Listener listener) throws Exception {
    conn.drop();
    // The reconnect timer is armed before onReconnecting is delivered.
    assertTrue(listener.reconnecting.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    time.forwardTime(Duration.ofMillis(500)); // the first backoff delay, without jitter
    FakeConnection next = server.awaitConnection(WAIT);
    assertTrue(listener.reconnected.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "no reconnect");
    return next;
  }

  /**
   * A quiet point: everything sent so far has reached the server, and every event the server
   * sent has reached the listener (its mark comes after all of them).
   */
  private void quiesce(FakeConnection conn, Listener listener, int n, PcmPullSink speaker,
      byte[] pulled) throws InterruptedException {
    session.sendText("quiet " + n);
    assertEquals("quiet " + n, conn.awaitReceived(InputTextSendEvent.class, WAIT).text());
    conn.sendRaw("{\"type\":\"" + MARK + "\"}");
    assertTrue(listener.marks.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS), "no mark");
    while (speaker.poll(pulled, 0, pulled.length) > 0) {
      // the last reply's audio
    }
  }

  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  static byte[] tone(int millis, int amplitude) {
    byte[] pcm = new byte[FMT.bytesForMillis(millis)];
    for (int i = 0; i < pcm.length / 2; i++) {
      int v = (int) (amplitude * Math.sin(2 * Math.PI * 300 * i / FMT.sampleRateHz()));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }
}
