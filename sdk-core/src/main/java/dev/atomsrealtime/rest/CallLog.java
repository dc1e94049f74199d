package dev.atomsrealtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atomsrealtime.internal.LenientJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The log of one call ({@code GET /conversation/{call_id}}): its status, duration, recording,
 * transcript, turn latencies and cost. The service adds fields over time; everything it sent,
 * known here or not, stays in {@link #raw()}. A field the service left out is null (or empty).
 *
 * <p>The service builds the log after the call ends: until then the status is {@code processing}
 * or {@code in_progress} ({@link #isProcessing()}), and {@link AtomsRestClient#awaitCallLog} waits
 * through it. Immutable.
 */
public final class CallLog {
  private final JsonNode raw;
  private final List<Turn> transcript;
  private final LatencyMetrics latency;

  private CallLog(JsonNode raw) {
    this.raw = raw;
    List<Turn> turns = new ArrayList<>();
    for (JsonNode t : raw.path("transcript")) {
      turns.add(new Turn(LenientJson.text(t, "role"), LenientJson.text(t, "content"),
          LenientJson.text(t, "timestamp")));
    }
    this.transcript = Collections.unmodifiableList(turns);
    JsonNode m = raw.path("turnLatencyMetrics");
    this.latency = m.isObject() ? new LatencyMetrics(m) : null;
  }

  /**
   * Reads a call log from the service's response: its {@code data} object, or the whole body when
   * there is none.
   *
   * @param response the response body as a tree
   * @return the call log
   */
  public static CallLog fromResponse(JsonNode response) {
    JsonNode data = response.path("data");
    return new CallLog((data.isObject() ? data : response).deepCopy());
  }

  /**
   * The call id ({@code CALL-<epoch ms>-<6 hex>}).
   *
   * @return the id, or null
   */
  public String callId() {
    return LenientJson.text(raw, "callId");
  }

  /**
   * The status: {@code pending}, {@code in_progress}, {@code in_queue}, {@code processing}, {@code
   * active}, {@code completed}, {@code failed}, {@code no_answer}, {@code cancelled}, or another the
   * service adds.
   *
   * @return the status, or null
   */
  public String status() {
    return LenientJson.text(raw, "status");
  }

  /**
   * Whether the service is still building the log ({@code processing} or {@code in_progress}).
   *
   * @return true while a later read may differ
   */
  public boolean isProcessing() {
    String s = status();
    if (s == null) {
      return false;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    return lower.equals("processing") || lower.equals("in_progress");
  }

  /**
   * The call's length in seconds.
   *
   * @return the duration, or null
   */
  public Double durationSeconds() {
    JsonNode d = raw.path("duration");
    return d.isNumber() ? Double.valueOf(d.asDouble()) : null;
  }

  /**
   * Where the recording can be downloaded.
   *
   * @return the URL, or null
   */
  public String recordingUrl() {
    return LenientJson.text(raw, "recordingUrl");
  }

  /**
   * What the call cost, in the unit the service reports.
   *
   * @return the cost, or null
   */
  public Double callCost() {
    JsonNode c = raw.path("callCost");
    return c.isNumber() ? Double.valueOf(c.asDouble()) : null;
  }

  /**
   * The transcript, in order.
   *
   * @return the turns, unmodifiable
   */
  public List<Turn> transcript() {
    return transcript;
  }

  /**
   * The turn latency metrics.
   *
   * @return the metrics, or null when the service sent none
   */
  public LatencyMetrics latency() {
    return latency;
  }

  /**
   * Everything the service sent for the call, including fields this class does not name.
   *
   * @return a copy of the JSON object
   */
  public JsonNode raw() {
    return raw.deepCopy();
  }

  /**
   * {@link #raw()} as JSON text.
   *
   * @return the JSON text
   */
  public String rawJson() {
    return raw.toString();
  }

  @Override
  public String toString() {
    return "CallLog[callId=" + callId() + ", status=" + status() + ", duration="
        + durationSeconds() + ", turns=" + transcript.size() + "]";
  }

  /**
   * One transcript entry.
   *
   * @param role {@code agent} or {@code user} (null if absent)
   * @param content what was said
   * @param timestamp when, ISO-8601 as the service wrote it (null if absent)
   */
  public record Turn(String role, String content, String timestamp) {}

  /**
   * The service's turn latency metrics ({@code turnLatencyMetrics}), in the unit it reports them
   * (milliseconds); a value it left out is null.
   */
  public static final class LatencyMetrics {
    private final JsonNode node;

    private LatencyMetrics(JsonNode node) {
      this.node = node;
    }

    /**
     * How many turns were measured.
     *
     * @return the count, or null
     */
    public Integer turns() {
      JsonNode n = node.path("turns");
      return n.isNumber() ? Integer.valueOf(n.asInt()) : null;
    }

    /**
     * The mean latency.
     *
     * @return the value, or null
     */
    public Double average() {
      return number("avgLatency");
    }

    /**
     * The median latency.
     *
     * @return the value, or null
     */
    public Double median() {
      return number("medianLatency");
    }

    /**
     * The smallest latency.
     *
     * @return the value, or null
     */
    public Double min() {
      return number("minLatency");
    }

    /**
     * The largest latency.
     *
     * @return the value, or null
     */
    public Double max() {
      return number("maxLatency");
    }

    /**
     * Each turn's latency, in order.
     *
     * @return the values, unmodifiable
     */
    public List<Double> latencies() {
      List<Double> out = new ArrayList<>();
      for (JsonNode v : node.path("latencies")) {
        if (v.isNumber()) {
          out.add(v.asDouble());
        }
      }
      return Collections.unmodifiableList(out);
    }

    private Double number(String field) {
      JsonNode n = node.path(field);
      return n.isNumber() ? Double.valueOf(n.asDouble()) : null;
    }

    @Override
    public String toString() {
      return "LatencyMetrics[turns=" + turns() + ", average=" + average() + ", median="
          + median() + "]";
    }
  }
}
