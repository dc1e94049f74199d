package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.transport.RecordingTransportListener;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
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

/** The Java-WebSocket transport's queued-bytes figure while the server does not read. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class JavaWebSocketQueuedBytesTest {
  private static final String KEY = "sk_queued_bytes_7c21a0";
  private static final Duration WAIT = Duration.ofSeconds(5);
  private FakeAtomsServer server;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).silentAfterUpgrade(true).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void queuedBytesCountsTheFramesWaitingForTheSocketAndReturnsToZero() {
    RecordingTransportListener l = new RecordingTransportListener();
    Transport t = new JavaWebSocketTransportFactory().create(
        new TransportRequest(server.connectUri("agent_id=a"),
            Map.of("Authorization", "Bearer " + KEY), WAIT, null), l);
    t.start();
    l.awaitOpen(WAIT);
    FakeConnection conn = server.awaitConnection(WAIT);
    conn.stopReading(true);
    String pad = "q".repeat(128 * 1024);
    int frames = 96; // 12 MiB: more than the loopback socket buffers hold
    long wire = 0;
    for (int i = 0; i < frames; i++) {
      byte[] json = ("{\"type\":\"input_text.send\",\"text\":\"" + i + ":" + pad + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      assertTrue(t.sendText(json));
      wire += json.length + 14; // header with a 64-bit length and the mask key
    }
    long queued = t.queuedBytes();
    assertTrue(queued > 0, "frames wait for the socket: " + queued);
    assertTrue(queued <= wire, queued + " queued of " + wire + " sent");

    conn.stopReading(false);
    List<ClientEvent> got = conn.awaitReceivedCount(frames, WAIT);
    assertEquals(frames, got.size());
    assertEquals(0, t.queuedBytes(), "everything was written");
    t.close(1000, "");
    l.awaitClosed(WAIT);
    assertEquals(List.of(), l.violations());
  }
}
