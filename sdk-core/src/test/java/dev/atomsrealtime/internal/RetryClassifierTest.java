package dev.atomsrealtime.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.reconnect.RetryClassifier;
import dev.atomsrealtime.transport.HandshakeRefusedException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PROTOCOL.md §3, one row per case. Causes are built the way the session builds them (through
 * {@link Failures}), so each row checks the whole chain from what the transport reported to the
 * reconnect decision, and that the classifier agrees with the exception's own flag.
 */
@Timeout(value = 10, unit = SECONDS)
class RetryClassifierTest {
  private static final URI BASE = URI.create("wss://api.smallest.ai/atoms/v1/agent/connect");
  private static final boolean RETRY = true;
  private static final boolean NO = false;

  private static AtomsException handshake(int status, String body) {
    return Failures.fromTransportFailure(new HandshakeRefusedException(status, body), BASE);
  }

  /** A close after session.created that the client did not start. */
  private static AtomsException close(int code, ErrorEvent lastError, String closedReason) {
    return Failures.fromClose(code, "", lastError, closedReason, true);
  }

  private static AtomsException fatal(String errorCode) {
    return close(4000, new ErrorEvent(errorCode, "message"), null);
  }

  private static AtomsException certificateRejected() {
    SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
    e.initCause(new CertificateException("unable to find valid certification path"));
    return Failures.fromTransportFailure(e, BASE);
  }

  private static AtomsException tlsDropped() {
    SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
    e.initCause(new EOFException("SSL peer shut down incorrectly"));
    return Failures.fromTransportFailure(e, BASE);
  }

  static Stream<Arguments> protocolTable() {
    return Stream.of(
        // §1 handshake failures: plain HTTP before the upgrade.
        arguments("HTTP 401 at the upgrade", handshake(401, "unauthorized"), NO),
        arguments("HTTP 403 at the upgrade", handshake(403, ""), NO),
        arguments(
            "HTTP 400 Invalid agent id (upgrade not honoured)",
            handshake(400, "{\"errors\":[\"Invalid agent id\"]}"),
            NO),
        arguments("HTTP 400 other", handshake(400, "bad request"), NO),
        arguments("HTTP 404", handshake(404, ""), NO),
        arguments("HTTP 429", handshake(429, ""), NO),
        arguments("HTTP 302 (not an error, not an upgrade)", handshake(302, ""), NO),
        arguments("HTTP 503 (draining)", handshake(503, "draining"), RETRY),
        arguments("HTTP 500", handshake(500, ""), RETRY),
        arguments("HTTP 502", handshake(502, ""), RETRY),
        arguments("HTTP 504", handshake(504, ""), RETRY),
        // §3 fatal errors: error then close 4000, decided by the error code.
        arguments("4000 after internal_error", fatal("internal_error"), RETRY),
        arguments("4000 after worker_not_ready", fatal("worker_not_ready"), RETRY),
        arguments("4000 after \"503\"", fatal("503"), RETRY),
        arguments("4000 after \"500\"", fatal("500"), RETRY),
        arguments("4000 after \"404\"", fatal("404"), NO),
        arguments("4000 after invalid_event", fatal("invalid_event"), NO),
        arguments("4000 after no_session", fatal("no_session"), NO),
        arguments("4000 after too_many_updates", fatal("too_many_updates"), NO),
        arguments("4000 after invalid_tools", fatal("invalid_tools"), NO),
        arguments("4000 without an error event", close(4000, null, null), NO),
        // §3 authentication closes.
        arguments("close 4401", close(4401, null, null), NO),
        arguments("close 4403", close(4403, null, null), NO),
        // §3 close codes: connection lost or server going away.
        arguments("close 1001 from the server", close(1001, null, null), RETRY),
        arguments("close 1005 (no status)", close(1005, null, null), RETRY),
        arguments("close 1006 (dropped)", close(1006, null, null), RETRY),
        arguments("close 1011 (server error)", close(1011, null, null), RETRY),
        arguments("close 1012 (service restart)", close(1012, null, null), RETRY),
        arguments("close 1013 (try again later)", close(1013, null, null), RETRY),
        arguments("close 1014 (bad gateway)", close(1014, null, null), RETRY),
        arguments("close 1002 (protocol error)", close(1002, null, null), NO),
        arguments("close 1008 (policy violation)", close(1008, null, null), NO),
        // session.closed setup_failed: a failure whatever close follows; retried only after a
        // retryable error.
        arguments("setup_failed then 1000", close(1000, null, "setup_failed"), NO),
        arguments("setup_failed then 1006", close(1006, null, "setup_failed"), NO),
        arguments("worker_not_ready, setup_failed, 1000",
            close(1000, new ErrorEvent("worker_not_ready", "warming"), "setup_failed"), RETRY),
        arguments("invalid_tools, setup_failed, 1000",
            close(1000, new ErrorEvent("invalid_tools", "bad"), "setup_failed"), NO),
        arguments(
            "close 1000 before session.created",
            Failures.fromClose(1000, "", null, null, false),
            NO),
        // Connecting.
        arguments(
            "connection refused",
            Failures.fromTransportFailure(new ConnectException("Connection refused"), BASE),
            RETRY),
        arguments(
            "unknown host",
            Failures.fromTransportFailure(new UnknownHostException("api.smallest.ai"), BASE),
            RETRY),
        arguments("TLS certificate rejected", certificateRejected(), NO),
        arguments(
            "TLS negotiation failed",
            Failures.fromTransportFailure(
                new SSLHandshakeException("No appropriate protocol"), BASE),
            NO),
        arguments("connection dropped during the TLS handshake", tlsDropped(), RETRY),
        arguments("timeout", new AtomsTimeoutException("no session.created within PT10S"), RETRY),
        // The application's credential supplier.
        arguments(
            "credential supplier threw",
            Failures.fromCredentialSupplier(new IllegalStateException("token service down")),
            NO),
        arguments("credential supplier returned nothing", Failures.missingCredential(), NO));
  }

