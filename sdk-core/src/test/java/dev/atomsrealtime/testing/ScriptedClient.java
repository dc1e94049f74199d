package dev.atomsrealtime.testing;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.testing.ScriptedTransports.Scripted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AtomsClient} on {@link ScriptedTransports} and a {@link VirtualScheduler}, for the
 * core's own session tests: the test plays the server and moves time. {@link #close} ends every
 * session at once (the scripted connections close when told), then the client.
 */
public final class ScriptedClient implements AutoCloseable {
  /**
   * The bound of every wait on another thread: 10 s, or {@code atoms.test.waitMillis} (the
   * mutation profile shortens it, so that a mutant that stops the session from answering fails
   * its test quickly instead of running into PIT's timeout and a restart of its JVM).
   */
  public static final Duration WAIT =
      Duration.ofMillis(Long.getLong("atoms.test.waitMillis", 10_000));
  /** A {@code session.created} at 16 kHz mono, session {@code s1}. */
  public static final String CREATED = created("s1");

  public final VirtualScheduler time = new VirtualScheduler();
  public final ScriptedTransports transports = new ScriptedTransports();
  public final AtomsClient client = AtomsClient.builder().apiKey("sk-test")
      .baseUrl("ws://127.0.0.1:9").transportFactory(transports).scheduler(time, time).build();
  private final List<AtomsSession> sessions = new ArrayList<>();

  /** A {@code session.created} at 16 kHz mono for session {@code id} (call {@code c-id}). */
  public static String created(String id) {
    return "{\"type\":\"session.created\",\"session_id\":\"" + id + "\",\"call_id\":\"c-" + id
        + "\",\"sample_rate\":16000,\"channels\":1}";
  }

  /** A new session of agent {@code agent}. */
  public AtomsSession session(SessionOptions.Builder options, SessionListener listener) {
    AtomsSession s = client.newSession(options.agentId("agent").build(), listener);
    sessions.add(s);
    return s;
  }

  /** Connects {@code s} and opens it with {@link #CREATED}: returns its transport. */
  public Scripted open(AtomsSession s, RecordingListener listener) throws InterruptedException {
    s.connect();
    Scripted t = transports.next(WAIT);
    t.open(CREATED);
    listener.awaitState(SessionState.OPEN, WAIT);
    return t;
  }

  @Override
  public void close() {
    for (AtomsSession s : sessions) {
      s.closeAsync();
    }
    transports.endAll();
    client.close();
  }
}
