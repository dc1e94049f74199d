package dev.atomsrealtime.transport.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.transport.RecordingTransportListener;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code ws://} connection sets up no TLS: in a fresh JVM (so that nothing else loaded it
 * first), a connection through the JDK transport opens, exchanges a frame and closes without the
 * JDK's TLS context implementation ever being loaded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdkPlainColdStartTest {
  private static final String KEY = "sk_plain_cold_start_3f9a";
  private static final String TLS_CONTEXT_CLASS = "sun.security.ssl.SSLContextImpl";

  @Test
  void aPlainConnectionLoadsNoTlsContext(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xlog:class+load=info:file=" + classes,
            "-cp", System.getProperty("java.class.path"),
            Child.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.out").toFile())
        .start();
    assertTrue(child.waitFor(45, TimeUnit.SECONDS), "the child JVM finished");
    String out = Files.readString(dir.resolve("child.out"), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("EXCHANGED"), out);
    List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" java.net.http.WebSocket ")),
        "the log lists the classes loaded");
    assertFalse(loaded.stream().anyMatch(l -> l.contains(" " + TLS_CONTEXT_CLASS + " ")),
        "TLS was set up for a ws:// connection");
  }

  /** Runs in the child JVM: one ws:// connection through the transport, one frame each way. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Duration wait = Duration.ofSeconds(20);
      try (FakeAtomsServer server =
              FakeAtomsServer.builder().credential(KEY).silentAfterUpgrade(true).build().start();
          JdkWebSocketTransportFactory factory = new JdkWebSocketTransportFactory()) {
        RecordingTransportListener l = new RecordingTransportListener();
        Transport t = factory.create(new TransportRequest(server.connectUri("agent_id=a"),
            Map.of("Authorization", "Bearer " + KEY), wait, null), l);
        t.start();
        l.awaitOpen(wait);
        server.awaitConnection(wait).sendRaw("{\"type\":\"agent_start_talking\"}");
        l.awaitText(wait);
        t.close(1000, "");
        l.awaitClosed(wait);
        if (!l.violations().isEmpty()) {
          throw new AssertionError(l.violations().toString());
        }
        System.out.println("EXCHANGED");
      }
      System.exit(0);
    }
  }
}
