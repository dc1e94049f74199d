package dev.atomsrealtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.CloseRecord;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful closes under load, for every transport: many sessions at once stream 20 ms audio chunks
 * from a background sender, and each ends with a closing handshake, half of them closed by the
 * client ({@code session.close}, {@code session.closed client_requested}, close 1000) and half by
 * the agent ending the call ({@code session.closed ended}, then the server's close 1000). Every
 * one of them must deliver the client's close frame to the server: a transport that ends the TCP
 * connection before its close frame (or its answer to the server's) is written fails here, even
 * when it reports a clean 1000 to the session.
 *
 * <p>A transport's test extends this class and implements {@link #factory()}; a factory that is
 * {@link AutoCloseable} is closed after the test.
 */
// A few seconds on a 2-core machine; the bound only catches a hang.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
public abstract class AbstractGracefulCloseTest {
  private static final String KEY = "sk_graceful_close_3b7e";
  private static final String AGENT = "agent-1";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int CONCURRENT_SESSIONS = 40;
  private static final int SESSIONS_PER_WORKER = 8; // 320 closes in all
  private static final int CHUNK_MILLIS = 20;
  private static final byte[] CHUNK = new byte[24_000 * 2 * CHUNK_MILLIS / 1000];

  private FakeAtomsServer server;
  private TransportFactory factory;
  private AtomsClient client;
  private ExecutorService workers;
  private ScheduledExecutorService sender;

  /** The factory under test; called once. */
  protected abstract TransportFactory factory();

  @AfterEach
  void stop() throws Exception {
    try {
      if (sender != null) {
        sender.shutdownNow();
        sender.awaitTermination(5, TimeUnit.SECONDS);
      }
      if (workers != null) {
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
      }
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.close();
      }
    } finally {
      if (factory instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  @Test
  void everyGracefulCloseDeliversTheClientsCloseFrame() throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).agentId(AGENT).build().start();
    factory = factory();
    client =
        AtomsClient.builder()
            .apiKey(KEY)
            .baseUrl(server.uri())
            .transportFactory(factory)
            .build();
    Set<AtomsSession> streaming = ConcurrentHashMap.newKeySet();
    sender = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-audio-sender"));
    sender.scheduleAtFixedRate(
        () -> {
          for (AtomsSession session : streaming) {
            try {
              session.sendAudio(CHUNK);
            } catch (IllegalStateException closing) {
              streaming.remove(session);
            }
          }
        },
        0,
        CHUNK_MILLIS,
        TimeUnit.MILLISECONDS);

    AtomicInteger names = new AtomicInteger();
    workers =
        Executors.newFixedThreadPool(
            CONCURRENT_SESSIONS, r -> new Thread(r, "test-session-" + names.incrementAndGet()));
    List<Future<List<String>>> results = new ArrayList<>();
    for (int w = 0; w < CONCURRENT_SESSIONS; w++) {
      int worker = w;
      results.add(
          workers.submit(
              () -> {
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < SESSIONS_PER_WORKER; i++) {
                  // Alternate, so that both kinds run side by side throughout.
                  boolean serverEnds = (worker + i) % 2 == 1;
                  String problem = oneSession(streaming, serverEnds);
                  if (problem != null) {
                    problems.add("worker " + worker + " session " + i + ": " + problem);
                  }
                }
                return problems;
              }));
    }
    List<String> problems = new ArrayList<>();
    for (Future<List<String>> result : results) {
      problems.addAll(result.get(45, TimeUnit.SECONDS));
    }
    int closes = CONCURRENT_SESSIONS * SESSIONS_PER_WORKER;
    assertEquals(
        List.of(),
        problems,
        problems.size() + " of " + closes + " graceful closes went wrong");
  }

  /** Opens a session, streams a little, closes it gracefully; returns what went wrong, or null. */
  private String oneSession(Set<AtomsSession> streaming, boolean serverEnds) throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomsSession session =
        client.newSession(SessionOptions.builder().agentId(AGENT).build(), listener);
    SessionInfo info = session.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    FakeConnection conn = connectionOf(info);
    streaming.add(session);
    // Close while the audio flows: after 2 to 6 chunks have arrived.
    int chunks = ThreadLocalRandom.current().nextInt(2, 7);
    for (int c = 0; c < chunks; c++) {
      conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT);
    }
    SessionEnd end;
    if (serverEnds) {
      // The agent ends the call, as the real server does: session.closed, then close 1000.
      conn.send(new SessionClosedEvent(SessionClosedEvent.ENDED));
      conn.close(1000, "");
      end = listener.awaitClosed(WAIT);
    } else {
      end = session.closeAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    streaming.remove(session);
    CloseRecord record = conn.awaitClosed(WAIT);
    String kind = serverEnds ? "server-initiated" : "client-initiated";
    if (!record.clientCloseFrameReceived()) {
      return kind + " close: the server got no close frame from the client (server saw " + record
          + "; the client reported " + end.closeCode() + ")";
    }
    if (end.closeCode() != 1000 || record.code() != 1000) {
      return kind + " close: codes " + end.closeCode() + " (client) and " + record + " (server)";
    }
    return null;
  }

  private FakeConnection connectionOf(SessionInfo info) {
    for (FakeConnection conn : server.connections()) {
      if (conn.sessionCreated() != null
          && conn.sessionCreated().sessionId().equals(info.sessionId())) {
        return conn;
      }
    }
    throw new AssertionError("no server connection for session " + info.sessionId());
  }
}
