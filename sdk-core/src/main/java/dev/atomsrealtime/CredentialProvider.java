package dev.atomsrealtime;

import java.util.concurrent.CompletionStage;

/**
 * Supplies the credential for each connection attempt, knowing what it is for: the agent and
 * options of the session, the attempt's number, and whether it is the first connect or a reconnect
 * after which failure ({@link CredentialRequest}). It may answer at once (a completed stage) or
 * later (a token minted over the network); either way the attempt is bounded by {@link
 * SessionOptions#connectTimeout()}.
 *
 * <p>Threads: called on the client's blocking pool ({@code atoms-blocking-N}), never on its
 * scheduler thread or a transport thread, so a provider may block, and providers of different
 * sessions run at the same time. The stage may be completed on any thread.
 *
 * <pre>{@code
 * AtomsClient client = AtomsClient.builder()
 *     .credentialProvider(request -> myBackend.mintTokenAsync(request.agentId()))
 *     .build();
 * }</pre>
 *
 * <p>{@code AtomsClient.Builder.callTokenPerAttempt()} installs a ready-made provider that mints a
 * fresh call token per attempt through {@code register-call} ({@link
 * dev.atomsrealtime.rest.CallTokenCredentials}).
 */
@FunctionalInterface
public interface CredentialProvider {

  /**
   * The credential for one connection attempt: an {@code sk_} API key or an unused {@code wct_}
   * call token. A stage that fails, or completes with null or an empty string, fails the attempt
   * (not retried: the credential is the application's to fix).
   *
   * @param request what the credential is for
   * @return the credential, now or later; never null
   */
  CompletionStage<String> credential(CredentialRequest request);
}
