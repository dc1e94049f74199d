package dev.atomsrealtime.bench;

import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.transport.javawebsocket.FloorSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: the least a client can do over a transport and still stream the same audio. Per
 * session a pre-built {@code input_audio_buffer.append} frame whose first 32 base64 characters
 * (the harness's 24-byte chunk header; the rest of the chunk is silence) are re-encoded for each
 * send; an incoming {@code output_audio.delta} has only its audio base64-decoded, into a reused
 * buffer, and written to the sink; no session, no listener machinery, no queue accounting, no JSON
 * parser. Anything else the server sends is looked at only for {@code session.created} and {@code
 * interruption}.
 *
 * <p>Transports: {@code javawebsocket} (the library with the SDK transport's own draft: masked in
 * one pass, text frames as bytes) and {@code jdk} ({@code java.net.http.WebSocket}, one shared
 * client whose executor runs the JDK's tasks inline: frames are sent on the pacer's thread and
 * received on the selector thread; the JDK hands text over as characters, turned into UTF-8 bytes
 * as the SDK's transport does).
 */
final class FloorClients extends LoadClients {
  private static final PcmFormat FORMAT = PcmFormat.pcm16Mono(24_000);
  private static final byte[] APPEND_PREFIX =
      "{\"type\":\"input_audio_buffer.append\",\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DELTA_PREFIX =
      "{\"type\":\"output_audio.delta\",\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_B64 = ChunkHeader.BYTES / 3 * 4;

  private final String transport;
  private final List<Session> sessions = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile String firstError = "";
  private final AtomicLong sendsBehind = new AtomicLong();
  private HttpClient jdkClient;
  private volatile boolean closing;

  FloorClients(String transport) {
    if (!transport.equals("javawebsocket") && !transport.equals("jdk")) {
      throw new IllegalArgumentException("the floor runs on javawebsocket or jdk, not " + transport);
    }
    this.transport = transport;
  }

  @Override
  int connect(URI serverUri, int count) throws Exception {
    URI uri = URI.create(serverUri + "/atoms/v1/agent/connect?agent_id=bench-agent&mode=webcall"
        + "&sample_rate=24000");
    Map<String, String> headers = Map.of("Authorization", "Bearer sk_bench");
    if (transport.equals("jdk")) {
      jdkClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(Runnable::run).build();
    }
    for (int i = 0; i < count; i++) {
      TimestampSink sink = new TimestampSink(FORMAT);
      sink.open(FORMAT);
      Session s = transport.equals("jdk") ? new JdkSession(sink) : new JwsSession(sink);
      sessions.add(s);
      sinks.add(sink);
      s.start(uri, headers);
    }
    List<CountDownLatch> created = new ArrayList<>();
    sessions.forEach(s -> created.add(s.created));
    return awaitOpened(created, "floor");
  }

  @Override
  void sendChunk(int index, byte[] chunk) {
    sessions.get(index).send(chunk);
  }

  @Override
  String notes() {
    return "errors=" + errors.get() + firstError + " sendsQueuedBehindAPendingOne="
        + sendsBehind.get();
  }

  private void error(Throwable e) {
    if (errors.getAndIncrement() == 0) {
      firstError = " (first: " + e + ")";
    }
  }

  @Override
  public void close() {
    closing = true;
    for (Session s : sessions) {
      s.close();
    }
  }

  /** One session's frames; the transport-specific part is in the subclasses. */
  private abstract class Session {
    final CountDownLatch created = new CountDownLatch(1);
    final TimestampSink sink;
    final byte[] frame = new byte[APPEND_PREFIX.length + 4 * ((LoadHarness.CHUNK_BYTES + 2) / 3)
        + 2];
    private final byte[] header = new byte[ChunkHeader.BYTES];
    private final byte[] headerB64 = new byte[HEADER_B64];
    // Receive side, used by one thread at a time.
    private byte[] b64 = new byte[0];
    private byte[] pcm = new byte[0];

    Session(TimestampSink sink) {
      this.sink = sink;
      byte[] silence = Base64.getEncoder().encode(new byte[LoadHarness.CHUNK_BYTES]);
      System.arraycopy(APPEND_PREFIX, 0, frame, 0, APPEND_PREFIX.length);
      System.arraycopy(silence, 0, frame, APPEND_PREFIX.length, silence.length);
      frame[frame.length - 2] = '"';
      frame[frame.length - 1] = '}';
    }

    abstract void start(URI uri, Map<String, String> headers);

    /** Sends {@code bytes} (the pre-built frame, or a copy when that one is still in use). */
    abstract void sendFrame(byte[] bytes);

    /** Whether the pre-built frame is still being sent and must not change. */
    abstract boolean frameBusy();

    abstract void close();

    /** Puts the chunk's header into the pre-built frame (or a copy, if it is busy) and sends it. */
    final void send(byte[] chunk) {
      System.arraycopy(chunk, 0, header, 0, ChunkHeader.BYTES);
      Base64.getEncoder().encode(header, headerB64);
      byte[] target = frameBusy() ? frame.clone() : frame;
      System.arraycopy(headerB64, 0, target, APPEND_PREFIX.length, HEADER_B64);
      try {
        sendFrame(target);
      } catch (RuntimeException e) {
        error(e);
      }
    }

    /** A whole text frame as UTF-8. */
    final void received(byte[] utf8, int offset, int length) {
      int audio = offset + DELTA_PREFIX.length;
      if (length > DELTA_PREFIX.length + 2
          && Arrays.equals(utf8, offset, audio, DELTA_PREFIX, 0, DELTA_PREFIX.length)) {
        int b64Length = length - DELTA_PREFIX.length - 2;
        if (b64.length != b64Length) {
          b64 = new byte[b64Length];
          pcm = new byte[b64Length / 4 * 3];
        }
        System.arraycopy(utf8, audio, b64, 0, b64Length);
        int n = Base64.getDecoder().decode(b64, pcm);
        sink.write(pcm, 0, n);
        return;
      }
      String text = new String(utf8, offset, length, StandardCharsets.UTF_8);
      if (text.contains("\"interruption\"")) {
        long t0 = System.nanoTime();
        sink.flush();
        interruptionSilenced(System.nanoTime() - t0);
      } else if (text.contains("\"session.created\"")) {
        created.countDown();
      }
    }

    final void closed() {
      if (!closing) {
        closedUnexpectedly();
      }
    }
  }

  private final class JwsSession extends Session implements FloorSocket.Frames {
    private FloorSocket socket;

    JwsSession(TimestampSink sink) {
      super(sink);
    }

    @Override
    void start(URI uri, Map<String, String> headers) {
      socket = new FloorSocket(uri, headers, this);
      socket.connect();
    }

    @Override
    boolean frameBusy() {
      return false; // masking copies the frame during send
    }

    @Override
    void sendFrame(byte[] bytes) {
      socket.send(bytes);
    }

    @Override
    public void onText(byte[] utf8, int offset, int length) {
      received(utf8, offset, length);
    }

    @Override
    public void onClosed() {
      closed();
    }

    @Override
    void close() {
      socket.close();
    }
  }

  private final class JdkSession extends Session implements WebSocket.Listener {
    private final Ascii chars = new Ascii(frame);
    private volatile WebSocket ws;
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
    private final StringBuilder parts = new StringBuilder();

    JdkSession(TimestampSink sink) {
      super(sink);
    }

    @Override
    void start(URI uri, Map<String, String> headers) {
      WebSocket.Builder b = jdkClient.newWebSocketBuilder();
      headers.forEach(b::header);
      b.buildAsync(uri, this).whenComplete((w, e) -> {
        if (e != null) {
          error(e);
        }
      });
    }

    @Override
    boolean frameBusy() {
      return !lastSend.isDone();
    }

    @Override
    void sendFrame(byte[] bytes) {
      WebSocket w = ws;
      if (w == null) {
        return;
      }
      // The JDK allows one send at a time, and reads the characters until the send completes; on
      // loopback the previous one has long completed.
      if (bytes == frame) {
        lastSend = w.sendText(chars, true);
      } else {
        sendsBehind.incrementAndGet();
        Ascii copy = new Ascii(bytes);
        lastSend = lastSend.thenCompose(x -> w.sendText(copy, true));
      }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      ws = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (!last) {
        parts.append(data);
      } else {
        // Characters to UTF-8 through String: the JDK's intrinsics, cheaper than a loop by hand.
        String text = parts.length() == 0 ? data.toString() : parts.append(data).toString();
        parts.setLength(0);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        received(utf8, 0, utf8.length);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      error(error);
      closed();
    }

    @Override
    void close() {
      WebSocket w = ws;
      if (w != null) {
        w.abort();
      }
    }
  }

  /** ASCII bytes as characters, without a copy: what the JDK's sendText reads. */
  private static final class Ascii implements CharSequence {
    private final byte[] bytes;

    Ascii(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public char charAt(int index) {
      return (char) bytes[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
  }
}
