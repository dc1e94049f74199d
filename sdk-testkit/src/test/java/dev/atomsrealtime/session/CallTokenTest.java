package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.CredentialRequest;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.rest.CallRegistration;
import dev.atomsrealtime.rest.CallToken;
import dev.atomsrealtime.rest.CallTokenCredentials;
import dev.atomsrealtime.testing.LogCapture;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.HandshakeRecord;
import dev.atomsrealtime.testkit.RestRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Call tokens end to end: minted over REST on the fake server, single-use, expiring after 30 s of
 * virtual time, naming agent, mode and rate themselves, and minted afresh for every attempt.
 */
class CallTokenTest extends RestFixture {
  static final String KEY = "sk_test_tokens_8d2a51";
  static final Duration WAIT = Duration.ofSeconds(5);

  @Override
  String key() {
    return KEY;
  }

  /** A client whose sessions connect with {@code token}, every attempt. */
  private AtomsClient withToken(String token) {
    return AtomsClient.builder().credentials(() -> token).baseUrl(server.uri())
        .scheduler(time, time).build();
  }

  @Test
  void registerCallMintsATokenWithTheKeyInTheHeaderOnly() throws Exception {
    CallToken token = client.rest().registerCall(CallRegistration.builder("agent-1")
        .mode(Mode.CHAT).variable("customer", "Ada").variable("visits", 3).build());

    assertTrue(token.token().startsWith("wct_"), "a call token");
    assertEquals(Duration.ofSeconds(30), token.expiresIn());
    assertEquals(24_000, token.sampleRateHz());
    assertFalse(token.toString().contains(token.token()), token.toString());
    assertFalse(client.toString().contains(KEY));
    assertFalse(client.rest().toString().contains(KEY));

    RestRequest request = server.restRequests().get(0);
    assertEquals("POST", request.method());
    assertEquals("/atoms/v1/conversation/register-call", request.path());
    assertEquals("Bearer " + KEY, request.header("Authorization"));
    assertEquals(201, request.status());
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertEquals("agent-1", body.get("agent_id").asText());
    assertEquals("chat", body.get("mode").asText());
    assertEquals("Ada", body.get("variables").get("customer").asText());
    assertEquals(3, body.get("variables").get("visits").asInt());
  }

  @Test
  void aTokenUsedTwiceIsRefusedWith401() throws Exception {
    CallToken token = client.rest().registerCall(CallRegistration.builder("agent-1").build());
    try (AtomsClient sameToken = withToken(token.token())) {
      AtomsSession first = sameToken.newSession(SessionOptions.builder().build(),
          new RecordingListener());
      first.connect().get(5, TimeUnit.SECONDS);
      first.close();

      RecordingListener listener = new RecordingListener();
      AtomsSession second = sameToken.newSession(SessionOptions.builder().build(), listener);
      AuthenticationException refused =
          assertInstanceOf(AuthenticationException.class, SessionHandshakeTest.failureOf(second.connect()));
      assertEquals(401, refused.statusCode());
      assertTrue(refused.responseBody().contains("already used"), refused.responseBody());
      assertFalse(refused.getMessage().contains(token.token()), refused.getMessage());
      listener.awaitClosed(WAIT);
    }
    List<HandshakeRecord> handshakes = server.handshakes();
    assertEquals(2, handshakes.size());
    assertTrue(handshakes.get(0).accepted());
    assertEquals(401, handshakes.get(1).httpStatus());
  }

  @Test
  void aTokenExpiresAfterThirtySecondsOfTheServersClock() throws Exception {
    CallToken fresh = client.rest().registerCall(CallRegistration.builder("agent-1").build());
    CallToken stale = client.rest().registerCall(CallRegistration.builder("agent-1").build());
    time.forwardTime(Duration.ofSeconds(29));
    try (AtomsClient a = withToken(fresh.token()); AtomsClient b = withToken(stale.token())) {
      AtomsSession session = a.newSession(SessionOptions.builder().build(),
          new RecordingListener());
      session.connect().get(5, TimeUnit.SECONDS);
      session.close();

      time.forwardTime(Duration.ofSeconds(1));
      RecordingListener listener = new RecordingListener();
      AuthenticationException expired = assertInstanceOf(AuthenticationException.class,
          SessionHandshakeTest.failureOf(b.newSession(SessionOptions.builder().build(), listener).connect()));
      assertEquals(401, expired.statusCode());
      assertTrue(expired.responseBody().contains("expired"), expired.responseBody());
      listener.awaitClosed(WAIT);
    }
  }

