package dev.atomsrealtime.examples.bridge;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.SessionOptions;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A phone bridge: a WebSocket server that accepts telephony media streams (the message format of
 * Twilio Media Streams: {@code connected}, {@code start}, {@code media}, {@code mark}, {@code stop};
 * it answers with {@code media}, {@code mark} and {@code clear}) and bridges each stream to its own
 * Atoms session ({@link PhoneCall}). The custom parameters of {@code start} become the session's
 * prompt variables. Many calls share the server's few threads: a call has no thread of its own.
 *
 * <p>Point a provider at it with a bidirectional stream (Twilio: {@code
 * <Connect><Stream url="wss://your-host/stream"/></Connect>}); run it behind a TLS-terminating
 * proxy for {@code wss}.
 */
public final class PhoneBridge extends WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(PhoneBridge.class);

  private final AtomsClient client;
  private final SessionOptions base;
  private final CountDownLatch started = new CountDownLatch(1);
  private final Set<PhoneCall> calls = ConcurrentHashMap.newKeySet();
  private final AtomicLong callsStarted = new AtomicLong();
  private final AtomicLong clears = new AtomicLong();
  private volatile ClearObserver clearObserver = (call, nanos) -> { };

  /** Told of every {@code clear} sent, with the session clock's time of the cut. */
  public interface ClearObserver {
    /**
     * A {@code clear} was sent for a stream.
     *
     * @param streamSid the stream
     * @param cutNanos when the session cut playback (the session clock)
     */
    void cleared(String streamSid, long cutNanos);
  }

  /**
   * A bridge listening on {@code address} (port 0: any free port).
   *
   * @param address where to listen
   * @param client the client whose sessions the calls use
   * @param base options for every call's session (agent, reconnect, ...); the sample rate comes
   *     from the stream and its custom parameters are added to the variables
   */
  public PhoneBridge(InetSocketAddress address, AtomsClient client, SessionOptions base) {
    super(address);
    this.client = Objects.requireNonNull(client, "client");
    this.base = Objects.requireNonNull(base, "base");
    setReuseAddr(true);
  }

  /**
   * Starts the server and waits (bounded) until it listens.
   *
   * @return this bridge
   * @throws IllegalStateException if it did not start within 10 s
   */
  public PhoneBridge startAndWait() throws InterruptedException {
    start();
    if (!started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the bridge did not start listening");
    }
    return this;
  }

  /**
   * Calls whose agent session is open or opening.
   *
   * @return the number of active calls
   */
  public int activeCalls() {
    return calls.size();
  }

  /**
   * Waits until no call is active: every call's session has closed.
   *
   * @param timeout how long at most
   * @return whether that happened in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitNoActiveCalls(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (calls) {
      while (!calls.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(calls, left);
      }
      return true;
    }
  }

  /**
   * Streams started since the bridge started.
   *
   * @return the count
   */
  public long callsStarted() {
    return callsStarted.get();
  }

  /**
   * {@code clear} messages sent since the bridge started.
   *
   * @return the count
   */
  public long clearsSent() {
    return clears.get();
  }

  /**
   * Sets who is told of each {@code clear} (a benchmark, a test).
   *
   * @param observer the observer
   */
  public void onClear(ClearObserver observer) {
    this.clearObserver = Objects.requireNonNull(observer, "observer");
  }

  /** Closes every call's session and stops listening. */
  public void shutdown() throws InterruptedException {
    for (PhoneCall call : calls) {
      call.phoneClosed();
    }
    stop(2_000);
  }

  void callStarted(PhoneCall call) {
    calls.add(call);
    callsStarted.incrementAndGet();
  }

  void sessionClosed(PhoneCall call) {
    calls.remove(call);
    synchronized (calls) {
      calls.notifyAll(); // awaitNoActiveCalls
    }
  }

  void cleared(PhoneCall call, long nanos) {
    clears.incrementAndGet();
    clearObserver.cleared(call.streamSid(), nanos);
  }

  /** The server's threads are named {@code phone-bridge-*}, so that they can be told apart. */
  private static void nameThread(String role) {
    Thread t = Thread.currentThread();
    if (!t.getName().startsWith("phone-bridge-")) {
      t.setName("phone-bridge-" + role + "-" + t.getId());
    }
  }

  @Override
  public void onStart() {
    nameThread("selector");
    log.info("phone bridge listening on port {}", getPort());
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    nameThread("worker");
    conn.setAttachment(new PhoneCall(conn, client, base, this));
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    nameThread("worker");
    PhoneCall call = conn.getAttachment();
    if (call != null) {
      call.onMessage(MediaStreamMessages.parse(message));
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    // Media streams are JSON text; binary frames are not part of the format.
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    PhoneCall call = conn.getAttachment();
    if (call != null) {
      call.phoneClosed();
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    log.warn("phone bridge: {}", ex.toString());
    if (conn == null) {
      started.countDown(); // failed to bind: startAndWait returns; the caller sees the error log
    }
  }
}
