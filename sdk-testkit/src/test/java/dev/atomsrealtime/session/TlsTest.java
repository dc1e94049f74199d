package dev.atomsrealtime.session;

import static dev.atomsrealtime.testkit.TestTls.serverContext;
import static dev.atomsrealtime.testkit.TestTls.trusting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.TestTls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code wss://} end to end against the fake server with the self-signed fixtures in {@code
 * src/test/resources/tls} (see the README there): a trusted certificate for the host works; a
 * trusted certificate for another host, and an untrusted one, are refused before any upgrade, as
 * non-retryable {@link ConnectionException}s that never show the credential.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class TlsTest {
  static final String KEY = "key_tls_secret_7d2e41";
  static final Duration WAIT = Duration.ofSeconds(5);

  FakeAtomsServer server;
  AtomsClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void assertRefusedCertificate(AtomsClient c) throws Exception {
    TestTls.assertRefusedBeforeUpgrade(c, server, KEY);
  }

  @Test
  void aTrustedCertificateForTheHostCarriesAWholeConversation() throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).tls(serverContext("localhost.p12")).build();
    server.start();
    assertEquals("wss", server.uri().getScheme());
    client =
        AtomsClient.builder()
            .apiKey(KEY)
            .baseUrl(server.uri())
            .sslContext(trusting("localhost.p12"))
            .build();
    RecordingListener listener = new RecordingListener();
    AtomsSession session = client.newSession(SessionOptions.builder().build(), listener);
    SessionInfo info = session.connect().get(5, TimeUnit.SECONDS);
    assertTrue(info.callId().startsWith("CALL-"), info.callId());
    FakeConnection conn = server.awaitConnection(WAIT);
    assertEquals("Bearer " + KEY, conn.handshake().header("Authorization"));

    session.sendText("over TLS");
    assertEquals(
        new InputTextSendEvent("over TLS"), conn.awaitReceived(InputTextSendEvent.class, WAIT));
    conn.sendRaw("{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"secure reply\"}");
    assertEquals("secure reply", listener.awaitEvent(TranscriptEvent.class, WAIT).text());
    byte[] pcm = new byte[4_801];
    pcm[4_800] = 42;
    conn.sendAudio(pcm);
    var delta = listener.awaitEvent(dev.atomsrealtime.event.OutputAudioDeltaEvent.class, WAIT);
    assertEquals(4_801, delta.audioBytes());

    session.close();
    SessionEnd end = listener.awaitClosed(WAIT);
    assertTrue(end.isNormal(), String.valueOf(end));
    assertEquals(1000, end.closeCode());
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefusedBeforeTheUpgrade() throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).tls(serverContext("wrong-host.p12")).build();
    server.start();
    client =
        AtomsClient.builder()
            .apiKey(KEY)
            .baseUrl(server.uri())
            .sslContext(trusting("wrong-host.p12"))
            .build();
    assertRefusedCertificate(client);
  }

  @Test
  void theDefaultTrustRefusesASelfSignedCertificate() throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).tls(serverContext("localhost.p12")).build();
    server.start();
    client = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).build();
    assertRefusedCertificate(client);
  }

  @Test
  void aCertificateTrustedForOneServerDoesNotVouchForAnother() throws Exception {
    server = FakeAtomsServer.builder().credential(KEY).tls(serverContext("localhost.p12")).build();
    server.start();
    client =
        AtomsClient.builder()
            .apiKey(KEY)
            .baseUrl(server.uri())
            .sslContext(trusting("wrong-host.p12"))
            .build();
    assertRefusedCertificate(client);
  }
}
