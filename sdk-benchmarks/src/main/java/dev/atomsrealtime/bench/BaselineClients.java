package dev.atomsrealtime.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.audio.PcmFormat;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * The baseline: what platform guides show without an SDK. One Java-WebSocket {@link
 * WebSocketClient} per session with the library's defaults (its connection-lost timer included),
 * one shared {@link ObjectMapper}, a Jackson tree per message ({@code readTree}, audio as a base64
 * String through {@link Base64}), {@code send(String)} for the outgoing audio (on the pacer's
 * thread), and agent audio written to the sink straight from {@code onMessage}. One deviation from
 * the guides: {@code setTcpNoDelay(true)}, as the SDK does, so that the comparison is not about
 * Nagle's algorithm.
 */
final class BaselineClients extends LoadClients {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final PcmFormat FORMAT = PcmFormat.pcm16Mono(24_000);

  private final List<Client> clients = new ArrayList<>();
  private final AtomicInteger errors = new AtomicInteger();
  private volatile boolean closing;

  @Override
  int connect(URI serverUri, int count) throws Exception {
    URI uri = URI.create(serverUri + "/atoms/v1/agent/connect?agent_id=bench-agent&mode=webcall"
        + "&sample_rate=24000");
    for (int i = 0; i < count; i++) {
      TimestampSink sink = new TimestampSink(FORMAT);
      Client c = new Client(uri, sink);
      c.setTcpNoDelay(true);
      clients.add(c);
      sinks.add(sink);
      c.connect();
    }
    List<CountDownLatch> created = new ArrayList<>();
    clients.forEach(c -> created.add(c.sessionCreated));
    return awaitOpened(created, "baseline");
  }

  @Override
  void sendChunk(int index, byte[] chunk) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "input_audio_buffer.append");
    node.put("audio", Base64.getEncoder().encodeToString(chunk));
    try {
      clients.get(index).send(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException | RuntimeException e) {
      errors.incrementAndGet();
    }
  }

  @Override
  String notes() {
    return "sendOrParseErrors=" + errors.get();
  }

  @Override
  public void close() {
    closing = true;
    for (Client c : clients) {
      c.close();
    }
    for (Client c : clients) {
      try {
        c.closeBlocking();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Client extends WebSocketClient {
    final CountDownLatch sessionCreated = new CountDownLatch(1);
    final TimestampSink sink;

    Client(URI uri, TimestampSink sink) {
      super(uri, Map.of("Authorization", "Bearer sk_bench"));
      this.sink = sink;
      sink.open(FORMAT);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {
      JsonNode node;
      try {
        node = MAPPER.readTree(message);
      } catch (JsonProcessingException e) {
        errors.incrementAndGet();
        return;
      }
      switch (node.path("type").asText()) {
        case "session.created" -> sessionCreated.countDown();
        case "output_audio.delta" -> {
          byte[] pcm = Base64.getDecoder().decode(node.get("audio").asText());
          sink.write(pcm, 0, pcm.length);
        }
        case "interruption" -> {
          long t0 = System.nanoTime();
          sink.flush();
          long silent = System.nanoTime() - t0;
          interruptionSilenced(silent);
        }
        default -> {
          // agent_start_talking and the rest: nothing to do for audio
        }
      }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      if (!closing) {
        closedUnexpectedly();
        System.err.println("baseline session closed unexpectedly: " + code + " " + reason);
      }
    }

    @Override
    public void onError(Exception ex) {
      errors.incrementAndGet();
    }
  }
}