  @ParameterizedTest(name = "{0}: retry={2}")
  @MethodSource("protocolTable")
  void classifiesPerProtocol(String description, AtomsException cause, boolean retryable) {
    assertEquals(retryable, RetryClassifier.isRetryable(cause), description);
    assertEquals(
        retryable, cause.isRetryable(), description + ": the exception's own flag disagrees");
    SessionEnd end = new SessionEnd(1006, "", null, null, cause, false);
    assertEquals(retryable, RetryClassifier.shouldReconnect(end), description);
  }

  static Stream<Arguments> sessionEnds() {
    ErrorEvent internal = new ErrorEvent("internal_error", "pipeline crashed");
    ErrorEvent invalid = new ErrorEvent("invalid_event", "bad");
    return Stream.of(
        arguments("close 1000 after session.created", end(1000, null, null, false), NO),
        arguments("client closed (1000)", end(1000, "client_requested", null, true), NO),
        arguments(
            "client closed while connecting (1001 we started)", end(1001, null, null, true), NO),
        arguments(
            "client closed, then the server failed with 4000", end(4000, null, internal, true), NO),
        arguments("agent ended the call, 1000", end(1000, "ended", null, false), NO),
        arguments("agent ended the call, 1001", end(1001, "ended", null, false), NO),
        arguments("agent ended the call, dropped (1006)", end(1006, "ended", null, false), NO),
        arguments("server going away (1001)", end(1001, null, null, false), RETRY),
        arguments(
            "server going away (1001) after websocket_closed",
            end(1001, "websocket_closed", null, false),
            RETRY),
        arguments("connection lost (1006)", end(1006, null, null, false), RETRY),
        arguments("4000 after internal_error", end(4000, null, internal, false), RETRY),
        arguments(
            "4000 after internal_error and setup_failed",
            end(4000, "setup_failed", internal, false),
            RETRY),
        arguments("4000 after invalid_event", end(4000, null, invalid, false), NO),
        arguments("4401", end(4401, null, null, false), NO));
  }

