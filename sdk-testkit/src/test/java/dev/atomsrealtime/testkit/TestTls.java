package dev.atomsrealtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.reconnect.ExponentialBackoff;
import dev.atomsrealtime.testing.RecordingListener;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts made from the self-signed test certificates in {@code src/test/resources/tls}
 * (shipped in the testkit's test-jar, so every transport's tests use the same ones): {@code
 * localhost.p12} names {@code localhost}, {@code wrong-host.p12} another host.
 */
public final class TestTls {
  private static final char[] STORE_PASSWORD = "atoms-test-only".toCharArray();

  private TestTls() {}

  private static KeyStore load(String name) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name)) {
      if (in == null) {
        throw new IOException("no test certificate /tls/" + name + " on the classpath");
      }
      store.load(in, STORE_PASSWORD);
    }
    return store;
  }

  /** A server context presenting the certificate in {@code name}. */
  public static SSLContext serverContext(String name) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(name), STORE_PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** A client context trusting only the certificate in {@code name}. */
  public static SSLContext trusting(String name) throws Exception {
    KeyStore source = load(name);
    Certificate cert = source.getCertificate(source.aliases().nextElement());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("trusted", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * Connects a session of {@code client} (with a reconnect policy, which must not matter) and
   * asserts that the certificate was refused before any upgrade reached {@code server}: a
   * non-retryable {@link ConnectionException} that speaks of TLS and the certificate, one terminal
   * callback, and the credential {@code key} in no message or {@code toString()}.
   */
  public static void assertRefusedBeforeUpgrade(AtomsClient client, FakeAtomsServer server,
      String key) throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomsSession session = client.newSession(SessionOptions.builder()
        .reconnectPolicy(ExponentialBackoff.builder()
            .initialDelay(Duration.ofMillis(10))
            .maxAttempts(5)
            .build())
        .build(), listener);
    Throwable error;
    try {
      session.connect().join();
      throw new AssertionError("expected the connect to fail");
    } catch (CompletionException e) {
      error = e.getCause();
    }
    ConnectionException refused = assertInstanceOf(ConnectionException.class, error);
    assertFalse(refused.isRetryable(), refused.getMessage());
    String message = refused.getMessage().toLowerCase(Locale.ROOT);
    assertTrue(message.contains("tls") && message.contains("certificate"), refused.getMessage());
    SessionEnd end = listener.awaitClosed(Duration.ofSeconds(5));
    assertEquals(refused, end.cause());
    assertEquals(-1, end.closeCode());
    StringBuilder chain = new StringBuilder();
    for (Throwable c = refused; c != null; c = c.getCause()) {
      chain.append(c).append('\n');
      for (Throwable suppressed : c.getSuppressed()) {
        chain.append(suppressed).append('\n');
      }
    }
    assertFalse(chain.toString().contains(key), chain.toString());
    assertFalse(String.valueOf(end).contains(key), String.valueOf(end));
    assertEquals(0, server.handshakes().size(), "no upgrade request may reach the server");
    assertEquals(0, server.connectionCount());
    assertTrue(listener.violations().isEmpty(), listener.violations().toString());
  }
}
