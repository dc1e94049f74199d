package dev.atomsrealtime.rest;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The Atoms REST calls a realtime application makes around its calls: minting call tokens and
 * reading call logs. Get it from {@code AtomsClient.rest()}; it uses the client's API key, base URL
 * and TLS context. Thread-safe.
 *
 * <pre>{@code
 * AtomsRestClient rest = client.rest();
 * CallToken token = rest.registerCall(CallRegistration.builder("agent-123").build());
 * // ... hand token.token() to a browser or phone; it opens one session within 30 s ...
 * CallLog log = rest.awaitCallLog(callId, Duration.ofMinutes(2)).toCompletableFuture().join();
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * The plain methods block the calling thread for one HTTP request. The {@code Async} methods and
 * {@link #awaitCallLog} never block the caller: requests run on the client's blocking pool ({@code
 * atoms-blocking-N}), and the pauses between polls run on the client's scheduler and clock (virtual
 * in tests), never on a thread that sleeps.
 *
 * <h2>Errors</h2>
 *
 * An HTTP error status arrives as an {@link ApiException} subtype with the body kept; a request that
 * runs out of time ({@code AtomsClient.Builder.restTimeout}) as {@link
 * dev.atomsrealtime.AtomsTimeoutException}; a connection that fails as {@link
 * dev.atomsrealtime.ConnectionException}. The API key never appears in a message or log line.
 * Async results fail with the same exceptions (unwrapped from {@link
 * java.util.concurrent.CompletionException} by {@code join()} callers as usual).
 */
public interface AtomsRestClient {

  /**
   * Mints a single-use call token ({@code POST /conversation/register-call}) on the calling thread.
   *
   * @param registration the agent, mode and variables the token is for
   * @return the token, its lifetime and the sample rate of the session it opens
   * @throws ApiException if the service refused (400 validation or no credits, 401, 404, 5xx)
   * @throws dev.atomsrealtime.AtomsException on a timeout or a failed connection
   */
  CallToken registerCall(CallRegistration registration);

  /**
   * {@link #registerCall} on the client's blocking pool.
   *
   * @param registration the agent, mode and variables the token is for
   * @return the token, or the failure {@link #registerCall} would throw
   */
  CompletionStage<CallToken> registerCallAsync(CallRegistration registration);

  /**
   * Reads a call log ({@code GET /conversation/{call_id}}) once, on the calling thread; it may
   * still be {@linkplain CallLog#isProcessing() processing}.
   *
   * @param callId the call id ({@code SessionInfo.callId()})
   * @return the call log as it is now
   * @throws ApiException if the service refused (404: no such call)
   * @throws dev.atomsrealtime.AtomsException on a timeout or a failed connection
   */
  CallLog callLog(String callId);

  /**
   * {@link #callLog} on the client's blocking pool.
   *
   * @param callId the call id
   * @return the call log, or the failure {@link #callLog} would throw
   */
  CompletionStage<CallLog> callLogAsync(String callId);

  /**
   * Reads a call log until it is no longer {@linkplain CallLog#isProcessing() processing}: polls
   * after 500 ms, then doubles the pause up to 5 s, for at most {@code timeout} on the client's
   * clock. An error status ends the wait at once with its exception.
   *
   * @param callId the call id
   * @param timeout the longest wait
   * @return the finished call log; or fails with {@link dev.atomsrealtime.AtomsTimeoutException}
   *     (the log still processing, or still missing, after {@code timeout}), or as {@link #callLog}
   */
  CompletionStage<CallLog> awaitCallLog(String callId, Duration timeout);
}
