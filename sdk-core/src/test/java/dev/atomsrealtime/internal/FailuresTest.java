package dev.atomsrealtime.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.event.ErrorEvent;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = SECONDS)
class FailuresTest {
  private static final URI BASE = URI.create("wss://api.example.test/atoms/v1/agent/connect");

  private static AtomsException transport(Throwable error) {
    return Failures.fromTransportFailure(error, BASE);
  }

  @Test
  void rejectedCertificateIsNotRetryable() {
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    AtomsException e = transport(untrusted);
    assertInstanceOf(ConnectionException.class, e);
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    assertTrue(e.getMessage().contains("api.example.test"), e.getMessage());
  }

  @Test
  void certificateFailureIsFoundDeepInTheCauseChain() {
    SSLHandshakeException mismatch = new SSLHandshakeException("handshake failed");
    mismatch.initCause(new SSLException("wrapped", new CertificateException("No name matching")));
    assertFalse(transport(new IOException("connect failed", mismatch)).isRetryable());
    assertFalse(transport(new SSLPeerUnverifiedException("peer not authenticated")).isRetryable());
  }

  @Test
  void failedTlsNegotiationIsNotRetryable() {
    assertFalse(transport(new SSLHandshakeException("No appropriate protocol")).isRetryable());
    assertFalse(
        transport(new SSLException("Unsupported or unrecognized SSL message")).isRetryable());
  }

  @Test
  void connectionDroppedDuringTheTlsHandshakeIsRetryable() {
    SSLHandshakeException dropped = new SSLHandshakeException("Remote host terminated");
    dropped.initCause(new EOFException("SSL peer shut down incorrectly"));
    assertTrue(transport(dropped).isRetryable());
    assertTrue(
        transport(new SSLException("Connection reset", new SocketException("Connection reset")))
            .isRetryable());
  }

  @Test
  void causeChainWithACycleTerminates() {
    SSLException a = new SSLException("a");
    IOException b = new IOException("b", a);
    a.initCause(b);
    assertFalse(transport(a).isRetryable());
  }

  @Test
  void normalCloseBeforeSessionCreatedIsAFailureButNotRetryable() {
    AtomsException e = Failures.fromClose(1000, "bye", null, null, false);
    assertInstanceOf(ConnectionException.class, e);
    assertFalse(e.isRetryable());
    assertNull(Failures.fromClose(1000, "", null, null, true));
  }

  @Test
  void anyNonFatalCloseAfterTheAgentEndedTheCallIsNormal() {
    for (int code : new int[] {1000, 1001, 1005, 1006, 1011, 1012}) {
      assertNull(Failures.fromClose(code, "", null, "ended", true), "close " + code);
    }
  }

  @Test
  void fatalErrorAfterTheAgentEndedTheCallIsStillAFailure() {
    ErrorEvent error = new ErrorEvent("internal_error", "boom");
    ServerErrorException e =
        assertInstanceOf(
            ServerErrorException.class, Failures.fromClose(4000, "", error, "ended", true));
    assertSame(error, e.error());
    assertFalse(Failures.fromClose(4401, "", null, "ended", true).isRetryable());
  }

  @Test
  void handshakeStatusOutsideTheHttpErrorRangesIsNotRetryable() {
    HandshakeException moved = Failures.fromHandshake(301, "");
    assertEquals(301, moved.statusCode());
    assertFalse(moved.isRetryable());
    assertFalse(Failures.fromHandshake(600, "").isRetryable());
    assertTrue(Failures.fromHandshake(599, "").isRetryable());
  }

  @Test
  void credentialSupplierFailuresAreNotRetryableAndDoNotEchoTheMessage() {
    AtomsException e = Failures.fromCredentialSupplier(new IllegalStateException("sk_secret"));
    assertFalse(e.isRetryable());
    assertFalse(e.getMessage().contains("sk_secret"), e.getMessage());
    assertFalse(Failures.missingCredential().isRetryable());
  }
}