  /** Builds a SessionEnd the way the session does: Failures decides the cause unless we closed. */
  private static SessionEnd end(
      int code, String closedReason, ErrorEvent lastError, boolean clientInitiated) {
    AtomsException cause =
        clientInitiated ? null : Failures.fromClose(code, "", lastError, closedReason, true);
    return new SessionEnd(code, "", closedReason, lastError, cause, clientInitiated);
  }

  @ParameterizedTest(name = "{0}: reconnect={2}")
  @MethodSource("sessionEnds")
  void decidesFromTheSessionEnd(String description, SessionEnd end, boolean reconnect) {
    assertEquals(reconnect, RetryClassifier.shouldReconnect(end), description + ": " + end);
  }

  @Test
  void normalEndsHaveNoCause() {
    assertNull(Failures.fromClose(1000, "", null, null, true));
    assertNull(Failures.fromClose(1001, "", null, "ended", true));
    assertTrue(end(1000, null, null, false).isNormal());
  }

  @Test
  void clientInitiatedEndIsNeverRetriedEvenWithARetryableCause() {
    AtomsException lost = new ConnectionException("lost", true, null);
    assertFalse(RetryClassifier.shouldReconnect(new SessionEnd(1006, "", null, null, lost, true)));
    assertTrue(RetryClassifier.shouldReconnect(new SessionEnd(1006, "", null, null, lost, false)));
  }

  @Test
  void handshakeTypesAreClassifiedByTheirStatusWhoeverBuiltThem() {
    assertFalse(RetryClassifier.isRetryable(new AuthenticationException("no", 401, "")));
    assertFalse(RetryClassifier.isRetryable(new UpgradeNotHonouredException("no", 400, "")));
    assertTrue(RetryClassifier.isRetryable(new ServiceUnavailableException("later", 503, "")));
    assertTrue(RetryClassifier.isRetryable(new HandshakeException("bad gateway", 502, "")));
    assertFalse(RetryClassifier.isRetryable(new HandshakeException("gone", 410, "")));
    assertInstanceOf(AuthenticationException.class, handshake(401, ""));
    assertInstanceOf(UpgradeNotHonouredException.class, handshake(400, "Invalid agent id"));
    assertInstanceOf(ServiceUnavailableException.class, handshake(503, ""));
  }

  @Test
  void serverErrorsAreClassifiedByTheirCode() {
    assertTrue(
        RetryClassifier.isRetryable(
            new ServerErrorException(new ErrorEvent("worker_not_ready", ""), 4000)));
    assertFalse(
        RetryClassifier.isRetryable(new ServerErrorException(new ErrorEvent("5xx", ""), 4000)));
    assertFalse(
        RetryClassifier.isRetryable(new ServerErrorException(new ErrorEvent("5030", ""), 4000)));
  }

  @Test
  void invalidFramesAreNotRetryable() {
    assertFalse(RetryClassifier.isRetryable(new InvalidFrameException("bad", "x", 3, null)));
  }

  @Test
  void handshakeStatusRule() {
    assertFalse(RetryClassifier.isRetryableHandshakeStatus(499));
    assertTrue(RetryClassifier.isRetryableHandshakeStatus(500));
    assertTrue(RetryClassifier.isRetryableHandshakeStatus(599));
    assertFalse(RetryClassifier.isRetryableHandshakeStatus(600));
  }

  @Test
  void rejectsNull() {
    assertThrows(NullPointerException.class, () -> RetryClassifier.isRetryable(null));
    assertThrows(NullPointerException.class, () -> RetryClassifier.shouldReconnect(null));
  }
}
