package dev.atomsrealtime.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.rest.CallToken;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's sections on tools, call tokens and call logs: verbatim, and working. */
@ExtendWith(ThreadLeakExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AroundTheCallTest {
  static final String KEY = "sk_readme_examples";
  static final Duration WAIT = Duration.ofSeconds(5);

  FakeAtomsServer server;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).agentId("agent-123")
        .behavior(SimulatedAgent.builder().greeting("Hello!").build()).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  AtomsClient.Builder builder() {
    return AtomsClient.builder().baseUrl(server.uri()).restBaseUrl(server.restUri());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tools", "tokens", "calllog"})
  void theReadmeBlockIsTheExampleRegionVerbatim(String name) throws Exception {
    ReadmeBlocks.assertVerbatim(name, "AroundTheCall.java");
  }

  @Test
  void theToolsExampleAnswersLookupOrder() throws Exception {
    try (AtomsClient client = builder().apiKey(KEY).build()) {
      AtomsSession session = client.newSession(
          SessionOptions.builder().agentId("agent-123").build(), new SessionListener() { });
      session.connect().get(5, TimeUnit.SECONDS);
      FakeConnection connection = server.awaitConnection(WAIT);
      assertEquals(List.of("lookup_order"), AroundTheCall.declareTools(session,
          Map.of("ORD-7", "shipped")).toCompletableFuture().get(5, TimeUnit.SECONDS));
      connection.send(new FunctionCallEvent("call-1", "lookup_order", "{\"orderId\":\"ORD-7\"}"));
      FunctionCallResultEvent result =
          connection.awaitReceived(FunctionCallResultEvent.class, WAIT);
      assertEquals("call-1", result.callId());
      assertEquals(new ObjectMapper().readTree("{\"orderId\":\"ORD-7\",\"status\":\"shipped\"}"),
          new ObjectMapper().readTree(result.output()));
      session.close();
    }
  }

  @Test
  void theTokenExamplesMintAndConnectWithCallTokens() throws Exception {
    try (AtomsClient backend = builder().apiKey(KEY).build()) {
      CallToken token = AroundTheCall.tokenForAFrontEnd(backend, "agent-123");
      assertTrue(token.token().startsWith("wct_"));
      try (AtomsClient viaContext = AroundTheCall.clientWithContext(builder(),
          agent -> CompletableFuture.completedFuture(token.token()))) {
        AtomsSession session = viaContext.newSession(
            SessionOptions.builder().agentId("agent-123").build(), new SessionListener() { });
        session.connect().get(5, TimeUnit.SECONDS);
        assertTrue(server.awaitConnection(WAIT).openedWithMintedToken());
        session.close();
      }
    }
    try (AtomsClient minting = AroundTheCall.mintingClient(builder(), KEY)) {
      AtomsSession a = minting.newSession(SessionOptions.builder().agentId("agent-123").build(),
          new SessionListener() { });
      a.connect().get(5, TimeUnit.SECONDS);
      FakeConnection connection = server.awaitConnection(WAIT);
      assertTrue(connection.openedWithMintedToken());
      assertNotEquals(KEY, connection.handshake().credential());
      a.close();
    }
  }

  @Test
  void theCallLogExampleDescribesAFinishedCall() throws Exception {
    try (AtomsClient client = builder().apiKey(KEY).build()) {
      String callId = FinishedCalls.chatUntilGreeted(client, "agent-123");
      String described = AroundTheCall.describeCall(client, callId);
      assertTrue(described.startsWith("completed, "), described);
      assertTrue(described.contains("agent: Hello!\n"), described);
    }
  }
}
