package dev.atomsrealtime.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.internal.EventCodec;
import dev.atomsrealtime.testkit.HandshakeRecord.CredentialSource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.handshake.ClientHandshake;

/**
 * Validates one upgrade request the way the Atoms gateway does, and records it. Stateless apart
 * from the configuration; runs on a WebSocket worker thread.
 */
final class HandshakeCheck {
  static final String CONNECT_PATH = "/atoms/v1/agent/connect";
  static final Set<Integer> SAMPLE_RATES_HZ = Set.of(8_000, 16_000, 24_000, 48_000);
  static final int DEFAULT_SAMPLE_RATE_HZ = 24_000;

  private static final Pattern BEARER = Pattern.compile("(?i)bearer[ \\t]+(\\S*)\\s*");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The outcome: the record, plus the refusal to send or the rate to announce, and the grant of
   * the call token minted here that opened it (null for any other credential).
   */
  record Verdict(HandshakeRecord record, HttpRefusal refusal, int sampleRateHz,
      CallTokenRegistry.Grant grant) {}

  private final String credential;
  private final String agentId;
  private final Integer sampleRateHz;
  private final CallTokenRegistry tokens;

  HandshakeCheck(String credential, String agentId, Integer sampleRateHz,
      CallTokenRegistry tokens) {
    this.credential = credential;
    this.agentId = agentId;
    this.sampleRateHz = sampleRateHz;
    this.tokens = tokens;
  }

  /**
   * Checks {@code request}. A {@code scripted} refusal (from {@link
   * FakeAtomsServer#refuseNextHandshakes}) wins over every rule.
   */
  Verdict check(ClientHandshake request, HttpRefusal scripted) {
    String target = request.getResourceDescriptor();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String rawQuery = q < 0 ? "" : target.substring(q + 1);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Iterator<String> it = request.iterateHttpFields(); it.hasNext(); ) {
      String name = it.next();
      headers.put(name, request.getFieldValue(name));
    }
    Map<String, String> query = new LinkedHashMap<>();
    boolean queryMalformed = !parseQuery(rawQuery, query);

    String authorization = headers.get("Authorization");
    String headerCredential = null;
    if (authorization != null) {
      Matcher m = BEARER.matcher(authorization);
      headerCredential = m.matches() ? m.group(1) : "";
    }
    String queryCredential = query.get("token");
    CredentialSource source;
    String presented;
    if (headerCredential != null && queryCredential != null) {
      source = CredentialSource.BOTH;
      presented = headerCredential;
    } else if (headerCredential != null) {
      source = CredentialSource.HEADER;
      presented = headerCredential;
    } else if (queryCredential != null) {
      source = CredentialSource.QUERY;
      presented = queryCredential;
    } else {
      source = CredentialSource.NONE;
      presented = null;
    }

    HttpRefusal refusal = scripted;
    CallTokenRegistry.Grant grant = null;
    if (refusal == null) {
      refusal = refusal(path, query, queryMalformed, authorization, source, presented);
    }
    if (refusal == null && presented.startsWith("wct_")) {
      // Minted here: single-use and short-lived, and it names agent, mode and rate itself.
      CallTokenRegistry.Redemption redemption = tokens.redeem(presented);
      switch (redemption.status()) {
        case ALREADY_USED -> refusal = error(401, "Call token already used");
        case EXPIRED -> refusal = error(401, "Call token expired");
        case ACCEPTED -> grant = redemption.grant();
        default -> { }
      }
    }
    boolean callToken = presented != null && presented.startsWith("wct_");
    int rate = grant != null && sampleRateHz == null ? grant.sampleRateHz()
        : negotiatedRate(query.get("sample_rate"), callToken);
    HandshakeRecord record =
        new HandshakeRecord(
            path,
            rawQuery,
            query,
            headers,
            presented,
            source,
            refusal == null,
            refusal == null ? 101 : refusal.status(),
            refusal == null ? "" : refusal.body());
    return new Verdict(record, refusal, rate, grant);
  }

  private HttpRefusal refusal(
      String path,
      Map<String, String> query,
      boolean queryMalformed,
      String authorization,
      CredentialSource source,
      String presented) {
    if (!CONNECT_PATH.equals(path)) {
      return error(404, "Not found");
    }
    if (queryMalformed) {
      return error(400, "Malformed query string");
    }
    if (source == CredentialSource.BOTH) {
      return error(
          400,
          "Send the credential either in the Authorization header or in the token query"
              + " parameter, not both");
    }
    if (source == CredentialSource.NONE) {
      return error(401, "Missing credential");
    }
    if (source == CredentialSource.HEADER && presented.isEmpty()) {
      return error(401, "Authorization header must be 'Bearer <credential>'");
    }
    if (presented.isEmpty() || (credential != null && !credential.equals(presented)
        && !tokens.wasMinted(presented))) {
      return error(401, "Invalid credential");
    }
    if (presented.startsWith("wct_")) {
      // A call token fixes agent, mode and rate; the gateway ignores those parameters.
      return null;
    }
    if (agentId != null && !agentId.equals(query.get("agent_id"))) {
      return error(401, "Agent not found or not accessible with this credential");
    }
    String mode = query.get("mode");
    if (mode != null && !mode.equals("webcall") && !mode.equals("chat")) {
      return error(400, "Invalid mode '" + mode + "': expected webcall or chat");
    }
    String rate = query.get("sample_rate");
    if (rate != null && parseRate(rate) == null) {
      return error(400, "Invalid sample_rate '" + rate + "': expected 8000, 16000, 24000 or 48000");
    }
    String variables = query.get("variables");
    if (variables != null && !isJsonObject(variables)) {
      return error(400, "variables must be a JSON object");
    }
    return null;
  }

  private int negotiatedRate(String requested, boolean callToken) {
    if (sampleRateHz != null) {
      return sampleRateHz;
    }
    Integer rate = requested == null || callToken ? null : parseRate(requested);
    return rate == null ? DEFAULT_SAMPLE_RATE_HZ : rate;
  }

  private static Integer parseRate(String value) {
    try {
      int rate = Integer.parseInt(value.trim());
      return SAMPLE_RATES_HZ.contains(rate) ? rate : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isJsonObject(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** A refusal with the gateway's JSON error body. */
  static HttpRefusal error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", false);
    body.put("errors", List.of(message));
    return new HttpRefusal(status, EventCodec.INSTANCE.toJson(body));
  }

  /**
   * Fills {@code into} with the percent-decoded parameters (first value wins). Returns false if
   * some part is not valid percent-encoding (the parts that are stay in the map).
   */
  static boolean parseQuery(String rawQuery, Map<String, String> into) {
    if (rawQuery.isEmpty()) {
      return true;
    }
    boolean ok = true;
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      try {
        into.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        ok = false;
      }
    }
    return ok;
  }
}
