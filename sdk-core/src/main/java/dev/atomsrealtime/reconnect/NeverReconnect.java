package dev.atomsrealtime.reconnect;

import java.time.Duration;
import java.util.Optional;

/** The policy behind {@link ReconnectPolicy#never()}. */
enum NeverReconnect implements ReconnectPolicy {
  INSTANCE;

  @Override
  public Optional<Duration> nextDelay(ReconnectContext context) {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "ReconnectPolicy.never()";
  }
}
