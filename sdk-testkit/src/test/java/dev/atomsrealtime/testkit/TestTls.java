package dev.atomsrealtime.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
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
}
