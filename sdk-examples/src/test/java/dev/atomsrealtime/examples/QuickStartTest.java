package dev.atomsrealtime.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start is this file, and it works against the fake server. */
@ExtendWith(ThreadLeakExtension.class)
class QuickStartTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void theReadmeQuickStartIsTheExampleFileVerbatim() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(ROOT.resolve(
        "sdk-examples/src/main/java/dev/atomsrealtime/examples/QuickStart.java"),
        StandardCharsets.UTF_8);
    int begin = readme.indexOf("<!-- quick-start:begin -->\n```java\n");
    int end = readme.indexOf("```\n<!-- quick-start:end -->");
    assertTrue(begin >= 0 && end > begin, "quick start markers missing from README.md");
    String block = readme.substring(begin + "<!-- quick-start:begin -->\n```java\n".length(), end);
    assertEquals(source, block, "README quick start and QuickStart.java differ");
  }

  /** A whole reply at real time: a few seconds of audio each way. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void theQuickStartHoldsAConversationWithTheSimulatedAgent(@TempDir Path dir) throws Exception {
    Path userWav = dir.resolve("user.wav");
    Wav.write(userWav, SimulatedAgent.bundledUserUtterance());
    SimulatedAgent agent = SimulatedAgent.builder().build();
    try (FakeAtomsServer server = FakeAtomsServer.builder().credential("sk_quickstart")
        .agentId("agent-123").behavior(agent).build().start()) {
      byte[] reply = QuickStart.run(server.uri(), "sk_quickstart", "agent-123", userWav);
      SimulatedAgent.Session s = agent.awaitSession(Duration.ofSeconds(5));
      byte[] sent = s.turns().get(0).audio();
      assertTrue(reply.length > 0);
      assertEquals(sent.length, reply.length, "every byte of the reply arrived");
    }
  }
}
