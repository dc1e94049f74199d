package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.HandshakeException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.ServiceUnavailableException;
import dev.atomsrealtime.UpgradeNotHonouredException;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.transport.HandshakeRefusedException;
import java.net.URI;
import javax.net.ssl.SSLException;

/**
 * Maps what a transport reports to the SDK's typed exceptions, following PROTOCOL.md §1 and §3.
 * Messages never include credentials or full URLs (only the host).
 */
public final class Failures {
  private Failures() {}

  /** A connection that never opened. */
  public static AtomsException fromTransportFailure(Throwable error, URI baseUrl) {
    String host = baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
    if (error instanceof HandshakeRefusedException refused) {
      return fromHandshake(refused.statusCode(), refused.body());
    }
    if (error instanceof AtomsException atoms) {
      return atoms;
    }
    if (error instanceof SSLException || error.getCause() instanceof SSLException) {
      return new ConnectionException(
          "TLS handshake with " + host + " failed: " + describe(error)
              + " (check the server certificate and its host name, or supply trust material"
              + " with AtomsClient.Builder.sslContext)",
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
   * The failure behind a close the client did not ask for, or null when the end is normal (close
   * 1000, or the agent ended the call).
   */
  public static AtomsException fromClose(
      int code, String reason, ErrorEvent lastError, String closedReason, boolean wasOpen) {
    String why = reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
    switch (code) {
      case 1000:
        if (wasOpen) {
          return null;
        }
        return new ConnectionException(
            "the server closed the connection before session.created" + why, true, null);
      case 4000:
        return new ServerErrorException(
            lastError != null ? lastError : new ErrorEvent("unknown", reason == null ? "" : reason),
            code);
      case 4401:
      case 4403:
        return new AuthenticationException(
            "the server closed the session for authentication (close code " + code + ")" + why,
            code, reason);
      case 1001:
        if (SessionClosedEvent.ENDED.equals(closedReason)) {
          return null;
        }
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

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }
}
