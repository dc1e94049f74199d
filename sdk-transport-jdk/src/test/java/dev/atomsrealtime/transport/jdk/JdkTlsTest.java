package dev.atomsrealtime.transport.jdk;

import static dev.atomsrealtime.testkit.TestTls.serverContext;
import static dev.atomsrealtime.testkit.TestTls.trusting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.TestTls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code wss://} over the JDK transport, with the testkit's self-signed certificates: the
 * application's trust material is used (one {@code HttpClient} per trust context), a certificate
 * for the host works, and one for another host or an untrusted one is refused before the upgrade,
 * as a non-retryable failure that never shows the credential.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class JdkTlsTest {
  static final String KEY = "key_jdk_tls_secret_51e0";
  static final Duration WAIT = Duration.ofSeconds(5);

  FakeAtomsServer server;
  JdkWebSocketTransportFactory transports = new JdkWebSocketTransportFactory();
  AtomsClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    transports.close();
  }

  private AtomsClient client(SSLContext trust) {
    AtomsClient.Builder b =
        AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).transportFactory(transports);
    if (trust != null) {
      b.sslContext(trust);
    }
    return b.build();
  }

  private void start(String certificate) throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).tls(serverContext(certificate)).build();
    server.start();
    assertEquals("wss", server.uri().getScheme());
  }

  @Test
  void aTrustedCertificateForTheHostCarriesAConversation() throws Exception {
    start("localhost.p12");
    client = client(trusting("localhost.p12"));
    RecordingListener listener = new RecordingListener();
    AtomsSession session = client.newSession(SessionOptions.builder().build(), listener);
    session.connect().get(5, TimeUnit.SECONDS);
    FakeConnection conn = server.awaitConnection(WAIT);
    assertEquals("Bearer " + KEY, conn.handshake().header("Authorization"));

    session.sendText("over TLS");
    assertEquals(
        new InputTextSendEvent("over TLS"), conn.awaitReceived(InputTextSendEvent.class, WAIT));
    byte[] pcm = new byte[9_601];
    pcm[9_600] = 42;
    conn.sendAudio(pcm);
    assertArrayEquals(pcm, listener.awaitEvent(OutputAudioDeltaEvent.class, WAIT).audioCopy());

    SessionEnd end = session.closeAsync().get(5, TimeUnit.SECONDS);
    assertTrue(end.isNormal(), String.valueOf(end));
    assertEquals(List.of(), listener.violations());
  }

  @Test
  void aCertificateForAnotherHostIsRefusedBeforeTheUpgrade() throws Exception {
    start("wrong-host.p12");
    client = client(trusting("wrong-host.p12"));
    assertRefused();
  }

  @Test
  void theDefaultTrustRefusesASelfSignedCertificate() throws Exception {
    start("localhost.p12");
    client = client(null);
    assertRefused();
  }

  private void assertRefused() throws Exception {
    TestTls.assertRefusedBeforeUpgrade(client, server, KEY);
  }
}
