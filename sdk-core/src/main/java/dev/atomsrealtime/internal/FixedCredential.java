package dev.atomsrealtime.internal;

import dev.atomsrealtime.CredentialSupplier;

/**
 * A credential that never changes (an API key given to the client builder). Unlike an
 * application's supplier it is known not to block, so a connection attempt takes it at once
 * instead of handing the call to the blocking pool. Never shows the credential.
 */
public final class FixedCredential implements CredentialSupplier {
  private final String credential;

  public FixedCredential(String credential) {
    this.credential = credential;
  }

  @Override
  public String get() {
    return credential;
  }

  @Override
  public String toString() {
    return "FixedCredential[redacted]";
  }
}
