package dev.atomsrealtime.testkit;

import dev.atomsrealtime.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call tokens a {@link FakeAtomsServer} minted: single-use, valid for {@link #LIFETIME} on the
 * server's clock. Thread-safe (the REST and WebSocket threads share it).
 */
final class CallTokenRegistry {
  /** How long a minted token stays valid, as on the service. */
  static final Duration LIFETIME = Duration.ofSeconds(30);

  /** What a token was minted for. */
  record Grant(String agentId, String mode, int sampleRateHz) {}

  /** The outcome of presenting a token. */
  enum Status { NOT_MINTED_HERE, ACCEPTED, ALREADY_USED, EXPIRED }

  /** A presented token's status, and its grant when accepted. */
  record Redemption(Status status, Grant grant) {}

  private record Minted(Grant grant, long mintedAtNanos) {}

  private final Ticker ticker;
  private final Map<String, Minted> unused = new ConcurrentHashMap<>();
  private final Map<String, Boolean> used = new ConcurrentHashMap<>();

  CallTokenRegistry(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Mints a token for {@code grant}. */
  String mint(Grant grant) {
    String token = "wct_" + UUID.randomUUID();
    unused.put(token, new Minted(grant, ticker.nanoTime()));
    return token;
  }

  /** Whether {@code token} was minted here (used or not). */
  boolean wasMinted(String token) {
    return unused.containsKey(token) || used.containsKey(token);
  }

  /** Uses {@code token} up (whatever the outcome, a minted token is never accepted twice). */
  Redemption redeem(String token) {
    Minted minted = unused.remove(token);
    if (minted == null) {
      return new Redemption(
          used.containsKey(token) ? Status.ALREADY_USED : Status.NOT_MINTED_HERE, null);
    }
    used.put(token, Boolean.TRUE);
    long age = ticker.nanoTime() - minted.mintedAtNanos();
    if (age >= LIFETIME.toNanos()) {
      return new Redemption(Status.EXPIRED, minted.grant());
    }
    return new Redemption(Status.ACCEPTED, minted.grant());
  }
}
