package dev.atomsrealtime;

import java.util.Objects;

/**
 * What a {@link CredentialProvider} is asked for: one connection attempt of one session.
 * Immutable.
 */
public final class CredentialRequest {

  /** Why a credential is asked for. */
  public enum Reason {
    /** The session's first connection attempt ({@link AtomsSession#connect()}). */
    FIRST_CONNECT,
    /** A reconnect after the failure in {@link #cause()}. */
    RECONNECT
  }

  private final SessionOptions options;
  private final int attempt;
  private final Reason reason;
  private final AtomsException cause;

  /**
   * @param options the session's options
   * @param attempt the attempt's number in the session, from 1
   * @param cause the failure the session is reconnecting after, or null for the first connect
   */
  public CredentialRequest(SessionOptions options, int attempt, AtomsException cause) {
    this.options = Objects.requireNonNull(options, "options");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
    }
    this.attempt = attempt;
    this.cause = cause;
    this.reason = cause == null ? Reason.FIRST_CONNECT : Reason.RECONNECT;
  }

  /**
   * The agent the session talks to.
   *
   * @return the agent id, or null if the session's options name none
   */
  public String agentId() {
    return options.agentId();
  }

  /**
   * The session's options (agent, mode, variables, sample rate).
   *
   * @return the options
   */
  public SessionOptions options() {
    return options;
  }

  /**
   * The attempt's number in the session: 1 for the first connect, then one more per reconnect
   * attempt.
   *
   * @return the attempt number
   */
  public int attempt() {
    return attempt;
  }

  /**
   * Why the credential is asked for.
   *
   * @return {@link Reason#FIRST_CONNECT} or {@link Reason#RECONNECT}
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The failure the session reconnects after.
   *
   * @return the cause, or null for the first connect
   */
  public AtomsException cause() {
    return cause;
  }

  @Override
  public String toString() {
    return "CredentialRequest[agentId=" + agentId() + ", attempt=" + attempt + ", reason="
        + reason + (cause == null ? "" : ", cause=" + cause.getClass().getSimpleName()) + "]";
  }
}
