package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthenticationException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.audio.AudioException;

/** The CLI's exit codes: one per kind of failure, so scripts can tell them apart. */
final class ExitCodes {
  static final int OK = 0;
  static final int UNEXPECTED = 1;
  /** Bad arguments or configuration (picocli's own usage errors are 2 as well). */
  static final int USAGE = 2;
  /** The credential or agent was refused (HTTP 401/403). */
  static final int AUTH = 3;
  /** The server could not be reached, or did not answer in time. */
  static final int UNREACHABLE = 4;
  /** The server refused or ended the session with an error. */
  static final int SERVER = 5;
  /** An audio file or device problem. */
  static final int AUDIO = 6;
  /** The connection was lost during the call. */
  static final int CONNECTION_LOST = 7;

  private ExitCodes() {}

  /** The exit code for a failure to connect. */
  static int forConnectFailure(Throwable t) {
    if (t instanceof AuthenticationException
        || t instanceof dev.atomsrealtime.rest.ApiAuthenticationException) {
      return AUTH;
    }
    if (t instanceof ConnectionException || t instanceof AtomsTimeoutException) {
      return UNREACHABLE;
    }
    if (t instanceof AudioException) {
      return AUDIO;
    }
    if (t instanceof AtomsException) {
      return SERVER;
    }
    return UNEXPECTED;
  }

  /** The exit code for a failure that ended an open session. */
  static int forSessionFailure(AtomsException cause) {
    if (cause instanceof ConnectionException) {
      return CONNECTION_LOST;
    }
    return forConnectFailure(cause);
  }
}
