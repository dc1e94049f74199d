package dev.atomsrealtime.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.examples.FinishedCalls;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.RestRequest;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code atoms call-log} and {@code --mint-token} against a fake server on loopback. */
@ExtendWith(ThreadLeakExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallLogCommandTest {
  static final String KEY = "sk_cli_rest_secret_3f9a";

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  FakeAtomsServer server;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).agentId("agent-1")
        .behavior(SimulatedAgent.builder().greeting("Hi there!").build()).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  int run(String stdin, String... args) {
    return AtomsCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("ATOMS_API_KEY", KEY));
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A finished chat call with a greeting; its call id. */
  String finishedCall() throws Exception {
    try (AtomsClient client = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).build()) {
      return FinishedCalls.chatUntilGreeted(client, "agent-1");
    }
  }

  @Test
  void callLogPrintsTranscriptDurationLatencyAndCost() throws Exception {
    String callId = finishedCall();
    int code = run("", "call-log", callId, "--wait", "--url", server.uri().toString(),
        "--rest-url", server.restUri().toString());
    String printed = stdout();
    assertEquals(0, code, printed + err);
    assertTrue(printed.contains("call " + callId + ": completed"), printed);
    assertTrue(printed.matches("(?s).*duration: \\d+\\.\\d s.*"), printed);
    assertTrue(printed.contains("cost: "), printed);
    assertTrue(printed.contains("latency: "), printed);
    assertTrue(printed.contains("--- transcript ---\nagent: Hi there!"), printed);
    assertFalse(printed.contains(KEY));
  }

  @Test
  void anUnknownCallIsAServerErrorAndAWrongKeyAnAuthError() {
    assertEquals(5, run("", "call-log", "CALL-1-000000", "--url", server.uri().toString(),
        "--rest-url", server.restUri().toString()));
    assertTrue(stdout().contains("HTTP 404"), stdout());
    out.reset();
    int code = AtomsCli.run(new String[] {"call-log", "CALL-1-000000", "--url",
        server.uri().toString(), "--rest-url", server.restUri().toString()},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("ATOMS_API_KEY", "sk_wrong_key_77"));
    assertEquals(3, code, stdout());
    assertFalse(stdout().contains("sk_wrong_key_77"));
  }

  @Test
  void mintTokenConnectsWithAFreshCallTokenAndNeverShowsTheKey() throws Exception {
    int code = run("hello\n/quit\n", "chat", "--mint-token", "--agent-id", "agent-1",
        "--url", server.uri().toString(), "--rest-url", server.restUri().toString(),
        "--reply-wait-ms", "3000");
    assertEquals(0, code, stdout() + err);
    FakeConnection connection = server.awaitConnection(Duration.ofSeconds(5));
    assertTrue(connection.openedWithMintedToken());
    assertTrue(connection.handshake().credential().startsWith("wct_"));
    List<RestRequest> rest = server.restRequests();
    assertEquals(1, rest.size());
    assertEquals("/atoms/v1/conversation/register-call", rest.get(0).path());
    assertTrue(stdout().contains("call token minted per attempt"), stdout());
    assertFalse(stdout().contains(KEY));
    assertFalse(stdout().contains(connection.handshake().credential()), "nor the token");
  }

  @Test
  void talkWithMintTokenConnectsWithAFreshCallToken() throws Exception {
    java.nio.file.Path in = java.nio.file.Files.createTempFile("atoms-in", ".wav");
    Wav.write(in, PcmFormat.pcm16(16_000, 1), new byte[6_400]); // 200 ms of silence
    int code = run("", "talk", "--in", in.toString(), "--plain", "--mint-token", "--agent-id",
        "agent-1", "--url", server.uri().toString(), "--rest-url", server.restUri().toString(),
        "--out", java.nio.file.Files.createTempFile("atoms", ".wav").toString());
    assertEquals(0, code, stdout() + err);
    FakeConnection connection = server.awaitConnection(Duration.ofSeconds(5));
    assertTrue(connection.openedWithMintedToken());
    assertTrue(connection.handshake().credential().startsWith("wct_"));
    assertEquals("/atoms/v1/conversation/register-call", server.restRequests().get(0).path());
    assertFalse(stdout().contains(KEY));
    assertFalse(stdout().contains(connection.handshake().credential()), "nor the token");
  }

  @Test
  void talkWithMintTokenFailsAtTheMintWithAWrongKey() throws Exception {
    int code = AtomsCli.run(new String[] {"talk", "--demo", "--plain", "--mint-token",
        "--agent-id", "agent-1", "--url", server.uri().toString(),
        "--rest-url", server.restUri().toString(), "--out",
        java.nio.file.Files.createTempFile("atoms", ".wav").toString()},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("ATOMS_API_KEY", "sk_wrong_key_88"));
    assertEquals(3, code, stdout());
    assertTrue(stdout().contains("HTTP 401"), stdout());
    assertFalse(stdout().contains("sk_wrong_key_88"));
    assertEquals(0, server.handshakes().size(), "no WebSocket without a token");
  }
}
