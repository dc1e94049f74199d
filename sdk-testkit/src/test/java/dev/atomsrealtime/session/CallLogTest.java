package dev.atomsrealtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.rest.ApiNotFoundException;
import dev.atomsrealtime.rest.CallLog;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.ManualScheduler;
import dev.atomsrealtime.testkit.RestRequest;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Call logs: read after a chat on the fake server, waited for while the server still processes
 * them. The waits between reads run on virtual time: the test moves the clock when the client has
 * armed its next pause.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
class CallLogTest {
  static final String KEY = "sk_test_call_logs_2b7e";
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Duration PROCESSING = Duration.ofSeconds(10);

  final ManualScheduler time = new ManualScheduler();
  /** The REST client's timers only, so the test sees each pause between reads. */
  final WatchedScheduler restTimers = new WatchedScheduler(time);
  final SimulatedAgent agent = SimulatedAgent.builder().greeting("Hello!")
      .chatReply(text -> "You asked: " + text).build();
  FakeAtomsServer server;
  AtomsClient client;
  AtomsClient rest;

  @BeforeEach
  void start() {
    server = FakeAtomsServer.builder().credential(KEY).behavior(agent).ticker(time)
        .callLogProcessingTime(PROCESSING).build().start();
    client = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).scheduler(time, time)
        .build();
    rest = AtomsClient.builder().apiKey(KEY).baseUrl(server.uri()).restBaseUrl(server.restUri())
        .scheduler(restTimers, time).build();
  }

  @AfterEach
  void stop() {
    client.close();
    rest.close();
    server.close();
    time.assertNoPendingTasks();
  }

  /** A chat of one question that lasts {@code length} on the server's clock; its call id. */
  private String chat(Duration length) throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomsSession session = client.newSession(
        SessionOptions.builder().agentId("agent-1").mode(Mode.CHAT).build(), listener);
    String callId = session.connect().get(5, TimeUnit.SECONDS).callId();
    listener.awaitEvent(e -> e instanceof TranscriptEvent t && t.text().equals("Hello!"), WAIT);
    session.sendText("when do you open?");
    listener.awaitEvent(e -> e instanceof TranscriptEvent t
        && t.text().equals("You asked: when do you open?"), WAIT);
    time.forwardTime(length);
    session.close();
    return callId;
  }

  @Test
  void aCallLogIsWaitedForThroughProcessingThenReadInFull() throws Exception {
    String callId = chat(Duration.ofSeconds(3));
    assertEquals("processing", rest.rest().callLog(callId).status());

    CompletableFuture<CallLog> waited =
        rest.rest().awaitCallLog(callId, Duration.ofMinutes(1)).toCompletableFuture();
    // Pauses of 0.5, 1, 2 and 4 s reach 7.5 s: still processing; the pause of 5 s passes 10 s.
    for (long millis : new long[] {500, 1_000, 2_000, 4_000, 5_000}) {
      restTimers.awaitArmed(Duration.ofMillis(millis), WAIT);
      assertFalse(waited.isDone(), "still processing before " + millis + " ms more");
      time.forwardTime(Duration.ofMillis(millis));
    }
    CallLog log = waited.get(5, TimeUnit.SECONDS);

    assertEquals("completed", log.status());
    assertEquals(callId, log.callId());
    assertEquals(3.0, log.durationSeconds());
    assertEquals(3.0 / 60 * 0.10, log.callCost(), 1e-4);
    assertTrue(log.recordingUrl().contains(callId), log.recordingUrl());
    assertEquals(List.of(
        new CallLog.Turn("agent", "Hello!", log.transcript().get(0).timestamp()),
        new CallLog.Turn("user", "when do you open?", log.transcript().get(1).timestamp()),
        new CallLog.Turn("agent", "You asked: when do you open?",
            log.transcript().get(2).timestamp())), log.transcript());
    assertNotNull(log.latency());
    assertEquals(1, log.latency().turns());
    assertEquals(List.of(0.0), log.latency().latencies(), "no virtual time passed in the turn");
    assertEquals("chat", log.raw().get("mode").asText(), "fields the SDK does not name are kept");
    assertTrue(log.rawJson().contains("\"mode\":\"chat\""), log.rawJson());

    List<RestRequest> reads = server.restRequests();
    assertEquals(1 + 6, reads.size(), "one read before the wait, then one per pause and the first");
    assertTrue(reads.stream().allMatch(r -> r.method().equals("GET")
        && r.path().equals("/atoms/v1/conversation/" + callId)));
  }

  @Test
  void aCallLogStillProcessingAfterTheTimeoutFailsWithATimeout() throws Exception {
    String callId = chat(Duration.ofSeconds(1));
    CompletableFuture<CallLog> waited =
        rest.rest().awaitCallLog(callId, Duration.ofSeconds(2)).toCompletableFuture();
    restTimers.awaitArmed(Duration.ofMillis(500), WAIT);
    time.forwardTime(Duration.ofMillis(500));
    restTimers.awaitArmed(Duration.ofMillis(1_000), WAIT);
    time.forwardTime(Duration.ofMillis(1_000));
    restTimers.awaitArmed(Duration.ofMillis(500), WAIT); // what is left of the 2 s
    time.forwardTime(Duration.ofMillis(500));
    ExecutionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> waited.get(5, TimeUnit.SECONDS));
    AtomsTimeoutException timeout = assertInstanceOf(AtomsTimeoutException.class,
        failed.getCause());
    assertTrue(timeout.getMessage().contains(callId) && timeout.getMessage().contains("processing"),
        timeout.getMessage());
  }

  @Test
  void anUnknownCallIsNotFoundAndTheWaitEndsAtOnce() throws Exception {
    ApiNotFoundException missing = org.junit.jupiter.api.Assertions.assertThrows(
        ApiNotFoundException.class, () -> rest.rest().callLog("CALL-1-000000"));
    assertEquals(404, missing.statusCode());
    assertEquals(List.of("Call not found"), missing.errors());

    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> rest.rest()
            .awaitCallLog("CALL-1-000000", Duration.ofMinutes(1)).toCompletableFuture()
            .get(5, TimeUnit.SECONDS));
    assertInstanceOf(ApiNotFoundException.class, failed.getCause());
  }
}