  @Test
  void agentModeAndRateComeFromTheTokenNotTheQuery() throws Exception {
    CallToken token = client.rest().registerCall(
        CallRegistration.builder("agent-1").mode(Mode.CHAT).build());
    try (AtomsClient withToken = withToken(token.token())) {
      AtomsSession session = withToken.newSession(SessionOptions.builder().agentId("other-agent")
          .mode(Mode.WEBCALL).sampleRateHz(8_000).build(), new RecordingListener());
      assertEquals(24_000, session.connect().get(5, TimeUnit.SECONDS).sampleRateHz());
      FakeConnection connection = server.awaitConnection(WAIT);
      assertTrue(connection.openedWithMintedToken());
      assertEquals("chat", connection.mode());
      assertEquals("agent-1", connection.agentId());
      assertEquals("8000", connection.handshake().queryParameter("sample_rate"));
      session.close();
    }
  }

  @Test
  void aReconnectingSessionPresentsADifferentFreshTokenPerAttempt() throws Exception {
    List<CredentialRequest> asked = new CopyOnWriteArrayList<>();
    CallTokenCredentials minting = new CallTokenCredentials(client.rest());
    try (AtomsClient tokens = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri())
        .restBaseUrl(server.restUri()).scheduler(time, time)
        .credentialProvider(request -> {
          asked.add(request);
          return minting.credential(request);
        }).build()) {
      RecordingListener listener = new RecordingListener();
      AtomsSession session = tokens.newSession(SessionOptions.builder().agentId("agent-1")
          .reconnectPolicy(ExponentialBackoff.builder().initialDelay(Duration.ofMillis(100))
              .maxAttempts(3).build()).build(), listener);
      session.connect().get(5, TimeUnit.SECONDS);
      FakeConnection first = server.awaitConnection(WAIT);

      first.drop();
      time.forwardTime(listener.awaitReconnecting(WAIT).delay());
      FakeConnection second = server.awaitConnection(WAIT);
      listener.awaitReconnected(1, WAIT);

      String firstToken = first.handshake().credential();
      String secondToken = second.handshake().credential();
      assertTrue(firstToken.startsWith("wct_") && secondToken.startsWith("wct_"));
      assertNotEquals(firstToken, secondToken);
      assertTrue(first.openedWithMintedToken() && second.openedWithMintedToken());
      assertFalse(first.handshake().rawQuery().contains(KEY), "the key never goes over the socket");
      assertEquals(2, server.restRequests().size());

      assertEquals(2, asked.size());
      assertEquals(1, asked.get(0).attempt());
      assertEquals(CredentialRequest.Reason.FIRST_CONNECT, asked.get(0).reason());
      assertEquals("agent-1", asked.get(0).agentId());
      assertEquals(2, asked.get(1).attempt());
      assertEquals(CredentialRequest.Reason.RECONNECT, asked.get(1).reason());
      assertInstanceOf(ConnectionException.class, asked.get(1).cause());
      session.close();
    }
  }

  @Test
  void neitherTheKeyNorAMintedTokenAppearsInLogsMessagesOrToString() throws Exception {
    List<String> texts = new CopyOnWriteArrayList<>();
    String token;
    String logs;
    try (LogCapture capture = new LogCapture()) {
      try (AtomsClient tokens = AtomsClient.builder().apiKey(KEY).callTokenPerAttempt()
          .baseUrl(server.uri()).restBaseUrl(server.restUri()).scheduler(time, time).build()) {
        AtomsSession session = tokens.newSession(SessionOptions.builder().agentId("agent-1")
            .build(), new RecordingListener());
        session.connect().get(5, TimeUnit.SECONDS);
        token = server.awaitConnection(WAIT).handshake().credential();
        texts.add(tokens.toString());
        texts.add(tokens.rest().toString());
        texts.add(session.toString());
        session.close();
      }
      try (AtomsClient wrong = AtomsClient.builder().apiKey(KEY + "_wrong").baseUrl(server.uri())
          .restBaseUrl(server.restUri()).scheduler(time, time).build()) {
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> wrong.rest().callLog("CALL-1-000000"));
        texts.add(refused.toString());
        texts.add(String.valueOf(server.restRequests()));
      }
      logs = capture.text();
    }
    texts.add(logs);
    for (String text : texts) {
      assertFalse(text.contains(KEY), text);
      assertFalse(text.contains(token), text);
    }
    assertTrue(logs.contains("minted a call token"), "the mint itself is logged, without the token");
  }

  @Test
  void callTokenPerAttemptMintsWithTheClientsOwnKey() throws Exception {
    try (AtomsClient tokens = AtomsClient.builder().apiKey(KEY).callTokenPerAttempt()
        .baseUrl(server.uri()).restBaseUrl(server.restUri()).scheduler(time, time).build()) {
      AtomsSession session = tokens.newSession(SessionOptions.builder().agentId("agent-1")
          .mode(Mode.CHAT).build(), new RecordingListener());
      session.connect().get(5, TimeUnit.SECONDS);
      FakeConnection connection = server.awaitConnection(WAIT);
      assertTrue(connection.openedWithMintedToken());
      assertEquals("chat", connection.mode());
      assertEquals(HandshakeRecord.CredentialSource.HEADER, connection.handshake().credentialSource());
      session.close();
    }
  }
}
