package dev.atomsrealtime.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call logs of a {@link FakeAtomsServer}: one per session it created, filled from what its
 * connection sends (final transcripts, agent start-talking events) and closed when the connection
 * ends. A log reads {@code in_progress} while the call runs, {@code processing} for the configured
 * time after it ended (on the server's clock), then {@code completed}. Thread-safe.
 */
final class CallLogBook {
  /** The made-up price of the fake service, per minute of call. */
  static final double COST_PER_MINUTE = 0.10;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Ticker ticker;
  private final Duration processing;
  private final Map<String, Call> calls = new ConcurrentHashMap<>();

  private static final class Call {
    final String callId;
    final String agentId;
    final String mode;
    final long startNanos;
    final List<ObjectNode> transcript = new ArrayList<>();
    final List<Double> latenciesMillis = new ArrayList<>();
    long lastUserNanos = -1;
    long endNanos = -1;

    Call(String callId, String agentId, String mode, long startNanos) {
      this.callId = callId;
      this.agentId = agentId;
      this.mode = mode;
      this.startNanos = startNanos;
    }
  }

  CallLogBook(Ticker ticker, Duration processing) {
    this.ticker = ticker;
    this.processing = processing;
  }

  void started(String callId, String agentId, String mode) {
    calls.putIfAbsent(callId, new Call(callId, agentId, mode, ticker.nanoTime()));
  }

  /** A final transcript the server sent: {@code role} is {@code agent} or {@code user}. */
  void said(String callId, String role, String text) {
    Call call = callId == null ? null : calls.get(callId);
    if (call == null) {
      return;
    }
    synchronized (call) {
      ObjectNode turn = JSON.objectNode();
      turn.put("role", role);
      turn.put("content", text);
      turn.put("timestamp", Instant.now().toString());
      call.transcript.add(turn);
      if (role.equals("user")) {
        call.lastUserNanos = ticker.nanoTime();
      } else {
        endTurn(call); // in chat mode the answer's transcript is the agent's start
      }
    }
  }

  /** The agent started talking: a turn's latency ends here. */
  void agentStarted(String callId) {
    Call call = callId == null ? null : calls.get(callId);
    if (call == null) {
      return;
    }
    synchronized (call) {
      endTurn(call);
    }
  }

  /** Guarded by call: the agent answered; the latency of the user's turn ends now. */
  private void endTurn(Call call) {
    if (call.lastUserNanos >= 0) {
      call.latenciesMillis.add((ticker.nanoTime() - call.lastUserNanos) / 1e6);
      call.lastUserNanos = -1;
    }
  }

  void ended(String callId) {
    Call call = callId == null ? null : calls.get(callId);
    if (call != null) {
      synchronized (call) {
        if (call.endNanos < 0) {
          call.endNanos = ticker.nanoTime();
        }
      }
    }
  }

  /** The ids of every call, in no particular order. */
  List<String> callIds() {
    return new ArrayList<>(calls.keySet());
  }

  /** The log's {@code data} object as the service would send it now, or null if unknown. */
  ObjectNode data(String callId) {
    Call call = calls.get(callId);
    if (call == null) {
      return null;
    }
    long now = ticker.nanoTime();
    ObjectNode data = JSON.objectNode();
    synchronized (call) {
      data.put("callId", call.callId);
      data.put("agent", call.agentId);
      data.put("type", "webcall");
      String status = call.endNanos < 0 ? "in_progress"
          : now - call.endNanos < processing.toNanos() ? "processing" : "completed";
      data.put("status", status);
      if (!status.equals("completed")) {
        return data;
      }
      double seconds = Math.round((call.endNanos - call.startNanos) / 1e6) / 1000.0;
      data.put("duration", seconds);
      data.put("recordingUrl", "https://recordings.example.invalid/" + call.callId + ".wav");
      ArrayNode transcript = data.putArray("transcript");
      call.transcript.forEach(transcript::add);
      data.set("turnLatencyMetrics", latency(call.latenciesMillis));
      data.put("callCost", Math.round(seconds / 60 * COST_PER_MINUTE * 10_000) / 10_000.0);
      data.put("mode", call.mode);
    }
    return data;
  }

  private static ObjectNode latency(List<Double> millis) {
    ObjectNode m = JSON.objectNode();
    m.put("turns", millis.size());
    ArrayNode all = m.putArray("latencies");
    millis.forEach(all::add);
    if (!millis.isEmpty()) {
      List<Double> sorted = new ArrayList<>(millis);
      sorted.sort(null);
      double sum = 0;
      for (double v : sorted) {
        sum += v;
      }
      m.put("avgLatency", sum / sorted.size());
      m.put("medianLatency", sorted.get(sorted.size() / 2));
      m.put("minLatency", sorted.get(0));
      m.put("maxLatency", sorted.get(sorted.size() - 1));
    }
    return m;
  }
}
