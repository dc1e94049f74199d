package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.rest.ApiAuthenticationException;
import dev.atomsrealtime.rest.ApiBadRequestException;
import dev.atomsrealtime.rest.ApiException;
import dev.atomsrealtime.rest.ApiNotFoundException;
import dev.atomsrealtime.rest.ApiServerException;
import dev.atomsrealtime.rest.CallRegistration;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every REST error status maps to its exception, with the body kept and read leniently. */
class RestErrorsTest extends RestFixture {
  static final String KEY = "sk_test_rest_errors_9c41";

  @Override
  String key() {
    return KEY;
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, "{\"status\":false,\"errors\":[\"agent_id is required\"]}",
            ApiBadRequestException.class, List.of("agent_id is required"), false),
        Arguments.of(400, "{\"status\":false,\"errors\":[{\"message\":\"No credits left\"}]}",
            ApiBadRequestException.class, List.of("No credits left"), false),
        Arguments.of(401, "{\"message\":\"Unauthorized\"}",
            ApiAuthenticationException.class, List.of("Unauthorized"), false),
        Arguments.of(403, "{\"error\":{\"message\":\"Forbidden for this agent\"}}",
            ApiAuthenticationException.class, List.of("Forbidden for this agent"), false),
        Arguments.of(404, "{\"detail\":\"Agent not found\"}",
            ApiNotFoundException.class, List.of("Agent not found"), false),
        Arguments.of(500, "<html>upstream crashed</html>",
            ApiServerException.class, List.of(), true),
        Arguments.of(503, "", ApiServerException.class, List.of(), true),
        Arguments.of(429, "{\"status\":false,\"errors\":[\"Too many requests\"]}",
            ApiException.class, List.of("Too many requests"), false));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("statuses")
  void anErrorStatusMapsToItsExceptionWithTheBodyKept(int status, String body,
      Class<? extends ApiException> type, List<String> errors, boolean retryable) {
    server.failNextRestCalls(status, body);
    ApiException sync = assertThrows(ApiException.class,
        () -> client.rest().registerCall(CallRegistration.builder("agent-1").build()));
    assertEquals(type, sync.getClass());
    assertEquals(status, sync.statusCode());
    assertEquals(body, sync.responseBody());
    assertEquals(errors, sync.errors());
    assertEquals(retryable, sync.isRetryable());
    assertTrue(sync.getMessage().contains("HTTP " + status), sync.getMessage());
    assertFalse(sync.getMessage().contains(KEY));

    CompletionException async = assertThrows(CompletionException.class,
        () -> client.rest().callLogAsync("CALL-1-abcdef").toCompletableFuture().join());
    ApiException cause = assertInstanceOf(type, async.getCause());
    assertEquals(body, cause.responseBody());
  }

  @Test
  void theServersOwnRefusalsMapToo() {
    ApiNotFoundException unknownAgent = assertThrows(ApiNotFoundException.class,
        () -> client.rest().registerCall(CallRegistration.builder("agent-2").build()));
    assertEquals(List.of("Agent not found"), unknownAgent.errors());
    try (AtomsClient wrongKey = AtomsClient.builder().apiKey("sk_wrong").baseUrl(server.uri())
        .restBaseUrl(server.restUri()).scheduler(time, time).build()) {
      ApiAuthenticationException refused = assertThrows(ApiAuthenticationException.class,
          () -> wrongKey.rest().registerCall(CallRegistration.builder("agent-1").build()));
      assertEquals(401, refused.statusCode());
      assertTrue(refused.responseBody().contains("Invalid or missing API key"));
    }
  }

  @Test
  void aBodyEchoingTheKeyIsScrubbedBeforeItIsKept() {
    server.failNextRestCalls(400, "{\"errors\":[\"bad key " + KEY + "\"]}");
    ApiBadRequestException e = assertThrows(ApiBadRequestException.class,
        () -> client.rest().registerCall(CallRegistration.builder("agent-1").build()));
    assertFalse(e.responseBody().contains(KEY), e.responseBody());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertFalse(String.join(" ", e.errors()).contains(KEY));
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndOneThatIsGoneFailsToConnect() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomsClient slow = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri())
            .restBaseUrl(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
            .restTimeout(Duration.ofMillis(300)).scheduler(time, time).build()) {
      Thread accepter = new Thread(() -> {
        try (Socket held = silent.accept()) {
          held.getInputStream().read(); // holds the connection open, answers nothing
        } catch (Exception e) {
          // closed at the end of the test
        }
      }, "test-silent-server");
      accepter.setDaemon(true);
      accepter.start();
      AtomsTimeoutException timeout = assertThrows(AtomsTimeoutException.class,
          () -> slow.rest().callLog("CALL-1-abcdef"));
      assertTrue(timeout.getMessage().contains("300 ms"), timeout.getMessage());
      silent.close();
      accepter.join(5_000);
    }
    int freePort;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      freePort = s.getLocalPort();
    }
    try (AtomsClient gone = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri())
        .restBaseUrl(URI.create("http://127.0.0.1:" + freePort)).scheduler(time, time).build()) {
      ConnectionException refused = assertThrows(ConnectionException.class,
          () -> gone.rest().callLog("CALL-1-abcdef"));
      assertTrue(refused.isRetryable());
    }
  }

  @Test
  void restCallsNeedAnApiKey() {
    try (AtomsClient tokensOnly = AtomsClient.builder().credentials(() -> "wct_x")
        .baseUrl(server.uri()).scheduler(time, time).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, tokensOnly::rest);
      assertTrue(e.getMessage().contains("apiKey"), e.getMessage());
    }
  }
}
