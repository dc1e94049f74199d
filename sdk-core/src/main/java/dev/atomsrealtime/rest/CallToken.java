package dev.atomsrealtime.rest;

import java.time.Duration;
import java.util.Objects;

/**
 * A minted call token ({@code wct_...}): single-use, valid for {@link #expiresIn()} from when it
 * was minted. It opens one session with the agent, mode and variables it was registered for; the
 * sample rate is fixed by the service ({@link #sampleRateHz()}). {@link #toString()} never shows
 * the token.
 */
public final class CallToken {
  private final String token;
  private final Duration expiresIn;
  private final int sampleRateHz;

  /**
   * @param token the token text
   * @param expiresIn how long it stays valid after minting
   * @param sampleRateHz the sample rate of the session it opens
   */
  public CallToken(String token, Duration expiresIn, int sampleRateHz) {
    this.token = Objects.requireNonNull(token, "token");
    this.expiresIn = Objects.requireNonNull(expiresIn, "expiresIn");
    this.sampleRateHz = sampleRateHz;
  }

  /**
   * The token to connect with. Keep it out of logs.
   *
   * @return the {@code wct_...} text
   */
  public String token() {
    return token;
  }

  /**
   * How long the token is valid after it was minted (30 s on the service).
   *
   * @return the lifetime
   */
  public Duration expiresIn() {
    return expiresIn;
  }

  /**
   * The sample rate of the session the token opens (24000 on the service).
   *
   * @return the rate in Hz
   */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "CallToken[redacted, expiresIn=" + expiresIn + ", sampleRateHz=" + sampleRateHz + "]";
  }
}
