package dev.atomsrealtime.reconnect;

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
import java.util.Objects;

/**
 * Decides whether a failure is worth a reconnect, exactly as PROTOCOL.md §3 says. The session asks
 * {@link #shouldReconnect(SessionEnd)} when a connection ends, and consults its {@link
 * ReconnectPolicy} only if the answer is yes.
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>how the connection ended</th><th>cause</th><th>reconnect?</th></tr>
 *   <tr><td>close 1000 after {@code session.created}; the agent ended the call ({@code
 *       session.closed} {@code ended}) and the socket closed with anything but 4000/4401/4403;
 *       the client called {@code close()}</td><td>none (a normal end)</td><td>no</td></tr>
 *   <tr><td>close 1000 before {@code session.created}</td><td>{@link ConnectionException}</td>
 *       <td>no: the server closed on purpose</td></tr>
 *   <tr><td>{@code session.closed} {@code setup_failed}, then any close but 4000/4401/4403</td>
 *       <td>{@link dev.atomsrealtime.SessionSetupException}</td><td>only if the server's last
 *       {@code error} before it had a retryable code</td></tr>
 *   <tr><td>HTTP 401/403 at the upgrade, close 4401/4403</td><td>{@link
 *       AuthenticationException}</td><td>never</td></tr>
 *   <tr><td>HTTP 400 "Invalid agent id"</td><td>{@link UpgradeNotHonouredException}</td>
 *       <td>no</td></tr>
 *   <tr><td>other HTTP 4xx (and unexpected 1xx-3xx)</td><td>{@link HandshakeException}</td>
 *       <td>no</td></tr>
 *   <tr><td>HTTP 503</td><td>{@link ServiceUnavailableException}</td><td>yes</td></tr>
 *   <tr><td>other HTTP 5xx</td><td>{@link HandshakeException}</td><td>yes</td></tr>
 *   <tr><td>close 4000 after {@code error}</td><td>{@link ServerErrorException}</td><td>only for
 *       {@code internal_error}, {@code worker_not_ready} and 5xx codes ({@code "503"})</td></tr>
 *   <tr><td>close 1001 from the server</td><td>{@link ConnectionException}</td><td>yes</td></tr>
 *   <tr><td>close 1005/1006 (connection lost), 1011/1012/1013/1014</td><td>{@link
 *       ConnectionException}</td><td>yes</td></tr>
 *   <tr><td>other close codes</td><td>{@link ConnectionException}</td><td>no</td></tr>
 *   <tr><td>could not connect (DNS, TCP, a drop during the TLS handshake)</td><td>{@link
 *       ConnectionException}</td><td>yes</td></tr>
 *   <tr><td>server certificate rejected, TLS negotiation failed</td><td>{@link
 *       ConnectionException}</td><td>no</td></tr>
 *   <tr><td>connect, {@code session.created} or keepalive timeout</td><td>{@link
 *       AtomsTimeoutException}</td><td>yes</td></tr>
 *   <tr><td>the {@link dev.atomsrealtime.CredentialSupplier} threw or returned nothing</td>
 *       <td>{@link AtomsException}</td><td>no: the application's supplier must be fixed</td></tr>
 * </table>
 *
 * <p>Types that carry the facts (HTTP status, server error code) are classified from those facts;
 * {@link ConnectionException} and other exceptions are classified by their {@link
 * AtomsException#isRetryable()} flag, which the SDK sets from the close code or the transport error
 * when it creates them. For every exception the SDK creates, {@link #isRetryable} agrees with
 * {@link AtomsException#isRetryable()}.
 *
 * <p>Every reconnect is a new session with a new credential from the supplier; see {@link
 * ReconnectPolicy}. This class is stateless and thread-safe.
 */
public final class RetryClassifier {
  private RetryClassifier() {}

  /**
   * Whether a session that ended this way should reconnect: false for a normal end ({@link
   * SessionEnd#cause()} is null: close 1000, or the agent ended the call) and for an end the client
   * asked for (even if a failure was recorded on the way), else {@link
   * #isRetryable(AtomsException)} of the cause.
   *
   * @param end how the session ended
   * @return whether a session that ended this way should reconnect: false for a normal end ({@link
   *     SessionEnd#cause()} is null: close 1000, or the agent ended the call) and for an end the
   *     client asked for (even if a failure was recorded on the way), else {@link
   *     #isRetryable(AtomsException)} of the cause
   * @throws NullPointerException if {@code end} is null
   */
  public static boolean shouldReconnect(SessionEnd end) {
    Objects.requireNonNull(end, "end");
    if (end.clientInitiated() || end.cause() == null) {
      return false;
    }
    return isRetryable(end.cause());
  }

  /**
   * Whether a new session may succeed where the one that failed with {@code cause} did not. See the
   * table in the class documentation.
   *
   * @param cause the underlying failure, or null
   * @return whether a new session may succeed where the one that failed with {@code cause} did not
   * @throws NullPointerException if {@code cause} is null
   */
  public static boolean isRetryable(AtomsException cause) {
    Objects.requireNonNull(cause, "cause");
    if (cause instanceof AuthenticationException || cause instanceof UpgradeNotHonouredException) {
      return false;
    }
    if (cause instanceof ServiceUnavailableException) {
      return true;
    }
    if (cause instanceof HandshakeException handshake) {
      return isRetryableHandshakeStatus(handshake.statusCode());
    }
    if (cause instanceof ServerErrorException serverError) {
      return serverError.error().isRetryable();
    }
    if (cause instanceof AtomsTimeoutException) {
      return true;
    }
    if (cause instanceof InvalidFrameException) {
      return false; // reported, never ends a session
    }
    // ConnectionException (the close code or transport error decided the flag), the credential
    // supplier's failures, and anything else.
    return cause.isRetryable();
  }

  /**
   * Whether an HTTP status refusing the WebSocket upgrade is worth a retry (PROTOCOL.md §1): any
   * 5xx (503 means the server is draining). 401/403 (credential), 400 (upgrade not honoured) and
   * every other status are not.
   *
   * @param statusCode the HTTP status code
   * @return whether an HTTP status refusing the WebSocket upgrade is worth a retry (PROTOCOL.md
   *     §1): any 5xx (503 means the server is draining)
   */
  public static boolean isRetryableHandshakeStatus(int statusCode) {
    return statusCode >= 500 && statusCode <= 599;
  }
}
