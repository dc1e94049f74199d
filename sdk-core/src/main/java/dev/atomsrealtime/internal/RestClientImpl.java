package dev.atomsrealtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.rest.AtomsRestClient;
import dev.atomsrealtime.rest.CallLog;
import dev.atomsrealtime.rest.CallRegistration;
import dev.atomsrealtime.rest.CallToken;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST client (PROTOCOL.md §5): requests on the caller's thread or the client's blocking
 * pool, waits on the client's scheduler ({@link CallLogPoller}). The API key only ever goes into
 * the {@code Authorization} header; it is scrubbed from every body kept in an exception.
 */
public final class RestClientImpl implements AtomsRestClient {
  private static final Logger log = LoggerFactory.getLogger(RestClientImpl.class);
  static final String API_PATH = "/atoms/v1";

  private final String apiKey;
  private final URI base;
  private final RestHttp http;
  private final ClientResources resources;
  private final int timeoutMillis;

  /**
   * @param apiKey the {@code sk_} key sent as the bearer credential
   * @param base the REST base ({@code https://host[:port]}, without {@link #API_PATH})
   * @param http the HTTP seam
   * @param resources the client's pools, scheduler and clock
   * @param timeout the connect and read timeout of one request
   */
  public RestClientImpl(String apiKey, URI base, RestHttp http, ClientResources resources,
      Duration timeout) {
    this.apiKey = apiKey;
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.http = http;
    this.resources = resources;
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
  }

  @Override
  public CallToken registerCall(CallRegistration registration) {
    Objects.requireNonNull(registration, "registration");
    ObjectNode body = LenientJson.MAPPER.createObjectNode();
    body.put("agent_id", registration.agentId());
    body.put("mode", registration.mode().wireName());
    if (!registration.variables().isEmpty()) {
      body.set("variables", LenientJson.MAPPER.valueToTree(registration.variables()));
    }
    JsonNode response = call("register-call", "POST", "/conversation/register-call",
        body.toString().getBytes(StandardCharsets.UTF_8));
    JsonNode data = response.path("data").isObject() ? response.path("data") : response;
    String token = LenientJson.text(data, "access_token");
    if (token == null || token.isEmpty()) {
      throw new AtomsException("register-call answered without an access_token", false);
    }
    long expires = data.path("expires_in").asLong(30);
    int rate = data.path("sample_rate").asInt(24_000);
    log.debug("minted a call token for agent {} (valid {} s)", registration.agentId(), expires);
    return new CallToken(token, Duration.ofSeconds(expires), rate);
  }

  @Override
  public CompletionStage<CallToken> registerCallAsync(CallRegistration registration) {
    Objects.requireNonNull(registration, "registration");
    return onBlockingPool(() -> registerCall(registration));
  }

  @Override
  public CallLog callLog(String callId) {
    checkCallId(callId);
    return CallLog.fromResponse(call("call log " + callId, "GET",
        "/conversation/" + UrlEncoding.encode(callId), null));
  }

  @Override
  public CompletionStage<CallLog> callLogAsync(String callId) {
    checkCallId(callId);
    return onBlockingPool(() -> callLog(callId));
  }

  @Override
  public CompletionStage<CallLog> awaitCallLog(String callId, Duration timeout) {
    checkCallId(callId);
    Objects.requireNonNull(timeout, "timeout");
    return new CallLogPoller(this, resources, callId, timeout).start();
  }

  /** Runs {@code call} on the blocking pool; the stage fails with what it throws. */
  <T> CompletableFuture<T> onBlockingPool(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, resources.blocking());
    } catch (RejectedExecutionException e) {
      CompletableFuture<T> failed = new CompletableFuture<>();
      failed.completeExceptionally(new IllegalStateException("the AtomsClient is closed", e));
      return failed;
    }
  }

  private static void checkCallId(String callId) {
    Objects.requireNonNull(callId, "callId");
    if (callId.trim().isEmpty()) {
      throw new IllegalArgumentException("callId must not be empty");
    }
  }

  /** One request on this thread: the parsed body of a 2xx, else the mapped exception. */
  private JsonNode call(String what, String method, String path, byte[] body) {
    URI uri = URI.create(base + API_PATH + path);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + apiKey);
    headers.put("Accept", "application/json");
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    RestHttp.Response response;
    try {
      response = http.send(method, uri, headers, body, timeoutMillis);
    } catch (SocketTimeoutException e) {
      throw new AtomsTimeoutException(what + ": no answer from " + uri.getHost() + " within "
          + timeoutMillis + " ms");
    } catch (IOException e) {
      throw new ConnectionException(what + ": request to " + uri.getHost() + " failed: "
          + Redaction.scrub(String.valueOf(e.getMessage()), apiKey), true, null);
    }
    log.debug("{} {} -> HTTP {}", method, uri.getPath(), response.status());
    if (response.status() < 200 || response.status() > 299) {
      throw RestErrors.of(what, response.status(), response.body(), apiKey);
    }
    return LenientJson.readOrMissing(response.body());
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "AtomsRestClient[base=" + base + "]";
  }
}
