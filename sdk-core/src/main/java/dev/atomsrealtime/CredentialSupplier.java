package dev.atomsrealtime;

/**
 * Supplies the credential for each connection attempt, without context: an {@code sk_} API key,
 * or a freshly minted single-use {@code wct_} call token. Called once per attempt on the client's
 * blocking pool ({@code atoms-blocking-N}); it may block (for example to mint a token).
 *
 * <p>The simple form of {@link CredentialProvider}, which is also told the agent, the attempt
 * number and why it is asked, and may answer asynchronously; prefer it for new code.
 */
@FunctionalInterface
public interface CredentialSupplier {

  /**
   * The credential to use for the next connection attempt.
   *
   * @return the credential; never null or blank
   */
  String get();
}
