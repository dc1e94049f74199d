package dev.atomsrealtime.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.testkit.FakeConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AtomsCliTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(Map<String, String> env, String stdin, String... args) {
    return AtomsCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The README's demo: a request, a barge-in, a complete reply, at real time (about 15 s), with
   * the call recorded.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theOfflineDemoHoldsAConversationWithABargeIn(@TempDir Path dir) throws Exception {
    Path reply = dir.resolve("reply.wav");
    Path recordings = dir.resolve("calls");
    int code = run(Map.of(), "", "talk", "--demo", "--out", reply.toString(), "--plain",
        "--record", recordings.toString());
    String printed = stdout();
    assertEquals(0, code, printed + stderr());
    assertTrue(printed.contains("interruption: the user barged in"), printed);
    assertTrue(printed.contains("--- transcript ---"), printed);
    assertTrue(printed.contains("[interrupted]"), printed);
    assertTrue(printed.matches("(?s).*turn 1: agent start \\d+ ms.*"), printed);
    assertTrue(printed.matches("(?s).*turn 2: agent start \\d+ ms.*"), printed);
    assertTrue(printed.contains("session ended (ended"), printed);
    WavData wav = Wav.read(reply);
    assertEquals(24_000, wav.format().sampleRateHz());
    assertTrue(wav.durationMillis() > 3_000, "reply audio: " + wav.durationMillis() + " ms");

    // --record: the stereo call and its transcript, the barge-in marked on the agent's turn.
    assertTrue(printed.contains("call recorded to "), printed);
    List<Path> files;
    try (var listing = Files.list(recordings)) {
      files = listing.sorted().toList();
    }
    assertEquals(2, files.size(), files.toString());
    WavData call = Wav.read(files.get(1));
    assertEquals(dev.atomsrealtime.audio.PcmFormat.pcm16(24_000, 2), call.format());
    assertTrue(call.durationMillis() > 10_000, call.durationMillis() + " ms");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(files.get(0).toFile());
    assertTrue(json.get("complete").asBoolean());
    var turns = json.get("turns");
    assertTrue(turns.size() >= 4, turns.toString());
    int interruptedAgentTurns = 0;
    for (var t : turns) {
      if (t.get("role").asText().equals("agent") && t.get("interrupted").asBoolean()) {
        interruptedAgentTurns++;
        assertTrue(t.get("endMillis").asDouble() > t.get("startMillis").asDouble(), t.toString());
      }
    }
    assertEquals(1, interruptedAgentTurns, turns.toString());
  }

  @Test
  void badArgumentsGiveOneLineAndExitCode2() {
    assertEquals(2, run(Map.of(), "", "talk", "--sample-rate", "12345", "--demo"));
    assertTrue(stderr().contains("sample-rate"), stderr());
    err.reset();
    assertEquals(2, run(Map.of(), "", "talk", "--no-such-option"));
    assertTrue(stderr().startsWith("atoms: "), stderr());
    err.reset();
    assertEquals(2, run(Map.of(), "", "talk", "--demo", "--in", "x.wav"));
    err.reset();
    assertEquals(2, run(Map.of(), ""));
  }

  @Test
  void aMissingKeyForTheRealServiceIsAUsageError() {
    assertEquals(2, run(Map.of(), "", "talk", "--demo", "--agent-id", "agent-1"));
    assertTrue(stderr().contains("ATOMS_API_KEY"), stderr());
  }

  @Test
  void aRefusedCredentialExitsWith3() throws Exception {
    try (FakeAtomsServer server = FakeAtomsServer.builder().credential("sk_right")
        .build().start()) {
      int code = run(Map.of("ATOMS_API_KEY", "sk_wrong_secret_1234"), "", "talk", "--demo",
          "--out", Files.createTempFile("atoms", ".wav").toString(), "--plain",
          "--url", server.uri().toString(), "--agent-id", "a");
      assertEquals(3, code, stdout());
      assertTrue(stdout().contains("authentication refused (HTTP 401)"), stdout());
      assertFalse(stdout().contains("sk_wrong_secret_1234"));
    }
  }

  @Test
  void anUnreachableServerExitsWith4() throws Exception {
    int code = run(Map.of("ATOMS_API_KEY", "sk_x"), "", "talk", "--demo", "--plain",
        "--out", Files.createTempFile("atoms", ".wav").toString(),
        "--url", "ws://127.0.0.1:" + closedPort(), "--agent-id", "a");
    assertEquals(4, code, stdout());
    assertTrue(stdout().contains("could not connect"), stdout());
  }

  @Test
  void anUnsupportedWavIsAClearAudioError(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.wav");
    Files.write(bad, "RIFF....WAVEjunk".getBytes(StandardCharsets.US_ASCII));
    int code = run(Map.of(), "", "talk", "--in", bad.toString(), "--out",
        dir.resolve("o.wav").toString(), "--plain");
    assertEquals(6, code, stdout() + stderr());
    assertTrue(stderr().startsWith("atoms: "), stderr());
  }

  @Test
  void chatModeAnswersEachLine() {
    int code = run(Map.of(), "hello there\n/quit\n", "chat", "--reply-wait-ms", "3000");
    assertEquals(0, code, stdout() + stderr());
    assertTrue(stdout().contains("agent: "), stdout());
    assertTrue(stdout().contains("hello there"), stdout());
  }

  @Test
  void talkWithoutAMicrophoneSaysSoAndExitsWith6() {
    int code = AtomsCli.run(new String[] {"talk", "--plain"},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
        dev.atomsrealtime.audio.javasound.JavaSoundDevices.of(List.of()));
    assertEquals(6, code, stdout() + stderr());
    assertTrue(stderr().contains("no microphone found"), stderr());
    assertTrue(stderr().contains("--in FILE.wav or --demo"), stderr());
  }

  /** Ctrl-C (SIGINT/SIGTERM run the shutdown hook) ends the call with session.close first. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void interruptingTheProcessClosesTheSessionGracefully(@TempDir Path dir) throws Exception {
    try (FakeAtomsServer server = FakeAtomsServer.builder().build().start()) {
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
          AtomsCli.class.getName(), "talk", "--demo", "--plain", "--out",
          dir.resolve("o.wav").toString(), "--url", server.uri().toString(), "--agent-id", "a");
      pb.environment().put("ATOMS_API_KEY", "sk_cli_signal_test");
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve("cli.log").toFile());
      Process process = pb.start();
      try {
        FakeConnection conn = server.awaitConnection(java.time.Duration.ofSeconds(15));
        conn.awaitReceived(InputAudioBufferAppendEvent.class, java.time.Duration.ofSeconds(10));
        process.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the CLI did not exit");
        conn.awaitReceived(SessionCloseEvent.class, java.time.Duration.ofSeconds(5));
        assertEquals(1000, conn.awaitClosed(java.time.Duration.ofSeconds(5)).code());
        String log = Files.readString(dir.resolve("cli.log"));
        assertTrue(log.contains("ending the session (Ctrl-C)"), log);
      } finally {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void devicesSaysClearlyWhenThereAreNone() {
    assertEquals(0, AtomsCli.run(new String[] {"devices"}, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
        dev.atomsrealtime.audio.javasound.JavaSoundDevices.of(List.of())));
    assertTrue(stdout().contains("none found"), stdout());
    assertTrue(stdout().contains("Capture devices"), stdout());
    assertTrue(stdout().contains("Playback devices"), stdout());
  }
}
