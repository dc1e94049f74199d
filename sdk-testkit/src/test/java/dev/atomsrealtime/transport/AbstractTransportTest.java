package dev.atomsrealtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.CloseRecord;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.HandshakeRecord;
import dev.atomsrealtime.transport.RecordingTransportListener.Closed;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Transport} passes (design rule 2): it drives a transport directly
 * against a {@link FakeAtomsServer} on loopback and checks the lifecycle written on {@link
 * Transport}, frame delivery, sending from many threads, and that no thread outlives a closed
 * connection.
 *
 * <p>A transport's test extends this class and implements {@link #factory()}. The factory is asked
 * for once per test; if it is {@link AutoCloseable} it is closed after the test's transports and
 * the server, before the thread-leak check.
 *
 * <p>Every transport created through {@link #newTransport} reports to a {@link
 * RecordingTransportListener}, whose contract checks (no overlapping callbacks, one terminal
 * callback, nothing after it) are asserted after every test.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
public abstract class AbstractTransportTest {
  protected static final String KEY = "sk_transport_contract_5e1d07";
  protected static final String AGENT = "agent-1";
  protected static final Duration WAIT = Duration.ofSeconds(5);

  protected FakeAtomsServer server;
  private TransportFactory factory;
  private final List<Transport> transports = new ArrayList<>();
  private final List<RecordingTransportListener> listeners = new ArrayList<>();

  /** The factory under test; called once per test. */
  protected abstract TransportFactory factory();

  @BeforeEach
  void startServer() {
    // Silent: the server sends nothing on its own, so every frame a test sees is one it scripted.
    server =
        FakeAtomsServer.builder()
            .credential(KEY)
            .agentId(AGENT)
            .silentAfterUpgrade(true)
            .build()
            .start();
    factory = factory();
  }

