package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.CredentialProvider;
import dev.atomsrealtime.CredentialRequest;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Asks a session's {@link CredentialProvider} for one attempt's credential. Runs on the client's
 * blocking pool: the provider is application code and may mint a token over the network. Its stage
 * may complete on any thread; the callbacks only hand the answer to the session's context.
 */
final class AttemptCredential {
  private AttemptCredential() {}

  static void fetch(CredentialProvider provider, CredentialRequest request,
      Consumer<String> connect, Consumer<AtomsException> fail) {
    CompletionStage<String> stage;
    try {
      stage = provider.credential(request);
    } catch (RuntimeException e) {
      fail.accept(Failures.fromCredentialSupplier(e));
      return;
    }
    if (stage == null) {
      fail.accept(Failures.missingCredential());
      return;
    }
    stage.whenComplete((credential, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        fail.accept(Failures.fromCredentialSupplier(cause));
      } else if (credential == null || credential.trim().isEmpty()) {
        fail.accept(Failures.missingCredential());
      } else {
        connect.accept(credential);
      }
    });
  }
}
