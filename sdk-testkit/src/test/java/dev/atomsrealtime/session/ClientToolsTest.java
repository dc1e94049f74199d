package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testkit.ServerBehavior;
import dev.atomsrealtime.tools.ClientTools;
import dev.atomsrealtime.tools.ToolDeclarationException;
import dev.atomsrealtime.tools.ToolHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client tools with handlers against the fake server: each outcome is checked on the frames the
 * server received. Deadlines run on virtual time.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class ClientToolsTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final ObjectMapper JSON = new ObjectMapper();

  /** The arguments of {@code lookup_order}. */
  record Order(String orderId, int quantity) {}

  final ManualScheduler time = new ManualScheduler();
  /** Runs handlers and counts down {@link #handlerDone} after each has returned and answered. */
  final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-tool-handler");
    t.setDaemon(true);
    return t;
  });
  volatile CountDownLatch handlerDone = new CountDownLatch(1);
  FakeAtomsServer server;
  AtomsClient client;
  AtomsSession session;
  FakeConnection connection;

  @BeforeEach
  void start() throws Exception {
    server = FakeAtomsServer.builder().behavior(new ServerBehavior() {
      @Override
      public boolean onClientEvent(FakeConnection c, dev.atomsrealtime.event.ClientEvent event) {
        // A tool described "refuse:<code>" is refused with that code, as the server would.
        if (event instanceof SessionUpdateEvent update
            && update.tools().get(0).description().startsWith("refuse:")) {
          c.send(new ErrorEvent(update.tools().get(0).description().substring(7), "refused"));
          return true;
        }
        return false;
      }
    }).build().start();
    client = AtomsClient.builder().apiKey("sk_tools").baseUrl(server.uri()).scheduler(time, time)
        .build();
    session = client.newSession(SessionOptions.builder().agentId("agent-1").build(),
        new RecordingListener());
    session.connect().get(5, TimeUnit.SECONDS);
    connection = server.awaitConnection(WAIT);
  }

  @AfterEach
  void stop() throws Exception {
    session.close();
    client.close();
    server.close();
    handlers.shutdownNow();
    assertTrue(handlers.awaitTermination(5, TimeUnit.SECONDS));
    time.assertNoPendingTasks();
  }

  private static ToolDefinition tool(String name, int timeoutMillis) {
    return ToolDefinition.builder(name).description("a test tool")
        .parametersJson("{\"type\":\"object\"}").timeoutMillis(timeoutMillis).build();
  }

  private ClientTools.Builder onTestExecutor() {
    return ClientTools.builder().executor(task -> handlers.execute(() -> {
      task.run();
      handlerDone.countDown();
    }));
  }

  private List<String> declare(ClientTools tools) throws Exception {
    CompletableFuture<List<String>> declared = session.declareTools(tools).toCompletableFuture();
    connection.awaitReceived(SessionUpdateEvent.class, WAIT);
    return declared.get(5, TimeUnit.SECONDS);
  }

  private FunctionCallResultEvent call(String callId, String name, String argumentsJson) {
    connection.send(new FunctionCallEvent(callId, name, argumentsJson));
    return connection.awaitReceived(FunctionCallResultEvent.class, WAIT);
  }

  /** Everything the client sent before a marker sent now has reached the server. */
  private List<FunctionCallResultEvent> resultsSoFar() {
    session.sendText("marker");
    connection.awaitReceived(InputTextSendEvent.class, WAIT);
    return connection.received(FunctionCallResultEvent.class);
  }

  private static JsonNode error(FunctionCallResultEvent result) throws Exception {
    return JSON.readTree(result.output()).get("error");
  }

  @Test
  void aHandlerGetsBoundArgumentsOffTheSocketThreadAndItsResultIsSent() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    ClientTools tools = ClientTools.builder()
        .tool(tool("lookup_order", 5_000), Order.class, (order, call) -> {
          thread.set(Thread.currentThread().getName());
          return Map.of("order", order.orderId(), "items", order.quantity(), "call", call.callId());
        })
        .tool(tool("echo", 5_000), (args, call) -> "raw " + args.get("text").asText())
        .build();
    assertEquals(List.of("lookup_order", "echo"), declare(tools));

    FunctionCallResultEvent result = call("c1", "lookup_order",
        "{\"orderId\":\"ORD-7\",\"quantity\":2,\"unknownField\":true}");
    assertEquals("c1", result.callId());
    assertEquals(JSON.readTree("{\"order\":\"ORD-7\",\"items\":2,\"call\":\"c1\"}"),
        JSON.readTree(result.output()));
    assertTrue(thread.get().startsWith("atoms-blocking-"), thread.get());

    FunctionCallResultEvent echoed = call("c2", "echo", "{\"text\":\"hi\"}");
    assertEquals(new FunctionCallResultEvent("c2", "raw hi"), echoed);
  }

  @Test
  void aHandlerThatThrowsAMissingHandlerAndBadArgumentsGetErrorOutputs() throws Exception {
    declare(ClientTools.builder()
        .tool(tool("fails", 5_000), (args, call) -> {
          throw new IllegalStateException("inventory offline");
        })
        .tool(tool("typed", 5_000), Order.class, (order, call) -> "never")
        .build());

    JsonNode failed = error(call("c1", "fails", "{}"));
    assertEquals("handler_failed", failed.get("type").asText());
    assertEquals("fails", failed.get("tool").asText());
    assertEquals("IllegalStateException: inventory offline", failed.get("message").asText());

    JsonNode missing = error(call("c2", "dashboard_tool", "{}"));
    assertEquals("unknown_tool", missing.get("type").asText());
    assertEquals("dashboard_tool", missing.get("tool").asText());

    JsonNode badArgs = error(call("c3", "typed", "{\"quantity\":\"lots\"}"));
    assertEquals("invalid_arguments", badArgs.get("type").asText());
    assertTrue(badArgs.get("message").asText().contains("Order"), badArgs.toString());
  }

  /**
   * A handler that counts down {@code started}, then waits (10 s at most) until interrupted,
   * counts down {@code interrupted} and returns a result all the same.
   */
  private static ToolHandler<JsonNode> waitsForInterrupt(CountDownLatch started,
      CountDownLatch interrupted) {
    return (args, call) -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return "not interrupted";
      } catch (InterruptedException e) {
        interrupted.countDown();
        return "interrupted, too late";
      }
    };
  }

  @Test
  void aSlowHandlerTimesOutBeforeTheToolsTimeoutAndIsInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    declare(onTestExecutor().tool(tool("slow", 2_000), waitsForInterrupt(started, interrupted))
        .build());
    connection.send(new FunctionCallEvent("c1", "slow", "{}"));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    time.forwardTime(Duration.ofMillis(1_499));
    assertTrue(resultsSoFar().isEmpty(), "nothing before the deadline");
    time.forwardTime(Duration.ofMillis(1)); // 2000 ms less the 500 ms margin
    FunctionCallResultEvent result = connection.awaitReceived(FunctionCallResultEvent.class, WAIT);
    JsonNode timeout = error(result);
    assertEquals("timeout", timeout.get("type").asText());
    assertEquals("no result within 1500 ms", timeout.get("message").asText());
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the handler was interrupted");
    assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
    assertEquals(1, resultsSoFar().size(), "the late result is never sent");
  }

  @Test
  void anOversizedOutputIsRefusedAndNeverSent() throws Exception {
    String huge = "x".repeat(FunctionCallResultEvent.MAX_OUTPUT_BYTES + 1);
    declare(ClientTools.builder().tool(tool("huge", 5_000), (args, call) -> huge).build());
    JsonNode tooLarge = error(call("c1", "huge", "{}"));
    assertEquals("output_too_large", tooLarge.get("type").asText());
    assertTrue(tooLarge.get("message").asText().contains("65537"), tooLarge.toString());
    assertTrue(resultsSoFar().stream().allMatch(r -> r.output().length() < 1_000));
  }

  @Test
  void aToolThatExpectsNoResponseRunsAndSendsNothing() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    declare(onTestExecutor().tool(ToolDefinition.builder("notify").expectsResponse(false).build(),
        (args, call) -> {
          ran.countDown();
          return "ignored";
        }).build());
    connection.send(new FunctionCallEvent("c1", "notify", "{}"));
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
    assertEquals(List.of(), resultsSoFar());
  }

  @Test
  void handlersStillRunningWhenTheSessionEndsAreInterruptedAndNothingIsSent() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch interrupted = new CountDownLatch(2);
    declare(onTestExecutor().tool(tool("long", 60_000), waitsForInterrupt(started, interrupted))
        .build());
    handlerDone = new CountDownLatch(2);
    connection.send(new FunctionCallEvent("c1", "long", "{}"));
    connection.send(new FunctionCallEvent("c2", "long", "{}"));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    session.close();
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "both handlers were interrupted");
    assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
    connection.awaitClosed(WAIT);
    assertEquals(List.of(), connection.received(FunctionCallResultEvent.class));
  }

  @Test
  void afterAReconnectToolsAreDeclaredAgainAndOnlyTheNewConnectionsCallsAreAnswered()
      throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomsSession reconnecting = client.newSession(SessionOptions.builder().agentId("agent-1")
        .reconnectPolicy(ExponentialBackoff.builder().initialDelay(Duration.ofMillis(100))
            .maxAttempts(2).build()).build(), listener);
    reconnecting.connect().get(5, TimeUnit.SECONDS);
    FakeConnection first = server.awaitConnection(WAIT);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ClientTools tools = ClientTools.builder()
        .tool(tool("slow", 60_000), waitsForInterrupt(started, interrupted))
        .tool(tool("quick", 5_000), (args, call) -> "quick answer")
        .build();
    CompletableFuture<List<String>> declared = reconnecting.declareTools(tools)
        .toCompletableFuture();
    assertEquals(List.of("slow", "quick"), declared.get(5, TimeUnit.SECONDS));
    first.send(new FunctionCallEvent("old-1", "slow", "{}"));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    first.drop();
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the old connection's call was abandoned");
    time.forwardTime(listener.awaitReconnecting(WAIT).delay());
    FakeConnection second = server.awaitConnection(WAIT);
    listener.awaitReconnected(1, WAIT);
    assertEquals(tools.definitions(),
        second.awaitReceived(SessionUpdateEvent.class, WAIT).tools());
    second.send(new FunctionCallEvent("new-1", "quick", "{}"));
    assertEquals(new FunctionCallResultEvent("new-1", "quick answer"),
        second.awaitReceived(FunctionCallResultEvent.class, WAIT));
    assertEquals(List.of(), first.received(FunctionCallResultEvent.class));
    reconnecting.close();
    assertEquals(1, second.received(FunctionCallResultEvent.class).size());
  }

  @Test
  void aRefusedDeclarationFailsWithTheServersCode() throws Exception {
    for (String code : List.of("invalid_tools", "tool_name_conflict",
        "client_tools_managed_by_config", "too_many_updates")) {
      CompletableFuture<List<String>> declared = session.declareTools(List.of(
          ToolDefinition.builder("t_" + code.length()).description("refuse:" + code).build()))
          .toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> declared.get(5, TimeUnit.SECONDS));
      ToolDeclarationException refused =
          assertInstanceOf(ToolDeclarationException.class, e.getCause());
      assertEquals(code, refused.code());
      assertFalse(refused.isRetryable());
    }
    // The next declaration is answered on its own.
    assertEquals(List.of("fine"), session.declareTools(List.of(
        ToolDefinition.builder("fine").build())).toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aSchemaThatIsNotAJsonObjectFailsWhenTheToolIsBuilt() {
    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
        () -> ToolDefinition.builder("t").parametersJson("{not json}").build());
    assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ToolDefinition.builder("t").parametersJson("[1, 2]").build());
  }
}
