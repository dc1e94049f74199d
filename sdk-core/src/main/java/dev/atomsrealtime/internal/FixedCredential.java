package dev.atomsrealtime.internal;

import dev.atomsrealtime.CredentialProvider;
import dev.atomsrealtime.CredentialRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A credential that never changes (an API key given to the client builder). Unlike an
 * application's provider it is known not to block, so a connection attempt takes it at once
 * instead of handing the call to the blocking pool. Never shows the credential.
 */
public final class FixedCredential implements CredentialProvider {
  private final String credential;

  public FixedCredential(String credential) {
    this.credential = credential;
  }

  public String get() {
    return credential;
  }

  @Override
  public CompletionStage<String> credential(CredentialRequest request) {
    return CompletableFuture.completedFuture(credential);
  }

  @Override
  public String toString() {
    return "FixedCredential[redacted]";
  }
}
