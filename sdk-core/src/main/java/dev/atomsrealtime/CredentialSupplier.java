package dev.atomsrealtime;

/**
 * Supplies the credential for each connection attempt: an {@code sk_} API key, or a freshly
 * minted single-use {@code wct_} call token. Called once per attempt, on an SDK thread; it may
 * block briefly (for example to mint a token).
 */
@FunctionalInterface
public interface CredentialSupplier {

  /** {@return the credential to use for the next connection attempt; never null or blank} */
  String get();
}
