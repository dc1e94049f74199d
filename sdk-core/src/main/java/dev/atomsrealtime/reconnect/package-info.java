/**
 * Reconnecting after a lost connection: which failures are worth a new attempt ({@link
 * dev.atomsrealtime.reconnect.RetryClassifier}) and how long to wait before each ({@link
 * dev.atomsrealtime.reconnect.ReconnectPolicy}, by default {@link
 * dev.atomsrealtime.reconnect.ExponentialBackoff}: 500 ms doubling to a 30 s cap, ±20 % jitter
 * after the cap, at most 10 attempts).
 *
 * <p>Everything here is pure logic: no threads, no clocks, no sleeping. The session measures time
 * and schedules attempts on its own scheduler, and feeds the policy a {@link
 * dev.atomsrealtime.reconnect.ReconnectContext}; so policies are shareable, and testable without
 * waiting.
 *
 * <p>The Atoms protocol has no session resumption. A reconnect is a <strong>new session</strong>: a
 * new {@code session_id} and {@code call_id}, the agent's greeting again, tools declared again, and
 * audio captured while disconnected dropped rather than replayed. The credential is asked of the
 * {@link dev.atomsrealtime.CredentialSupplier} again for every attempt, and a single-use {@code
 * wct_} call token must be freshly minted each time.
 */
package dev.atomsrealtime.reconnect;
