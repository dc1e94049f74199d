package dev.atomsrealtime.rest;

import dev.atomsrealtime.CredentialProvider;
import dev.atomsrealtime.CredentialRequest;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A {@link CredentialProvider} that mints a fresh call token for every connection attempt
 * through {@code register-call}, for the session's agent, mode and variables: call tokens are
 * single-use and live 30 s, so a reconnect needs a new one. {@code
 * AtomsClient.Builder.callTokenPerAttempt()} installs it with the client's own REST client; build
 * one yourself to mint with another client's key.
 *
 * <p>A failed mint fails the attempt with the REST call's exception: a 5xx ({@link
 * ApiServerException}) or a timeout is retried by the session's reconnect policy like a failed
 * connection, a 400/401/404 is not.
 */
public final class CallTokenCredentials implements CredentialProvider {
  private final AtomsRestClient rest;

  /**
   * @param rest the REST client whose API key mints the tokens
   */
  public CallTokenCredentials(AtomsRestClient rest) {
    this.rest = Objects.requireNonNull(rest, "rest");
  }

  /**
   * Mints a token for the attempt's session.
   *
   * @param request the attempt
   * @return the token text, once minted
   * @throws IllegalArgumentException if the session's options name no agent
   */
  @Override
  public CompletionStage<String> credential(CredentialRequest request) {
    return rest.registerCallAsync(CallRegistration.of(request.options()))
        .thenApply(CallToken::token);
  }

  @Override
  public String toString() {
    return "CallTokenCredentials[" + rest + "]";
  }
}
