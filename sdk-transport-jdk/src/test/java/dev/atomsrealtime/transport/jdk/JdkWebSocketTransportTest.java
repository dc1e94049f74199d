package dev.atomsrealtime.transport.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.transport.RecordingTransportListener;
import dev.atomsrealtime.transport.RecordingTransportListener.Closed;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the JDK transport adds beyond the shared contract: its client set-up and threads. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class JdkWebSocketTransportTest {
  static final String KEY = "sk_jdk_transport_51a0e7";
  static final Duration WAIT = Duration.ofSeconds(5);

  FakeAtomsServer server;
  JdkWebSocketTransportFactory factory;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).silentAfterUpgrade(true).build().start();
    factory = new JdkWebSocketTransportFactory();
  }

  @AfterEach
  void stop() {
    server.close();
    factory.close();
  }

  TransportRequest request() {
    return new TransportRequest(
        server.connectUri("agent_id=a"), Map.of("Authorization", "Bearer " + KEY), WAIT, null);
  }

  @Test
  void upgradesOverHttp11WithOneClientPerSslContext() throws Exception {
    HttpClient plain = factory.client(null);
    assertEquals(HttpClient.Version.HTTP_1_1, plain.version());
    assertEquals(HttpClient.Redirect.NEVER, plain.followRedirects());
    assertSame(plain, factory.client(null));
    SSLContext custom = SSLContext.getInstance("TLS");
    custom.init(null, null, null);
    HttpClient tls = factory.client(custom);
    assertNotSame(plain, tls);
    assertSame(custom, tls.sslContext());
    assertSame(tls, factory.client(custom));
  }

  @Test
  void refusalBodiesOfAnyTypeBecomeText() {
    assertEquals("", JdkWebSocketTransport.bodyText(null));
    assertEquals("draining", JdkWebSocketTransport.bodyText("draining"));
    assertEquals(
        "caf\u00e9", JdkWebSocketTransport.bodyText("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
    assertEquals(8 * 1024, JdkWebSocketTransport.bodyText("x".repeat(20_000)).length());
  }

  @Test
  void connectTimeoutBoundsAServerThatNeverAnswersTheUpgrade() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/atoms/v1/agent/connect");
      RecordingTransportListener l = new RecordingTransportListener();
      Transport t =
          factory.create(new TransportRequest(uri, Map.of(), Duration.ofMillis(300), null), l);
      t.start();
      try (Socket accepted = silent.accept()) {
        // The JDK client's own timer (real time, inside java.net.http) bounds the whole handshake,
        // TCP connect included: the failure is its timeout, not another I/O error.
        Throwable error = l.awaitFailure(WAIT);
        assertInstanceOf(HttpTimeoutException.class, error);
        assertTrue(accepted.isConnected());
      }
      assertEquals(List.of(), l.violations());
    }
  }

  @Test
  void connectionsShareOneSelectorThread() {
    long before = selectorThreads();
    for (int i = 0; i < 4; i++) {
      RecordingTransportListener l = new RecordingTransportListener();
      Transport t = factory.create(request(), l);
      t.start();
      l.awaitOpen(WAIT);
      server.awaitConnection(WAIT);
      t.close(1000, "");
      l.awaitClosed(WAIT);
      assertEquals(List.of(), l.violations());
    }
    assertTrue(selectorThreads() - before <= 1, "one selector thread per factory");
  }

  @Test
  void closingTheFactoryAbortsItsOpenConnections() {
    RecordingTransportListener l = new RecordingTransportListener();
    Transport t = factory.create(request(), l);
    t.start();
    l.awaitOpen(WAIT);
    server.awaitConnection(WAIT);

    factory.close();
    Closed closed = l.awaitClosed(WAIT);
    assertEquals(1006, closed.code());
    assertFalse(closed.remote());
    assertFalse(t.sendText("{}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalStateException.class, () -> factory.create(request(), l));
    factory.close(); // idempotent
    assertEquals(List.of(), l.violations());
  }

  /**
   * Frames are delivered on the JDK's selector thread, with no hand-off to a pool thread, and text
   * as the UTF-8 bytes the codec reads (multi-byte characters and large, multi-part frames too).
   */
  @Test
  void framesArriveOnTheSelectorThreadAsUtf8Bytes() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch frames = new CountDownLatch(3);
    CountDownLatch opened = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    Transport.Listener l =
        new Transport.Listener() {
          @Override
          public void onOpen() {
            opened.countDown();
          }

          @Override
          public void onText(String text) {
            seen.add(Thread.currentThread().getName() + " string " + text);
            frames.countDown();
          }

          @Override
          public void onText(byte[] utf8, int offset, int length) {
            seen.add(Thread.currentThread().getName() + " bytes "
                + new String(utf8, offset, length, StandardCharsets.UTF_8));
            frames.countDown();
          }

          @Override
          public void onBinary(ByteBuffer bytes) {}

          @Override
          public void onClosed(int code, String reason, boolean remote) {
            ended.countDown();
          }

          @Override
          public void onFailure(Throwable error) {
            ended.countDown();
          }
        };
    Transport t = factory.create(request(), l);
    t.start();
    assertTrue(opened.await(5, TimeUnit.SECONDS));
    FakeConnection conn = server.awaitConnection(WAIT);
    String big = "{\"type\":\"output_audio.delta\",\"audio\":\"" + "QUJD".repeat(40_000) + "\"}";
    conn.sendRaw("{\"type\":\"agent_start_talking\"}");
    conn.sendRaw("{\"text\":\"caf\u00e9 \ud834\udd1e\"}");
    conn.sendRaw(big); // 160 KB: the JDK hands it over in parts
    assertTrue(frames.await(5, TimeUnit.SECONDS));
    t.close(1000, "");
    assertTrue(ended.await(5, TimeUnit.SECONDS));

    assertEquals(3, seen.size(), seen.toString());
    for (String s : seen) {
      assertTrue(s.startsWith("HttpClient-") && s.contains("-SelectorManager "),
          "delivered on " + s.substring(0, Math.min(60, s.length())));
    }
    assertTrue(seen.get(0).endsWith(" bytes {\"type\":\"agent_start_talking\"}"), seen.get(0));
    assertTrue(seen.get(1).endsWith(" bytes {\"text\":\"caf\u00e9 \ud834\udd1e\"}"),
        seen.get(1));
    assertTrue(seen.get(2).endsWith(" bytes " + big), "the large frame, reassembled as bytes");
  }

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-"))
        .filter(t -> t.getName().endsWith("SelectorManager"))
        .count();
  }
}
