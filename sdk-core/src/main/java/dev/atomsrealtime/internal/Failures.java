package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.SessionSetupException;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.transport.HandshakeRefusedException;
import java.io.EOFException;
import java.net.SocketException;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Maps what a transport reports to the SDK's typed exceptions, following PROTOCOL.md §1 and §3.
 * Messages never include credentials or full URLs (only the host).
 */
final class Failures {
  private Failures() {}

  /**
   * A connection that never opened. A rejected server certificate and a failed TLS negotiation are
   * not retryable; a connection dropped during the TLS handshake, like any other I/O failure, is.
   */
  public static AtomsException fromTransportFailure(Throwable error, URI baseUrl) {
    String host = baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
    if (error instanceof HandshakeRefusedException refused) {
      return fromHandshake(refused.statusCode(), refused.body());
    }
    if (error instanceof AtomsException atoms) {
      return atoms;
    }
    if (isCertificateFailure(error)) {
      return new ConnectionException(
          "TLS handshake with " + host + " failed: the server certificate was not accepted: "
              + describe(error)
              + " (check the server certificate and its host name, or supply trust material"
              + " with AtomsClient.Builder.sslContext)",
          false,
          error);
    }
    if (has(error, SSLException.class) && !isConnectionDrop(error)) {
      return new ConnectionException(
          "TLS handshake with " + host + " failed: " + describe(error)
              + " (the client and server could not agree on TLS parameters; check the TLS"
              + " configuration and any proxy on the path)",
          false,
          error);
    }
    return new ConnectionException(
        "could not connect to " + host + ": " + describe(error), true, error);
  }

  /** An HTTP refusal of the upgrade. */
  public static HandshakeException fromHandshake(int status, String body) {
    String shown = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    String suffix = shown.isEmpty() ? "" : ": " + shown;
    if (status == 401 || status == 403) {
      return new AuthenticationException(
          "authentication refused (HTTP " + status + ")" + suffix
              + " - check the API key or call token (tokens are single-use) and the agent id",
          status, body);
    }
    if (status == 400 && body != null && body.toLowerCase(java.util.Locale.ROOT)
        .contains("invalid agent id")) {
      return new UpgradeNotHonouredException(
          "the WebSocket upgrade was not honoured (HTTP 400" + suffix + "): a proxy or CDN on"
              + " the path likely spoke HTTP/2 or dropped the Upgrade header; this is not an"
              + " authentication problem",
          status, body);
    }
    if (status == 503) {
      return new ServiceUnavailableException(
          "the server is unavailable (HTTP 503" + suffix + "); retry with backoff", status, body);
    }
    return new HandshakeException("the server refused the upgrade with HTTP " + status + suffix,
        status, body);
  }

  /**
   * The failure behind a close the client did not ask for, or null when the end is normal: close
   * 1000 after {@code session.created}, or any close other than a fatal error (4000, 4401, 4403)
   * after the agent ended the call ({@code session.closed} with reason {@code ended}). A {@code
   * session.closed} with reason {@code setup_failed} is a {@link SessionSetupException} whatever
   * close follows (but 4000 and 4401/4403, which say more).
   *
   * <p>Retryability follows PROTOCOL.md §3: 4000 by the preceding error's code, 4401/4403 never,
   * 1000 before {@code session.created} never (the server closed on purpose), 1001/1005/1006 and
   * 1011-1014 yes, other codes no.
   */
  public static AtomsException fromClose(
      int code, String reason, ErrorEvent lastError, String closedReason, boolean wasOpen) {
    String why = reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
    switch (code) {
      case 4000:
        return new ServerErrorException(
            lastError != null ? lastError : new ErrorEvent("unknown", reason == null ? "" : reason),
            code);
      case 4401:
      case 4403:
        return new AuthenticationException(
            "the server closed the session for authentication (close code " + code + ")" + why,
            code, reason);
      default:
        break;
    }
    if (SessionClosedEvent.SETUP_FAILED.equals(closedReason)) {
      // The server gave up setting the session up; whatever close follows, it did not work.
      return new SessionSetupException(lastError, code);
    }
    switch (code) {
      case 1000:
        if (wasOpen) {
          return null;
        }
        // A deliberate, normal close: a new attempt would most likely be closed the same way.
        return new ConnectionException(
            "the server closed the connection before session.created" + why, false, null);
      default:
        break;
    }
    if (SessionClosedEvent.ENDED.equals(closedReason)) {
      // The agent ended the call; how the socket went down afterwards does not matter, and a
      // reconnect would start a new call (greeting again) the agent did not ask for.
      return null;
    }
    switch (code) {
      case 1001:
        return new ConnectionException("the server is going away (close code 1001)" + why, true,
            null);
      case 1005:
      case 1006:
        return new ConnectionException("the connection was lost (close code " + code + ")" + why,
            true, null);
      default:
        if (lastError != null && code >= 4000) {
          return new ServerErrorException(lastError, code);
        }
        return new ConnectionException(
            "the server closed the connection with code " + code + why,
            code == 1011 || code == 1012 || code == 1013 || code == 1014, null);
    }
  }

  /**
   * The credential supplier threw, or its stage failed. An {@link AtomsException} (such as a
   * failed {@code register-call}) is kept as it is, retryable or not by its own kind; anything else
   * is not retryable: the supplier is the application's code, and the SDK cannot tell whether
   * calling it again would help. The message names only the exception type, since the supplier's
   * message may contain a credential.
   */
  public static AtomsException fromCredentialSupplier(Throwable error) {
    if (error instanceof AtomsException atoms) {
      return atoms;
    }
    return new AtomsException(
        "the credential supplier failed: " + error.getClass().getName(), false, error);
  }

  /** An {@code sk_} API key with no agent to talk to: refused before connecting. */
  static AtomsException apiKeyWithoutAgent() {
    return new AtomsException("an sk_ API key needs an agent id: set SessionOptions.agentId(...)"
        + " (only a wct_ call token names its agent itself)", false);
  }

  /** The credential supplier returned null or a blank string. Not retryable. */
  public static AtomsException missingCredential() {
    return new AtomsException("the credential supplier returned no credential", false);
  }

  /**
   * Whether the TLS handshake failed because the server's certificate was rejected: not trusted,
   * expired, or not matching the host name. Retrying cannot fix that.
   */
  static boolean isCertificateFailure(Throwable error) {
    return has(error, CertificateException.class)
        || has(error, CertPathValidatorException.class)
        || has(error, CertPathBuilderException.class)
        || has(error, SSLPeerUnverifiedException.class);
  }

  /**
   * Whether a TLS failure is really the connection going away mid-handshake ("Remote host
   * terminated the handshake", a reset): a plain I/O error below the TLS layer. That is a lost
   * connection, retryable like 1006.
   */
  static boolean isConnectionDrop(Throwable error) {
    for (Throwable t : chain(error)) {
      if (t instanceof EOFException || t instanceof SocketException) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t : chain(error)) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The error and its causes, at most 16 deep, stopping at a cycle. */
  private static List<Throwable> chain(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && chain.size() < 16; t = t.getCause()) {
      for (Throwable seen : chain) {
        if (seen == t) {
          return chain;
        }
      }
      chain.add(t);
    }
    return chain;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }
}
