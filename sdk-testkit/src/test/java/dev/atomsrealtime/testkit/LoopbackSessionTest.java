package dev.atomsrealtime.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The usual fixture of a session test: per test a {@link FakeAtomsServer} on loopback, an {@link
 * AtomsClient} for it and a {@link RecordingListener}; afterwards the session, client and server
 * are closed, the listener must have seen no contract violation, and no thread may be left.
 * Override {@link #server(FakeAtomsServer.Builder)} or {@link #apiKey()} to configure them.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
public abstract class LoopbackSessionTest {
  protected static final Duration WAIT = Duration.ofSeconds(5);

  protected FakeAtomsServer server;
  protected AtomsClient client;
  protected RecordingListener listener;
  protected AtomsSession session;

  /** The credential the client sends; the server requires it when it was given one. */
  protected String apiKey() {
    return "sk_loopback_test";
  }

  /** Configures each test's client (for example its clock); by default as built. */
  protected AtomsClient.Builder client(AtomsClient.Builder builder) {
    return builder;
  }

  /** Configures each test's server; by default it requires {@link #apiKey()}. */
  protected FakeAtomsServer.Builder server(FakeAtomsServer.Builder builder) {
    return builder.credential(apiKey());
  }

  @BeforeEach
  void startLoopback() {
    server = server(FakeAtomsServer.builder()).build().start();
    client = client(AtomsClient.builder().apiKey(apiKey()).baseUrl(server.uri())).build();
    listener = new RecordingListener();
  }

  @AfterEach
  void stopLoopback() {
    if (session != null) {
      session.close();
    }
    client.close();
    server.close();
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  /** Opens {@link #session} with {@code options} and {@code l}; returns the server's side. */
  protected FakeConnection open(SessionOptions options, SessionListener l) throws Exception {
    session = client.newSession(options, l);
    session.connect().get(5, TimeUnit.SECONDS);
    return server.awaitConnection(WAIT);
  }

  /** Opens {@link #session} for agent {@code a} with {@link #listener}. */
  protected FakeConnection open() throws Exception {
    return open(SessionOptions.builder().agentId("a").build(), listener);
  }
}
