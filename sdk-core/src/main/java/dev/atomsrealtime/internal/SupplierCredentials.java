package dev.atomsrealtime.internal;

import dev.atomsrealtime.CredentialProvider;
import dev.atomsrealtime.CredentialRequest;
import dev.atomsrealtime.CredentialSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@link CredentialSupplier} as a {@link CredentialProvider}: asked on the calling thread. */
public final class SupplierCredentials implements CredentialProvider {
  private final CredentialSupplier supplier;

  public SupplierCredentials(CredentialSupplier supplier) {
    this.supplier = supplier;
  }

  @Override
  public CompletionStage<String> credential(CredentialRequest request) {
    return CompletableFuture.completedFuture(supplier.get());
  }

  @Override
  public String toString() {
    return "SupplierCredentials[" + supplier.getClass().getName() + "]";
  }
}
