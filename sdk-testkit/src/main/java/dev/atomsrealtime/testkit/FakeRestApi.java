package dev.atomsrealtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * The REST side of a {@link FakeAtomsServer} (PROTOCOL.md §5), on a second listener: {@code POST
 * /atoms/v1/conversation/register-call} mints call tokens, {@code GET
 * /atoms/v1/conversation/{call_id}} reads call logs. Errors carry the service's body, {@code
 * {"status":false,"errors":["..."]}}. Runs on the JDK's HTTP server with two daemon threads named
 * {@code atoms-fakerest-N}.
 */
final class FakeRestApi {
  static final String PREFIX = "/atoms/v1/conversation/";
  private static final String REGISTER = PREFIX + "register-call";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpServer http;
  private final ExecutorService threads;
  private final String credential;
  private final String agentId;
  private final int tokenRateHz;
  private final CallTokenRegistry tokens;
  private final CallLogBook calls;
  private final List<RestRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<Answer> scriptedFailure = new AtomicReference<>();

  FakeRestApi(SSLContext tls, String credential, String agentId, int tokenRateHz,
      CallTokenRegistry tokens, CallLogBook calls) throws IOException {
    this.credential = credential;
    this.agentId = agentId;
    this.tokenRateHz = tokenRateHz;
    this.tokens = tokens;
    this.calls = calls;
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    if (tls != null) {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      this.http = https;
    } else {
      this.http = HttpServer.create(loopback, 0);
    }
    this.threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "atoms-fakerest-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(threads);
    http.createContext("/", this::handle);
  }

  void start() {
    http.start();
  }

  int port() {
    return http.getAddress().getPort();
  }

  List<RestRequest> requests() {
    return new ArrayList<>(requests);
  }

  void failNext(Answer failure) {
    scriptedFailure.set(failure);
  }

  /** Stops listening and waits (bounded) for the threads. */
  boolean stop(long deadlineNanos) throws InterruptedException {
    http.stop(0);
    threads.shutdownNow();
    return threads.awaitTermination(
        Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Answer answer = answer(method, path, headers.get("Authorization"), body);
      requests.add(new RestRequest(method, path, headers, body, answer.status()));
      byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  private Answer answer(String method, String path, String authorization, String body) {
    Answer scripted = scriptedFailure.get();
    if (scripted != null) {
      return scripted;
    }
    if (!path.startsWith(PREFIX)) {
      return error(404, "Not found");
    }
    String key = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : "";
    if (key.isEmpty() || key.startsWith("wct_") || (credential != null && !credential.equals(key))) {
      return error(401, "Invalid or missing API key");
    }
    if (path.equals(REGISTER)) {
      return method.equals("POST") ? register(body) : error(405, "Use POST");
    }
    if (!method.equals("GET")) {
      return error(405, "Use GET");
    }
    ObjectNode data = calls.data(path.substring(PREFIX.length()));
    if (data == null) {
      return error(404, "Call not found");
    }
    return ok(200, data);
  }

  private Answer register(String body) {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "Body must be JSON");
    }
    if (request == null || !request.path("agent_id").isTextual()
        || request.path("agent_id").asText().isEmpty()) {
      return error(400, "agent_id is required");
    }
    String agent = request.path("agent_id").asText();
    if (agentId != null && !agentId.equals(agent)) {
      return error(404, "Agent not found");
    }
    String mode = request.path("mode").asText("webcall");
    if (!mode.equals("webcall") && !mode.equals("chat")) {
      return error(400, "mode must be webcall or chat");
    }
    JsonNode variables = request.path("variables");
    if (!variables.isMissingNode() && !variables.isObject()) {
      return error(400, "variables must be an object");
    }
    String token = tokens.mint(new CallTokenRegistry.Grant(agent, mode, tokenRateHz));
    ObjectNode data = JSON.createObjectNode();
    data.put("access_token", token);
    data.put("expires_in", CallTokenRegistry.LIFETIME.toSeconds());
    data.put("sample_rate", tokenRateHz);
    return ok(201, data);
  }

  /** A response: status and JSON body. */
  record Answer(int status, String body) {}

  /** An error with the service's body. */
  static Answer error(int status, String message) {
    return new Answer(status, HandshakeCheck.error(status, message).body());
  }

  private static Answer ok(int status, ObjectNode data) {
    ObjectNode response = JSON.createObjectNode();
    response.put("status", true);
    response.set("data", data);
    return new Answer(status, response.toString());
  }
}
