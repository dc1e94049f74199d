package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.transport.SerialContext;
import dev.atomsrealtime.transport.Transport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keepalive and idle detection of one open connection: a WebSocket ping every {@link
 * dev.atomsrealtime.SessionOptions#keepaliveInterval()}, and the connection declared lost as soon
 * as it has been {@link dev.atomsrealtime.SessionOptions#idleTimeout()} without a frame or a pong.
 * The idle check is scheduled for the moment the limit would be reached and put off by whatever
 * arrived meanwhile: the read thread only notes the time of each frame, no timer is touched per
 * frame.
 *
 * <p>Threads: {@link #heard} from the transport's threads; everything else in the session's
 * context (timers run there).
 */
final class Liveness {
  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private final ConnectionAttempt.Env env;
  private final Transport transport;
  private final Consumer<AtomsException> lost;
  private volatile long lastHeardNanos;
  // Context only.
  private boolean stopped;
  private SerialContext.ScheduledHandle pingTimer;
  private SerialContext.ScheduledHandle idleTimer;

  /** Starts pinging and watching, counting silence from {@code openedAtNanos}. */
  Liveness(ConnectionAttempt.Env env, Transport transport, long openedAtNanos,
      Consumer<AtomsException> lost) {
    this.env = env;
    this.transport = transport;
    this.lost = lost;
    this.lastHeardNanos = openedAtNanos;
    schedulePing();
    scheduleIdleCheck(openedAtNanos);
  }

  /** Any thread: a frame or a pong arrived. */
  void heard(long nowNanos) {
    lastHeardNanos = nowNanos;
  }

  /** Context: the connection ended; no more pings or checks. */
  void stop() {
    stopped = true;
    ConnectionAttempt.Env.cancel(pingTimer);
    ConnectionAttempt.Env.cancel(idleTimer);
  }

  private void schedulePing() {
    pingTimer = env.schedule(env.options().keepaliveInterval(), () -> {
      if (!stopped) {
        transport.sendPing();
        schedulePing();
      }
    });
  }

  private void scheduleIdleCheck(long lastHeard) {
    long idle = env.options().idleTimeout().toNanos();
    idleTimer = env.schedule(Duration.ofNanos(Math.max(0, lastHeard + idle - now())),
        this::idleCheck);
  }

  private void idleCheck() {
    if (stopped) {
      return;
    }
    long last = lastHeardNanos;
    long silentNanos = now() - last;
    if (silentNanos < env.options().idleTimeout().toNanos()) {
      scheduleIdleCheck(last);
      return;
    }
    long silentMillis = TimeUnit.NANOSECONDS.toMillis(silentNanos);
    log.info("session {}: no data or pong for {} ms; the connection is lost", env.sessionId(),
        silentMillis);
    lost.accept(new ConnectionException("the connection was silent for " + silentMillis
        + " ms (idle timeout " + env.options().idleTimeout().toMillis() + " ms); declared lost",
        true, null));
  }



  private long now() {
    return env.resources().ticker().nanoTime();
  }
}
