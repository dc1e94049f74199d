package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.SessionCreatedEvent;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class ServerLifecycleTest {
  private static final Duration WAIT = TestClient.WAIT;

  private final List<TestClient> clients = new ArrayList<>();
  private FakeAtomsServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (TestClient client : clients) {
      client.closeBlocking();
    }
    if (server != null) {
      server.close();
    }
    ThreadLeaks.assertNoneAlive();
  }

  private TestClient open() throws InterruptedException {
    TestClient client = TestClient.open(server.connectUri(""), "sk_any");
    clients.add(client);
    return client;
  }

  @Test
  void closeEndsConnectionsWith1001AndStopsEveryThread() throws Exception {
    CountDownLatch callbacks = new CountDownLatch(2);
    server =
        FakeAtomsServer.builder()
            .behavior(
                new ServerBehavior() {
                  @Override
                  public void onSessionCreated(FakeConnection connection) {
                    callbacks.countDown();
                  }
                })
            .build()
            .start();
    TestClient first = open();
    TestClient second = open();
    first.next(SessionCreatedEvent.class);
    second.next(SessionCreatedEvent.class);
    assertTrue(callbacks.await(5, SECONDS));
    FakeConnection connection = server.awaitConnection(WAIT);
    assertTrue(
        ThreadLeaks.matching().stream().anyMatch(t -> t.getName().startsWith("atoms-fakeserver-")));
    assertTrue(
        ThreadLeaks.matching().stream()
            .anyMatch(t -> t.getName().startsWith("WebSocketSelector-")));

    server.close();

    assertEquals(1001, first.awaitClose().code());
    assertEquals(1001, second.awaitClose().code());
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(1001, record.code());
    assertFalse(record.remote());
    // close() waited for the clients' answers before it returned.
    assertEquals(1001, record.clientCloseCode());
    // Our own threads and the server's are gone as soon as close() returns.
    assertEquals(
        List.of(),
        ThreadLeaks.matching().stream()
            .map(Thread::getName)
            .filter(
                n ->
                    n.startsWith("atoms-fakeserver-")
                        || n.startsWith("WebSocketSelector-")
                        || n.startsWith("WebSocketWorker-"))
            .toList());
    server.close(); // idempotent
  }

  @Test
  void closeIsBoundedWhenABehaviorNeverReturns() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    server =
        FakeAtomsServer.builder()
            .closeTimeout(Duration.ofMillis(500))
            .behavior(
                new ServerBehavior() {
                  @Override
                  public void onConnected(FakeConnection connection) {
                    entered.countDown();
                    try {
                      never.await();
                    } catch (InterruptedException e) {
                      interrupted.countDown();
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build()
            .start();
    open();
    assertTrue(entered.await(5, SECONDS));

    // Returns although the callback never would: at the close timeout the server interrupts it
    // (the test's timeout catches a close that hangs; no thread may be left, see tearDown).
    server.close();
    assertTrue(interrupted.await(5, SECONDS), "the stuck callback was interrupted");
  }

  @Test
  void startTwiceOrAfterCloseIsMisuse() {
    server = FakeAtomsServer.builder().build().start();
    assertThrows(IllegalStateException.class, server::start);
    server.close();
    assertThrows(IllegalStateException.class, server::start);
  }

  @Test
  void closeWithoutStartIsFine() {
    FakeAtomsServer server = FakeAtomsServer.builder().build();
    server.close();
    server.close(); // idempotent
    assertThrows(IllegalStateException.class, server::port, "it never listened");
    assertThrows(IllegalStateException.class, server::start, "a closed server cannot start");
    assertFalse(ThreadLeaks.matching().stream()
        .anyMatch(t -> t.getName().startsWith("atoms-fakeserver-")), "no thread was left");
  }

  @Test
  void portsAreEphemeralAndDistinct() {
    server = FakeAtomsServer.builder().build().start();
    try (FakeAtomsServer other = FakeAtomsServer.builder().build().start()) {
      assertTrue(server.port() > 0);
      assertTrue(other.port() != server.port());
      assertEquals("ws://127.0.0.1:" + other.port(), other.uri().toString());
    }
  }

  /** The JDK's WebSocket client exposes both the status and the body of a refusal. */
  @Test
  void javaNetHttpClientSeesRefusalStatusAndBody() {
    server = FakeAtomsServer.builder().build().start();
    server.refuseNextHandshakes(400, "{\"errors\":[\"Invalid agent id\"]}");
    HttpClient http = HttpClient.newHttpClient();
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                http.newWebSocketBuilder()
                    .header("Authorization", "Bearer sk_x")
                    .buildAsync(server.connectUri(""), new WebSocket.Listener() {})
                    .join());
    WebSocketHandshakeException refusal =
        assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(400, refusal.getResponse().statusCode());
    assertEquals("{\"errors\":[\"Invalid agent id\"]}", refusal.getResponse().body());
  }
}
