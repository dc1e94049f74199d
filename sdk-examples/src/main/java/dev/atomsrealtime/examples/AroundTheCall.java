package dev.atomsrealtime.examples;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.rest.CallLog;
import dev.atomsrealtime.rest.CallRegistration;
import dev.atomsrealtime.rest.CallToken;
import dev.atomsrealtime.tools.ClientTools;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The README's examples of what happens around a call: client tools with handlers, call tokens,
 * credentials with context, call logs. Each region between {@code readme:NAME} markers is a README
 * block verbatim (checked by a test, which also runs each against the fake server). Builders are
 * passed in so that the test can point them at a {@code FakeAtomsServer}; in an application they
 * are {@code AtomsClient.builder()}.
 */
public final class AroundTheCall {
  private AroundTheCall() {}

  // readme:tools:begin
  /** The arguments of {@code lookup_order}, bound from the call's JSON object. */
  public record OrderQuery(String orderId) {}

  /** Declares {@code lookup_order}; the session answers every call to it from now on. */
  public static CompletionStage<List<String>> declareTools(AtomsSession session,
      Map<String, String> orderStatus) {
    ClientTools tools = ClientTools.builder()
        .tool(ToolDefinition.builder("lookup_order")
                .description("Look up the status of an order by its id.")
                .parametersJson("{\"type\":\"object\",\"properties\":"
                    + "{\"orderId\":{\"type\":\"string\"}},\"required\":[\"orderId\"]}")
                .timeoutMillis(5_000) // the answer goes out within 4.5 s, or an error does
                .build(),
            OrderQuery.class,
            (query, call) -> Map.of(
                "orderId", query.orderId(),
                "status", orderStatus.getOrDefault(query.orderId(), "unknown")))
        .build();
    return session.declareTools(tools); // completes when the server acknowledges them
  }
  // readme:tools:end

  // readme:tokens:begin
  /** On your backend: a single-use call token for a browser or phone; the key stays here. */
  public static CallToken tokenForAFrontEnd(AtomsClient client, String agentId) {
    return client.rest().registerCall(CallRegistration.builder(agentId)
        .mode(Mode.WEBCALL)
        .variable("customer_name", "Ada")
        .build()); // token.token() opens one session within token.expiresIn() (30 s)
  }

  /** Every connection attempt, reconnects included, connects with a freshly minted token. */
  public static AtomsClient mintingClient(AtomsClient.Builder builder, String apiKey) {
    return builder.apiKey(apiKey).callTokenPerAttempt().build();
  }

  /** Your own token service, told which agent, which attempt and why. */
  public static AtomsClient clientWithContext(AtomsClient.Builder builder,
      Function<String, CompletableFuture<String>> mintForAgent) {
    return builder.credentialProvider(request -> {
      // request.attempt(): 1, 2, ...; request.reason(): FIRST_CONNECT or RECONNECT, after
      // request.cause(). Runs on the client's blocking pool; may answer later.
      return mintForAgent.apply(request.agentId());
    }).build();
  }
  // readme:tokens:end

  // readme:calllog:begin
  /** After a call: its log, once the service has finished processing it. */
  public static String describeCall(AtomsClient client, String callId) {
    CallLog log = client.rest().awaitCallLog(callId, Duration.ofMinutes(2))
        .toCompletableFuture().join();
    StringBuilder text = new StringBuilder(log.status() + ", " + log.durationSeconds()
        + " s, cost " + log.callCost() + "\n");
    for (CallLog.Turn turn : log.transcript()) {
      text.append(turn.role()).append(": ").append(turn.content()).append('\n');
    }
    if (log.latency() != null) {
      text.append("median latency ").append(log.latency().median()).append(" ms\n");
    }
    return text.toString(); // log.raw() keeps the fields this SDK does not name
  }
  // readme:calllog:end
}
