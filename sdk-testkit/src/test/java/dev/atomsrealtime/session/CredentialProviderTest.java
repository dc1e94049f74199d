package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.CredentialRequest;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Credentials with context: what the provider is told, where it runs, that providers of different
 * sessions run at the same time (on connect and on reconnect), and that an API key without an
 * agent is refused before any connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class CredentialProviderTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final int SESSIONS = 10;

  final ManualScheduler time = new ManualScheduler();
  FakeAtomsServer server;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    time.assertNoPendingTasks();
  }

  /** Waits (bounded) until all {@code latch}'s parties have arrived; false if they did not. */
  private static boolean meet(CountDownLatch latch) {
    latch.countDown();
    try {
      return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void tenProvidersThatWaitForEachOtherAllComplete() throws Exception {
    CountDownLatch allAsked = new CountDownLatch(SESSIONS);
    List<String> threads = new CopyOnWriteArrayList<>();
    try (AtomsClient client = AtomsClient.builder().baseUrl(server.uri()).scheduler(time, time)
        .credentialProvider(request -> {
          threads.add(Thread.currentThread().getName());
          // Blocks this thread until every session's provider has been called.
          return CompletableFuture.completedFuture(meet(allAsked) ? "sk_met" : "");
        }).build()) {
      List<CompletableFuture<?>> opens = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        opens.add(client.newSession(SessionOptions.builder().agentId("agent-" + i).build(),
            new RecordingListener()).connect());
      }
      CompletableFuture.allOf(opens.toArray(new CompletableFuture<?>[0]))
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(SESSIONS, server.connectionCount());
      assertEquals(SESSIONS, threads.size());
      assertTrue(threads.stream().allMatch(t -> t.startsWith("atoms-blocking-")), threads.toString());
    }
  }

  @Test
  void tenSessionsDroppedTogetherReconnectWithProvidersThatWaitForEachOther() throws Exception {
    CountDownLatch allReconnecting = new CountDownLatch(SESSIONS);
    List<CredentialRequest> asked = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    try (AtomsClient client = AtomsClient.builder().baseUrl(server.uri()).scheduler(time, time)
        .credentialProvider(request -> {
          asked.add(request);
          if (request.reason() == CredentialRequest.Reason.FIRST_CONNECT) {
            return CompletableFuture.completedFuture("sk_first");
          }
          threads.add(Thread.currentThread().getName());
          return CompletableFuture.completedFuture(meet(allReconnecting) ? "sk_again" : "");
        }).build()) {
      List<RecordingListener> listeners = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        RecordingListener listener = new RecordingListener();
        listeners.add(listener);
        client.newSession(SessionOptions.builder().agentId("agent-" + i).reconnectPolicy(
            ExponentialBackoff.builder().initialDelay(Duration.ofMillis(200)).jitterFraction(0)
                .maxAttempts(2).build()).build(), listener).connect().get(5, TimeUnit.SECONDS);
      }
      List<FakeConnection> first = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        first.add(server.awaitConnection(WAIT));
      }
      first.forEach(FakeConnection::drop);
      for (RecordingListener listener : listeners) {
        listener.awaitReconnecting(WAIT);
      }
      // One move of the clock fires every reconnect timer on this thread, the scheduler's; the
      // providers then meet on threads of their own.
      time.forwardTime(Duration.ofMillis(200));
      for (RecordingListener listener : listeners) {
        listener.awaitReconnected(1, WAIT);
      }
      assertEquals(2 * SESSIONS, server.connectionCount());
      assertTrue(threads.stream().allMatch(t -> t.startsWith("atoms-blocking-")), threads.toString());
      assertFalse(threads.contains(Thread.currentThread().getName()));
      List<CredentialRequest> reconnects = asked.stream()
          .filter(r -> r.reason() == CredentialRequest.Reason.RECONNECT).toList();
      assertEquals(SESSIONS, reconnects.size());
      assertTrue(reconnects.stream().allMatch(r -> r.attempt() == 2 && r.cause() != null));
    }
  }

  @Test
  void aProviderMayAnswerLaterFromAnotherThread() throws Exception {
    CompletableFuture<String> minted = new CompletableFuture<>();
    try (AtomsClient client = AtomsClient.builder().baseUrl(server.uri()).scheduler(time, time)
        .credentialProvider(request -> minted).build()) {
      AtomsSession session = client.newSession(SessionOptions.builder().agentId("a").build(),
          new RecordingListener());
      CompletableFuture<?> open = session.connect();
      assertFalse(open.isDone());
      Thread minter = new Thread(() -> minted.complete("wct_later"), "test-minter");
      minter.start();
      open.get(5, TimeUnit.SECONDS);
      assertEquals("wct_later", server.awaitConnection(WAIT).handshake().credential());
      minter.join(5_000);
      session.close();
    }
  }

  @Test
  void aFailedProviderStageFailsTheAttemptWithoutShowingItsMessage() throws Exception {
    try (AtomsClient client = AtomsClient.builder().baseUrl(server.uri()).scheduler(time, time)
        .credentialProvider(request -> CompletableFuture.failedFuture(
            new IllegalStateException("vault says sk_secret_value"))).build()) {
      RecordingListener listener = new RecordingListener();
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.newSession(
          SessionOptions.builder().agentId("a").build(), listener).connect()
          .get(5, TimeUnit.SECONDS));
      AtomsException failed = assertInstanceOf(AtomsException.class, e.getCause());
      assertFalse(failed.isRetryable());
      assertFalse(failed.getMessage().contains("sk_secret_value"), failed.getMessage());
      listener.awaitClosed(WAIT);
    }
    assertEquals(0, server.handshakes().size());
  }

  @Test
  void anApiKeyWithoutAnAgentIsRefusedBeforeConnecting() throws Exception {
    try (AtomsClient client = AtomsClient.builder().apiKey("sk_no_agent").baseUrl(server.uri())
        .scheduler(time, time).build()) {
      RecordingListener listener = new RecordingListener();
      AtomsSession session = client.newSession(SessionOptions.builder().build(), listener);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> session.connect().get(5, TimeUnit.SECONDS));
      AtomsException refused = assertInstanceOf(AtomsException.class, e.getCause());
      assertTrue(refused.getMessage().contains("agent id"), refused.getMessage());
      assertFalse(refused.isRetryable());
      listener.awaitClosed(WAIT);
    }
    assertEquals(0, server.handshakes().size(), "nothing reached the server");
  }

  @Test
  void connectOnAClosedSessionIsRefused() throws Exception {
    try (AtomsClient client = AtomsClient.builder().apiKey("sk_closed").baseUrl(server.uri())
        .scheduler(time, time).build()) {
      AtomsSession session = client.newSession(SessionOptions.builder().agentId("a").build(),
          new RecordingListener());
      session.connect().get(5, TimeUnit.SECONDS);
      session.close();
      assertEquals(SessionState.CLOSED, session.state());
      IllegalStateException e = assertThrows(IllegalStateException.class, session::connect);
      assertTrue(e.getMessage().contains("single-use"), e.getMessage());

      AtomsSession never = client.newSession(SessionOptions.builder().agentId("a").build(),
          new RecordingListener());
      never.close();
      assertThrows(IllegalStateException.class, never::connect);
    }
  }
}