  @AfterEach
  void stopServer() throws Exception {
    try {
      for (Transport t : transports) {
        t.abort(); // a no-op for transports that already ended
      }
      server.close();
      for (RecordingTransportListener l : listeners) {
        l.awaitTerminal(WAIT);
      }
      for (RecordingTransportListener l : listeners) {
        assertEquals(List.of(), l.violations(), "transport contract violations");
        assertEquals(1, l.terminalCount(), "terminal callbacks");
      }
    } finally {
      if (factory instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Helpers

  /** A request for the fake server with the right credential and {@code rawQuery}. */
  protected TransportRequest request(String rawQuery, Map<String, String> headers) {
    return new TransportRequest(server.connectUri(rawQuery), headers, WAIT, null);
  }

  protected TransportRequest request() {
    return request("agent_id=" + AGENT, Map.of("Authorization", "Bearer " + KEY));
  }

  /** A recording listener that also checks no callback runs on the test's own thread. */
  protected RecordingTransportListener listener() {
    return new RecordingTransportListener(Thread.currentThread());
  }

  /** Creates an unstarted transport whose callbacks go to {@code listener}. */
  protected Transport newTransport(TransportRequest request, RecordingTransportListener listener) {
    Transport t = factory.create(request, listener);
    transports.add(t);
    listeners.add(listener);
    return t;
  }

  /** Starts a transport, waits until both ends are open, and returns the server's side. */
  protected FakeConnection open(Transport t, RecordingTransportListener listener) {
    t.start();
    listener.awaitOpen(WAIT);
    return server.awaitConnection(WAIT);
  }

  private static byte[] inputText(String text) {
    return ("{\"type\":\"input_text.send\",\"text\":\"" + text + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String randomAscii(Random random, int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle

  @Test
  void startsOnlyOnce() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    t.start();
    assertThrows(IllegalStateException.class, t::start);
    l.awaitOpen(WAIT);
    t.close(1000, "");
    l.awaitClosed(WAIT);
  }

  @Test
  void clientCloseEndsWithOneLocalOnClosed() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);

    t.close(1000, "bye");
    Closed closed = l.awaitClosed(WAIT);
    assertEquals(1000, closed.code());
    assertFalse(closed.remote(), "this side closed");
    CloseRecord server = conn.awaitClosed(WAIT);
    assertEquals(1000, server.code());
    assertEquals("bye", server.reason());
    assertTrue(server.remote(), "the server saw the client close");
    assertEquals(1, l.terminalCount());
  }

  /**
   * A server that answers the closing handshake but never closes the TCP connection (the server is
   * the one that should): the transport still sends its close frame and ends, within a few
   * seconds.
   */
  @Test
  void aServerThatNeverClosesTcpAfterTheClosingHandshakeStillEnds() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening.setSoTimeout((int) WAIT.toMillis());
      URI uri =
          URI.create("ws://127.0.0.1:" + listening.getLocalPort() + FakeAtomsServer.CONNECT_PATH);
      RecordingTransportListener l = listener();
      Transport t = newTransport(new TransportRequest(uri, Map.of(), WAIT, null), l);
      t.start();
      try (Socket peer = listening.accept()) {
        peer.setSoTimeout((int) WAIT.toMillis());
        DataInputStream in = new DataInputStream(peer.getInputStream());
        OutputStream out = peer.getOutputStream();
        acceptUpgrade(in, out);
        l.awaitOpen(WAIT);
        out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}); // close 1000
        out.flush();

        assertEquals(0x8, nextClientOpcodeSkippingData(in), "the client's close frame");
        // The TCP connection stays open on this side.
        Closed closed = l.awaitClosed(WAIT);
        assertEquals(1000, closed.code());
        assertTrue(closed.remote());
      }
    }
  }

  /** Reads an upgrade request and answers 101 with the right accept key. */
  private static void acceptUpgrade(DataInputStream in, OutputStream out) throws Exception {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      head.append((char) in.readUnsignedByte());
    }
    String key = null;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
        key = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    byte[] sha1 =
        MessageDigest.getInstance("SHA-1")
            .digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + Base64.getEncoder().encodeToString(sha1)
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Skips the client's data frames (masked) and returns the opcode of the first other frame. */
  private static int nextClientOpcodeSkippingData(DataInputStream in) throws IOException {
    while (true) {
      int opcode = in.readUnsignedByte() & 0x0F;
      long length = in.readUnsignedByte() & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      in.readFully(new byte[4 + Math.toIntExact(length)]); // mask key and payload
      if (opcode != 0x1 && opcode != 0x2 && opcode != 0x0) {
        return opcode;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1011, 4000, 4401})
  void serverCloseIsReportedWithItsCodeAndReason(int code) {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);

    conn.close(code, "closing " + code + " \u00e9");
    Closed closed = l.awaitClosed(WAIT);
    assertEquals(code, closed.code());
    assertEquals("closing " + code + " \u00e9", closed.reason());
    assertTrue(closed.remote(), "the peer closed");
  }

  @Test
  void abruptDropIs1006() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);

    conn.drop();
    Closed closed = l.awaitClosed(WAIT);
    assertEquals(1006, closed.code());
    assertTrue(closed.remote(), "the network ended it");
  }

  @Test
  void abortAfterOpenIsALocal1006() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);

    t.abort();
    Closed closed = l.awaitClosed(WAIT);
    assertEquals(1006, closed.code());
    assertFalse(closed.remote(), "this side aborted");
    assertEquals(1006, conn.awaitClosed(WAIT).code(), "no closing handshake");
    t.abort();
    t.close(1000, "");
    assertFalse(t.sendText(inputText("late")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "401|{\"status\":false,\"errors\":[\"Unauthorized\"]}",
        "400|{\"errors\":[\"Invalid agent id\"]}",
        "503|draining",
      })
  void refusedHandshakeFailsWithStatusAndBody(int status, String body) {
    server.refuseNextHandshakes(status, body);
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    t.start();

    Throwable error = l.awaitFailure(WAIT);
    HandshakeRefusedException refused = assertInstanceOf(HandshakeRefusedException.class, error);
    assertEquals(status, refused.statusCode());
    assertEquals(body, refused.body());
    assertFalse(t.sendText(inputText("never")));
  }

  @Test
  void wrongCredentialIsRefusedWith401AndTheGatewayBody() {
    RecordingTransportListener l = listener();
    Transport t =
        newTransport(
            request("agent_id=" + AGENT, Map.of("Authorization", "Bearer sk_wrong_000")), l);
    t.start();

    HandshakeRefusedException refused =
        assertInstanceOf(HandshakeRefusedException.class, l.awaitFailure(WAIT));
    assertEquals(401, refused.statusCode());
    assertEquals(server.handshakes().get(0).responseBody(), refused.body());
    assertFalse(refused.body().isEmpty());
  }

  @Test
  void connectionRefusedIsAnIoFailure() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    RecordingTransportListener l = listener();
    URI uri = URI.create("ws://127.0.0.1:" + closedPort + FakeAtomsServer.CONNECT_PATH);
    Transport t = newTransport(new TransportRequest(uri, Map.of(), WAIT, null), l);
    t.start();

    Throwable error = l.awaitFailure(WAIT);
    assertInstanceOf(IOException.class, error);
    assertFalse(error instanceof HandshakeRefusedException, error.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"abort", "close"})
  void endingWhileConnectingGivesExactlyOneTerminalCallback(String how) {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    t.start();
    if (how.equals("abort")) {
      t.abort();
    } else {
      t.close(1000, "never mind");
    }
    // It may have opened before the close took effect; either way exactly one terminal callback.
    l.awaitTerminal(WAIT);
    assertFalse(t.sendText(inputText("late")));
    assertEquals(1, l.terminalCount());
  }

  @Test
  void racingClosesGiveExactlyOneTerminalCallback() throws Exception {
    for (int round = 0; round < 5; round++) {
      RecordingTransportListener l = listener();
      Transport t = newTransport(request(), l);
      FakeConnection conn = open(t, l);
      CyclicBarrier barrier = new CyclicBarrier(3);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<Thread> threads =
          List.of(
              racer(barrier, errors, () -> t.close(1000, "client")),
              racer(barrier, errors, t::abort),
              racer(barrier, errors, conn::drop));
      for (Thread th : threads) {
        th.join(WAIT.toMillis());
      }
      assertEquals(List.of(), errors);
      l.awaitClosed(WAIT);
      assertEquals(1, l.terminalCount());
    }
  }

  private static Thread racer(CyclicBarrier barrier, List<Throwable> errors, Runnable action) {
    Thread t =
        new Thread(
            () -> {
              try {
                barrier.await(5, TimeUnit.SECONDS);
                action.run();
              } catch (Throwable e) {
                errors.add(e);
              }
            },
            "atoms-test-racer");
    t.start();
    return t;
  }

  @Test
  void abortWhileFramesArriveDeliversNothingAfterOnClosed() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    for (int i = 0; i < 2_000; i++) {
      conn.sendRaw("{\"type\":\"transcript.delta\",\"role\":\"assistant\",\"text\":\"" + i + "\"}");
    }
    l.awaitText(WAIT);
    t.abort();
    l.awaitClosed(WAIT);
    // The listener records any callback after onClosed as a violation (checked after the test).
  }

  // -----------------------------------------------------------------------------------------------
  // Receiving

  @Test
  void textFramesArriveInOrderAndIntact() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    Random random = new Random(42);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sent.add("{\"n\":" + i + ",\"text\":\"" + randomAscii(random, random.nextInt(2_000)) + "\"}");
    }
    // Multi-byte UTF-8: 2, 3 and 4 byte sequences (a surrogate pair), repeated so that any split
    // of the frame into parts falls inside one.
    sent.add(
        "{\"text\":\"" + "h\u00e9llo \u20ac \u4f60\u597d \ud834\udd1e ".repeat(50_000) + "\"}");
    // Several megabytes in one frame.
    sent.add("{\"audio\":\"" + randomAscii(random, 6 * 1024 * 1024) + "\"}");
    sent.add("{\"n\":\"last\"}");
    for (String s : sent) {
      conn.sendRaw(s);
    }
    for (int i = 0; i < sent.size(); i++) {
      String got = l.awaitText(WAIT);
      assertEquals(sent.get(i).length(), got.length(), "length of frame " + i);
      assertEquals(sent.get(i), got, "frame " + i);
    }
  }

  @Test
  void binaryFramesArriveAsBytes() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    Random random = new Random(7);
    List<byte[]> sent = new ArrayList<>();
    for (int size : new int[] {0, 1, 125, 126, 65_535, 65_536, 3 * 1024 * 1024, 17}) {
      byte[] b = new byte[size];
      random.nextBytes(b);
      sent.add(b);
    }
    sent.add("{\"type\":\"transcript\",\"text\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8));
    for (byte[] b : sent) {
      conn.sendBinary(b);
    }
    for (int i = 0; i < sent.size(); i++) {
      assertArrayEquals(sent.get(i), l.awaitBinary(WAIT), "binary frame " + i);
    }
  }

  @Test
  void pingIsAnsweredWithPong() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    open(t, l);
    t.sendPing();
    l.awaitPong(WAIT);
    t.sendPing();
    t.sendPing();
    l.awaitPong(WAIT);
    l.awaitPong(WAIT);
    t.close(1000, "");
    l.awaitClosed(WAIT);
    t.sendPing(); // after the end: ignored, nothing delivered
  }

  // -----------------------------------------------------------------------------------------------
  // Sending

  @Test
  void sendTextReturnsFalseBeforeOpenAndAfterClose() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    assertFalse(t.sendText(inputText("too early")), "before start");
    assertEquals(0, t.queuedBytes(), "a refused frame is not queued");
    FakeConnection conn = open(t, l);
    assertTrue(t.sendText(inputText("hello \u00e9")));
    assertEquals(
        new InputTextSendEvent("hello \u00e9"), conn.awaitReceived(ClientEvent.class, WAIT));

    t.close(1000, "done");
    assertFalse(t.sendText(inputText("while closing")), "after close()");
    l.awaitClosed(WAIT);
    assertFalse(t.sendText(inputText("after onClosed")), "after onClosed");
    assertEquals(0, t.queuedBytes(), "nothing is queued after the end");
    conn.awaitClosed(WAIT);
    assertEquals(1, conn.received().size(), "nothing sent after close() reached the server");
  }

  @Test
  void largeAndMultiByteFramesReachTheServerIntact() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    String big = randomAscii(new Random(3), 4 * 1024 * 1024);
    String utf8 = "caf\u00e9 \u20ac \u4f60\u597d \ud834\udd1e".repeat(10_000);
    assertTrue(t.sendText(inputText(big)));
    assertTrue(t.sendText(inputText(utf8)));
    assertEquals(new InputTextSendEvent(big), conn.awaitReceived(ClientEvent.class, WAIT));
    assertEquals(new InputTextSendEvent(utf8), conn.awaitReceived(ClientEvent.class, WAIT));
    assertEquals(0, conn.binaryFramesReceived(), "JSON goes out as text frames");
  }

  @Test
  void concurrentSendsNeverInterleaveFrames() throws Exception {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    int threads = 8;
    int perThread = 150;
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int n = 0; n < threads; n++) {
      int id = n;
      Thread th =
          new Thread(
              () -> {
                Random random = new Random(id);
                try {
                  go.await();
                  for (int i = 0; i < perThread; i++) {
                    // Mostly small frames with some large ones, so writes really overlap.
                    int pad = i % 10 == 0 ? 64 * 1024 : random.nextInt(300);
                    String text = id + ":" + i + ":" + "x".repeat(pad);
                    if (!t.sendText(inputText(text))) {
                      throw new AssertionError("sendText returned false while open");
                    }
                    if (t.queuedBytes() < 0) {
                      throw new AssertionError("negative queuedBytes");
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "atoms-test-sender-" + n);
      th.start();
      senders.add(th);
    }
    go.countDown();
    for (Thread th : senders) {
      th.join(WAIT.toMillis());
    }
    assertEquals(List.of(), errors);
    List<ClientEvent> got = conn.awaitReceivedCount(threads * perThread, WAIT);
    assertEquals(List.of(), conn.invalidFrames(), "frames were interleaved or corrupted");
    Map<Integer, Integer> next = new HashMap<>();
    for (ClientEvent e : got) {
      String text = assertInstanceOf(InputTextSendEvent.class, e).text();
      String[] parts = text.split(":", 3);
      int id = Integer.parseInt(parts[0]);
      int i = Integer.parseInt(parts[1]);
      assertEquals(next.getOrDefault(id, 0), i, "frames of sender " + id + " out of order");
      next.put(id, i + 1);
      int pad = parts[2].length();
      assertEquals("x".repeat(pad), parts[2]);
    }
    assertEquals(threads * perThread, got.size());
    assertEquals(0, t.queuedBytes(), "everything the server received has left the queue");
  }

  @Test
  void sendTextNeverBlocksWhenTheServerStopsReading() {
    RecordingTransportListener l = listener();
    Transport t = newTransport(request(), l);
    FakeConnection conn = open(t, l);
    conn.stopReading(true);
    String pad = "y".repeat(128 * 1024);
    int frames = 96; // 12 MiB: more than the loopback socket buffers hold
    for (int i = 0; i < frames; i++) {
      assertTrue(t.sendText(inputText(i + ":" + pad)), "frame " + i);
    }
    long queued = t.queuedBytes();
    assertTrue(queued >= 0, "queuedBytes " + queued);
    conn.stopReading(false);
    List<ClientEvent> got = conn.awaitReceivedCount(frames, WAIT);
    for (int i = 0; i < frames; i++) {
      assertEquals(new InputTextSendEvent(i + ":" + pad), got.get(i));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Upgrade request

  @Test
  void headersAndQueryReachTheServer() {
    RecordingTransportListener l = listener();
    String rawQuery =
        "agent_id="
            + AGENT
            + "&mode=chat&sample_rate=16000"
            + "&variables=%7B%22name%22%3A%22Ana%20%26%20Jo%20%C3%A9%22%7D";
    Transport t =
        newTransport(
            request(rawQuery, Map.of("Authorization", "Bearer " + KEY, "X-Atoms-Test", "yes")), l);
    open(t, l);

    HandshakeRecord h = server.handshakes().get(0);
    assertTrue(h.accepted());
    assertEquals("Bearer " + KEY, h.header("Authorization"));
    assertEquals("yes", h.header("X-Atoms-Test"));
    assertEquals(FakeAtomsServer.CONNECT_PATH, h.path());
    assertEquals(rawQuery, h.rawQuery());
    assertEquals(AGENT, h.queryParameter("agent_id"));
    assertEquals("{\"name\":\"Ana & Jo \u00e9\"}", h.queryParameter("variables"));
    assertEquals("websocket", h.header("Upgrade").toLowerCase(java.util.Locale.ROOT));
    t.close(1000, "");
    l.awaitClosed(WAIT);
  }

  // -----------------------------------------------------------------------------------------------
  // Threads

  @Test
  void manyConnectionsOneAfterAnotherLeaveNoThreads() {
    // The thread-leak extension checks after the test that none of these left a thread behind.
    for (int i = 0; i < 5; i++) {
      RecordingTransportListener l = listener();
      Transport t = newTransport(request(), l);
      FakeConnection conn = open(t, l);
      assertTrue(t.sendText(inputText("n" + i)));
      conn.awaitReceived(ClientEvent.class, WAIT);
      if (i % 2 == 0) {
        t.close(1000, "");
      } else {
        conn.close(1000, "");
      }
      l.awaitClosed(WAIT);
    }
  }
}
