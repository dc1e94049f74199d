package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.rest.CallLog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for one call log to finish processing: each read on the blocking pool, each pause on the
 * client's scheduler (500 ms, doubling, at most 5 s), the whole bounded by a timeout on the
 * client's clock. One read at a time, so its fields are confined to the chain of tasks.
 */
final class CallLogPoller {
  static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  private final RestClientImpl rest;
  private final ClientResources resources;
  private final String callId;
  private final Duration timeout;
  private final CompletableFuture<CallLog> result = new CompletableFuture<>();
  private long deadlineNanos;
  private long pauseNanos = FIRST_PAUSE.toNanos();
  private int reads;

  CallLogPoller(RestClientImpl rest, ClientResources resources, String callId, Duration timeout) {
    this.rest = rest;
    this.resources = resources;
    this.callId = callId;
    this.timeout = timeout;
  }

  CompletableFuture<CallLog> start() {
    deadlineNanos = resources.ticker().nanoTime() + timeout.toNanos();
    read();
    return result;
  }

  private void read() {
    reads++;
    rest.onBlockingPool(() -> rest.callLog(callId)).whenComplete((log, error) -> {
      if (error != null) {
        result.completeExceptionally(
            error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error);
      } else if (!log.isProcessing()) {
        result.complete(log);
      } else {
        pauseThenRead(log.status());
      }
    });
  }

  private void pauseThenRead(String status) {
    long left = deadlineNanos - resources.ticker().nanoTime();
    if (left <= 0) {
      result.completeExceptionally(new AtomsTimeoutException("the call log of " + callId
          + " was still " + status + " after " + timeout.toMillis() + " ms (" + reads
          + " reads)"));
      return;
    }
    long pause = Math.min(pauseNanos, left);
    pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE.toNanos());
    try {
      resources.scheduler().schedule(this::read, pause, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the AtomsClient is closed", e));
    }
  }
}
