package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.testkit.HandshakeRecord.CredentialSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class FakeAtomsServerHandshakeTest {
  private static final String KEY = "sk_test_123";
  private static final String PATH = FakeAtomsServer.CONNECT_PATH;
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

  private FakeAtomsServer start(FakeAtomsServer.Builder builder) {
    server = builder.build().start();
    return server;
  }

  private TestClient connect(URI uri, String bearer) throws InterruptedException {
    TestClient client = TestClient.connect(uri, bearer);
    clients.add(client);
    return client;
  }

  @Test
  void acceptsBearerHeaderAndAnnouncesRequestedRate() throws Exception {
    start(FakeAtomsServer.builder().credential(KEY).agentId("agent-1"));
    TestClient client = connect(server.connectUri("agent_id=agent-1&sample_rate=16000"), KEY);
    assertTrue(client.isOpen());

    SessionCreatedEvent created = client.next(SessionCreatedEvent.class);
    assertEquals(16_000, created.sampleRateHz());
    assertEquals(1, created.channels());
    assertTrue(created.callId().matches("CALL-\\d+-[0-9a-f]{6}"), created.callId());
    assertFalse(created.sessionId().isEmpty());

    FakeConnection connection = server.awaitConnection(WAIT);
    assertEquals(created, connection.sessionCreated());
    assertEquals(16_000, connection.sampleRateHz());
    HandshakeRecord handshake = connection.handshake();
    assertTrue(handshake.accepted());
    assertEquals(101, handshake.httpStatus());
    assertEquals(PATH, handshake.path());
    assertEquals(CredentialSource.HEADER, handshake.credentialSource());
    assertEquals(KEY, handshake.credential());
    assertEquals("Bearer " + KEY, handshake.header("authorization"));
    assertEquals("agent-1", handshake.queryParameter("agent_id"));
    assertEquals(List.of(handshake), server.handshakes());
    assertEquals(1, server.connectionCount());
    assertFalse(handshake.toString().contains(KEY), handshake.toString());
  }

  @Test
  void acceptsQueryTokenAndDecodesParameters() throws Exception {
    start(FakeAtomsServer.builder().credential(KEY));
    String variables = "{\"name\":\"Ada Lovelace\",\"vip\":true}";
    String query =
        "token="
            + KEY
            + "&mode=chat&variables="
            + URLEncoder.encode(variables, StandardCharsets.UTF_8);
    TestClient client = connect(server.connectUri(query), null);
    assertTrue(client.isOpen());
    assertEquals(24_000, client.next(SessionCreatedEvent.class).sampleRateHz());

    HandshakeRecord handshake = server.awaitConnection(WAIT).handshake();
    assertEquals(CredentialSource.QUERY, handshake.credentialSource());
    assertEquals(KEY, handshake.credential());
    assertEquals(variables, handshake.queryParameter("variables"));
    assertEquals("chat", handshake.queryParameter("mode"));
    assertEquals(query, handshake.rawQuery());
    String printed = handshake.toString();
    assertFalse(printed.contains(KEY), printed);
    assertTrue(printed.contains("token=<redacted>"), printed);
  }

  @Test
  void configuredRateOverridesTheRequestedOne() throws Exception {
    start(FakeAtomsServer.builder().sampleRateHz(16_000));
    TestClient client = connect(server.connectUri("sample_rate=48000"), "sk_any");
    assertEquals(16_000, client.next(SessionCreatedEvent.class).sampleRateHz());
  }

  @Test
  void callTokenIgnoresAgentModeAndRate() throws Exception {
    start(FakeAtomsServer.builder().agentId("agent-1"));
    TestClient client = connect(server.connectUri("agent_id=other&sample_rate=123"), "wct_abc");
    assertTrue(client.isOpen());
    assertEquals(24_000, client.next(SessionCreatedEvent.class).sampleRateHz());
  }

  @Test
  void refusesWrongCredentialWith401AndJsonBody() throws Exception {
    start(FakeAtomsServer.builder().credential(KEY));
    RawHttp.Response response =
        RawHttp.upgrade(server.port(), PATH, Map.of("Authorization", "Bearer sk_wrong"));
    assertEquals(401, response.status());
    assertEquals("HTTP/1.1 401 Unauthorized", response.statusLine());
    assertEquals("application/json", response.headers().get("Content-Type"));
    assertEquals("{\"status\":false,\"errors\":[\"Invalid credential\"]}", response.body());

    HandshakeRecord record = server.handshakes().get(0);
    assertFalse(record.accepted());
    assertEquals(401, record.httpStatus());
    assertEquals(response.body(), record.responseBody());
    assertFalse(record.toString().contains("sk_wrong"), record.toString());
    assertEquals(0, server.connectionCount());
  }

  @Test
  void refusesMissingCredentialWith401() throws Exception {
    start(FakeAtomsServer.builder());
    assertEquals(401, RawHttp.upgrade(server.port(), PATH, Map.of()).status());
    assertEquals(CredentialSource.NONE, server.handshakes().get(0).credentialSource());
  }

  @Test
  void refusesWrongAgentWith401() throws Exception {
    start(FakeAtomsServer.builder().agentId("agent-1"));
    RawHttp.Response response =
        RawHttp.upgrade(server.port(), PATH + "?agent_id=agent-2", bearer(KEY));
    assertEquals(401, response.status());
    assertTrue(response.body().startsWith("{\"status\":false,\"errors\":["), response.body());
  }

  @Test
  void refusesUnknownPathWith404() throws Exception {
    start(FakeAtomsServer.builder());
    RawHttp.Response response = RawHttp.upgrade(server.port(), "/atoms/v1/other", bearer(KEY));
    assertEquals(404, response.status());
    assertEquals("/atoms/v1/other", server.handshakes().get(0).path());
  }

  @Test
  void refusesHeaderAndQueryCredentialTogetherWith400() throws Exception {
    start(FakeAtomsServer.builder());
    RawHttp.Response response = RawHttp.upgrade(server.port(), PATH + "?token=" + KEY, bearer(KEY));
    assertEquals(400, response.status());
    assertTrue(response.body().contains("not both"), response.body());
    HandshakeRecord record = server.handshakes().get(0);
    assertEquals(CredentialSource.BOTH, record.credentialSource());
    assertFalse(record.toString().contains(KEY), record.toString());
  }

  @Test
  void refusesBadQueryValuesWith400() throws Exception {
    start(FakeAtomsServer.builder());
    for (String query :
        List.of(
            "sample_rate=44100",
            "sample_rate=fast",
            "mode=video",
            "variables=%5B1%2C2%5D",
            "variables=not-json",
            "agent_id=%zz")) {
      RawHttp.Response response = RawHttp.upgrade(server.port(), PATH + "?" + query, bearer(KEY));
      assertEquals(400, response.status(), query);
      assertTrue(response.body().contains("\"errors\""), response.body());
    }
    assertEquals(6, server.handshakes().size());
    assertEquals(0, server.connectionCount());
  }

  @Test
  void scriptedRefusalSendsTheGivenStatusAndBodyUntilCleared() throws Exception {
    start(FakeAtomsServer.builder());
    server.refuseNextHandshakes(503, "{\"status\":false,\"errors\":[\"draining\"]}");
    for (int i = 0; i < 2; i++) {
      RawHttp.Response response = RawHttp.upgrade(server.port(), PATH, bearer(KEY));
      assertEquals(503, response.status());
      assertEquals("HTTP/1.1 503 Service Unavailable", response.statusLine());
      assertEquals("{\"status\":false,\"errors\":[\"draining\"]}", response.body());
    }
    server.acceptHandshakes();
    TestClient client = connect(server.connectUri(""), KEY);
    assertTrue(client.isOpen());
    assertEquals(3, server.handshakes().size());
    assertEquals(1, server.connectionCount());
  }

  @Test
  void invalidAgentIdRefusalIsReadableOverRawHttp() throws Exception {
    start(FakeAtomsServer.builder());
    server.refuseNextHandshakes(400, "{\"errors\":[\"Invalid agent id\"]}");
    RawHttp.Response response = RawHttp.upgrade(server.port(), PATH, bearer(KEY));
    assertEquals(400, response.status());
    assertEquals("{\"errors\":[\"Invalid agent id\"]}", response.body());
    assertEquals(
        String.valueOf(response.body().length()), response.headers().get("Content-Length"));
  }

  /**
   * Documents what a stock Java-WebSocket client can see of a refusal: the status line, in the
   * close reason of a 1002 close, but never the body.
   */
  @Test
  void javaWebSocketClientSeesTheStatusLineOnly() throws Exception {
    start(FakeAtomsServer.builder());
    server.refuseNextHandshakes(400, "{\"errors\":[\"Invalid agent id\"]}");
    TestClient client = connect(server.connectUri(""), KEY);
    assertFalse(client.isOpen());
    TestClient.Close close = client.awaitClose();
    assertEquals(1002, close.code());
    assertTrue(close.reason().contains("HTTP/1.1 400 Bad Request"), close.reason());
    assertFalse(close.reason().contains("Invalid agent id"), close.reason());
    assertNull(client.frames.poll());
  }

  @Test
  void refusalsDoNotCountAsConnections() throws Exception {
    start(FakeAtomsServer.builder().credential(KEY));
    connect(server.connectUri(""), "sk_wrong").awaitClose();
    TestClient good = connect(server.connectUri(""), KEY);
    assertTrue(good.isOpen());
    assertEquals(1, server.awaitConnection(WAIT).id());
    assertThrows(AwaitTimeoutException.class, () -> server.awaitConnection(Duration.ofMillis(50)));
    assertEquals(1, server.connectionCount());
  }

  @Test
  void portBeforeStartIsMisuse() {
    server = FakeAtomsServer.builder().build();
    assertThrows(IllegalStateException.class, server::port);
  }

  private static Map<String, String> bearer(String credential) {
    return Map.of("Authorization", "Bearer " + credential);
  }
}
