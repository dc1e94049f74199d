package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ScriptedClient;
import dev.atomsrealtime.testing.ScriptedTransports.Scripted;
import dev.atomsrealtime.tools.ClientTools;
import dev.atomsrealtime.tools.ToolDeclarationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session's client tools with scripted transports and virtual time: declarations answered by
 * {@code session.updated} or a tool error, across reconnects and the end of the session;
 * {@code function_call}s answered by the handlers on the connection that asked; and how the
 * {@code connect()} future ends when the session never opens.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionToolsTest {
  private static final Duration WAIT = ScriptedClient.WAIT;
  private static final long WAIT_MS = WAIT.toMillis();
  private static final ReconnectPolicy BACKOFF =
      ReconnectPolicy.exponentialBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0, 2);

  private final RecordingListener listener = new RecordingListener();
  private final ScriptedClient scripted = new ScriptedClient();

  @AfterEach
  void closeClient() {
    scripted.close();
  }

  private AtomsSession session(SessionOptions.Builder options) {
    return scripted.session(options, listener);
  }

  private static String updated(String... names) {
    StringBuilder b = new StringBuilder("{\"type\":\"session.updated\",\"tools\":[");
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "\"" : ",\"").append(names[i]).append('"');
    }
    return b.append("]}").toString();
  }

  private static String call(String callId, String name) {
    return "{\"type\":\"function_call\",\"call_id\":\"" + callId + "\",\"name\":\"" + name
        + "\",\"arguments\":{\"q\":\"x\"}}";
  }

  private static CompletableFuture<List<String>> declare(AtomsSession s, String name) {
    return s.declareTools(List.of(ToolDefinition.builder(name).build())).toCompletableFuture();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(ExecutionException.class, () -> f.get(WAIT_MS, TimeUnit.MILLISECONDS))
        .getCause();
  }

  @Test
  void aDeclarationMadeWhileOpenCompletesOnSessionUpdated() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    Scripted t = scripted.open(s, listener);
    CompletableFuture<List<String>> declared = declare(s, "lookup");
    assertEquals(List.of("session.update"), t.sentTypes());
    assertFalse(declared.isDone());
    t.receive(updated("lookup"));
    assertEquals(List.of("lookup"), declared.get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void aDeclarationHeldUntilOpenCompletesOnTheFirstSessionUpdated() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    CompletableFuture<List<String>> declared = declare(s, "lookup");
    scripted.open(s, listener).receive(updated("lookup", "other"));
    assertEquals(List.of("lookup", "other"), declared.get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void aRefusedDeclarationFailsWithTheServersCode() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    Scripted t = scripted.open(s, listener);
    CompletableFuture<List<String>> declared = declare(s, "lookup");
    t.receive("{\"type\":\"error\",\"code\":\"not_a_tool_error\",\"message\":\"other\"}");
    t.receive("{\"type\":\"error\",\"code\":\"invalid_tools\",\"message\":\"bad schema\"}");
    ToolDeclarationException e =
        assertInstanceOf(ToolDeclarationException.class, failure(declared));
    assertTrue(e.getMessage().contains("bad schema"), e.getMessage());
  }

  @Test
  void aDeclarationLostWithItsConnectionIsAnsweredOnceAfterTheReconnect() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted first = scripted.open(s, listener);
    CompletableFuture<List<String>> lost = declare(s, "lookup");
    first.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    scripted.time.advance(Duration.ofMillis(100));
    Scripted second = scripted.transports.next(WAIT);
    second.open(ScriptedClient.created("s2"));
    listener.awaitReconnected(1, WAIT);
    assertEquals(List.of("session.update"), second.sentTypes(), "declared again");
    second.receive(updated("lookup"));
    assertEquals(List.of("lookup"), lost.get(WAIT_MS, TimeUnit.MILLISECONDS));
    // The lost declaration is no longer waiting: the next answer goes to the next declaration.
    CompletableFuture<List<String>> next = declare(s, "search");
    second.receive(updated("search"));
    assertEquals(List.of("search"), next.get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void anUnansweredDeclarationFailsWhenTheSessionEnds() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    Scripted t = scripted.open(s, listener);
    CompletableFuture<List<String>> declared = declare(s, "lookup");
    t.closed(1000, "", true);
    listener.awaitClosed(WAIT);
    assertInstanceOf(IllegalStateException.class, failure(declared));
  }

  @Test
  void aFunctionCallIsAnsweredByItsHandlerOnTheConnectionThatAsked() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    Scripted t = scripted.open(s, listener);
    ClientTools tools = ClientTools.builder()
        .tool(ToolDefinition.builder("lookup").build(),
            (args, c) -> "found " + args.get("q").asText() + " for " + c.callId())
        .build();
    s.declareTools(tools);
    t.receive(updated("lookup"));
    t.receive(call("c1", "lookup"));
    t.awaitSent("function_call.result", WAIT);
    String result = t.sent().get(t.sent().size() - 1);
    assertTrue(result.contains("\"call_id\":\"c1\""), result);
    assertTrue(result.contains("found x for c1"), result);
  }

  @Test
  void aCallWhoseConnectionDropsIsInterruptedAndNeverAnswered() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted first = scripted.open(s, listener);
    s.declareTools(ClientTools.builder()
        .tool(ToolDefinition.builder("slow").build(), (args, c) -> {
          started.countDown();
          try {
            release.await(WAIT_MS, TimeUnit.MILLISECONDS);
            return "finished";
          } catch (InterruptedException e) {
            interrupted.countDown();
            return "interrupted";
          }
        })
        .build());
    first.receive(call("c1", "slow"));
    assertTrue(started.await(WAIT_MS, TimeUnit.MILLISECONDS));
    first.closed(1006, "", true);
    listener.awaitReconnecting(WAIT);
    assertTrue(interrupted.await(WAIT_MS, TimeUnit.MILLISECONDS), "its connection ended");
    scripted.time.advance(Duration.ofMillis(100));
    Scripted second = scripted.transports.next(WAIT);
    second.open(ScriptedClient.created("s2"));
    listener.awaitReconnected(1, WAIT);
    release.countDown();
    // A marker through the same context: anything the handler sent would be ahead of it.
    s.sendText("marker");
    assertEquals(List.of("session.update", "input_text.send"), second.sentTypes());
    second.receive("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"marker\"}");
    listener.awaitEvent(TranscriptEvent.class, WAIT);
    assertEquals(List.of("session.update", "input_text.send"), second.sentTypes(),
        "no result on the new connection");
    assertFalse(first.sentTypes().contains("function_call.result"));
  }

  @Test
  void agentAudioReachesAListenerThatWantsEvents() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    Scripted t = scripted.open(s, listener);
    t.receive("{\"type\":\"output_audio.delta\",\"audio\":\"AAAAAA==\"}");
    OutputAudioDeltaEvent delta = listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT);
    assertEquals(4, delta.audioCopy().length);
  }

  @Test
  void closingBeforeOpenCancelsTheConnectFuture() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    CompletableFuture<?> connected = s.connect();
    scripted.transports.next(WAIT);
    s.closeAsync().get(WAIT_MS, TimeUnit.MILLISECONDS);
    CancellationException e = assertThrows(CancellationException.class,
        () -> connected.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals("the session was closed before it opened", e.getMessage());
  }

  @Test
  void aRefusedConnectionFailsTheConnectFutureWithItsCause() throws Exception {
    AtomsSession s = session(SessionOptions.builder());
    CompletableFuture<?> connected = s.connect();
    Scripted t = scripted.transports.next(WAIT);
    t.closed(4401, "unauthorized", true);
    assertInstanceOf(AuthenticationException.class, failure(connected));
  }

  @Test
  void aReconnectTheSchedulerRefusesEndsTheSession() throws Exception {
    AtomsSession s = session(SessionOptions.builder().reconnectPolicy(BACKOFF));
    Scripted t = scripted.open(s, listener);
    scripted.time.shutdown();
    t.closed(1006, "", true);
    SessionEnd end = listener.awaitClosed(WAIT);
    assertInstanceOf(ConnectionException.class, end.cause());
    assertEquals(-1, end.closeCode());
    assertEquals(SessionState.CLOSED, s.state());
    assertTrue(listener.reconnectingCalls().isEmpty(), "never announced a reconnect");
  }
}
