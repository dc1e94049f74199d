package dev.atomsrealtime.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.internal.EventCodec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A plain Java-WebSocket client that records what it receives, for tests of the fake server. */
final class TestClient extends WebSocketClient {
  static final Duration WAIT = Duration.ofSeconds(5);

  /** A frame as received: text, or binary bytes. */
  record Frame(String text, byte[] binary) {
    ServerEvent decode() {
      return text != null
          ? EventCodec.INSTANCE.decodeServer(text)
          : EventCodec.INSTANCE.decodeServer(ByteBuffer.wrap(binary));
    }
  }

  /** The close the client saw. */
  record Close(int code, String reason, boolean remote) {}

  final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Close> closed = new CompletableFuture<>();
  final BlockingQueue<Exception> errors = new LinkedBlockingQueue<>();

  TestClient(URI uri, Map<String, String> headers) {
    super(uri, headers);
    setConnectionLostTimeout(0);
  }

  TestClient(URI uri) {
    this(uri, Map.of());
  }

  static TestClient connect(URI uri, String bearer) throws InterruptedException {
    TestClient client =
        new TestClient(
            uri, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    client.connectBlocking(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return client;
  }

  /** Connects and asserts the upgrade succeeded. */
  static TestClient open(URI uri, String bearer) throws InterruptedException {
    TestClient client = connect(uri, bearer);
    assertTrue(client.isOpen(), () -> "not open; closed with " + client.closed.getNow(null));
    return client;
  }

  void send(ClientEvent event) {
    send(new String(EventCodec.INSTANCE.encode(event), StandardCharsets.UTF_8));
  }

  Frame nextFrame() throws InterruptedException {
    Frame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(frame, "no frame within " + WAIT);
    return frame;
  }

  ServerEvent nextEvent() throws InterruptedException {
    return nextFrame().decode();
  }

  <T extends ServerEvent> T next(Class<T> type) throws InterruptedException {
    ServerEvent event = nextEvent();
    assertTrue(type.isInstance(event), () -> "expected " + type.getSimpleName() + ", got " + event);
    return type.cast(event);
  }

  /**
   * Closes and waits, bounded: the library's own closeBlocking() waits forever if the peer
   * never answers, which once hung a test's cleanup. Drops the connection after the bound.
   */
  @Override
  public void closeBlocking() throws InterruptedException {
    close();
    try {
      closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      closeConnection(1006, "test cleanup: no close answer");
    }
  }

  Close awaitClose() throws Exception {
    return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    frames.add(new Frame(message, null));
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    frames.add(new Frame(null, copy));
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closed.complete(new Close(code, reason, remote));
  }

  @Override
  public void onError(Exception ex) {
    errors.add(ex);
  }
}
