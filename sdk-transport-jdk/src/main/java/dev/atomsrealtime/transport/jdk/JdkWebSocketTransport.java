package dev.atomsrealtime.transport.jdk;

import dev.atomsrealtime.transport.HandshakeRefusedException;
import dev.atomsrealtime.transport.OrderedCallbacks;
import dev.atomsrealtime.transport.SerialContext;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt over {@link java.net.http.WebSocket}. See {@link Transport} for the
 * contract.
 *
 * <p>Sending: the JDK allows one outstanding text send, so frames go through a per-connection queue
 * drained by whichever thread finds it idle: the sending thread itself writes the frame (the JDK
 * writes inline when the socket takes it), and only a frame that has to wait for the socket is
 * continued by the selector thread when the previous one's future completes. {@link #sendText}
 * never blocks and frames keep their order. The close frame takes its place in the same queue,
 * behind the frames queued before it.
 *
 * <p>Callbacks: the client's executor runs tasks inline (see the factory), so the JDK invokes the
 * listener on its selector thread, one call at a time. Text frames are handed on as UTF-8 bytes,
 * which the codec reads; partial messages are reassembled. Each callback goes
 * through a small serial queue, which {@link #abort()}, {@link #close} before the upgrade, failed
 * sends and connect failures use too. Frames run inline on the selector thread when nothing else is
 * queued; terminal callbacks, and anything the JDK would run inside a caller's own call into this
 * transport ({@code abort()}, {@code sendText()}, ...), are handed to the factory's callback pool,
 * so no callback runs inside a caller's call. Nothing is delivered after the terminal callback, and
 * no listener is called while a lock is held.
 *
 * <p>Thread-safe.
 */
final class JdkWebSocketTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(JdkWebSocketTransport.class);
  private static final int MAX_BODY_CHARS = 8 * 1024;

  /** Reassembly buffers that grew past this are dropped after the message, not kept. */
  private static final int RETAINED_BUFFER_CHARS = 64 * 1024;

  /**
   * Per thread: how many calls into this class from outside the JDK's listener are on the stack.
   * The JDK may run its listener inline inside such a call (an {@code abort()} signals the closed
   * input at once); callbacks decided there are handed to the callback pool instead.
   */
  private static final ThreadLocal<int[]> CALLER_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private enum State {
    NEW,
    CONNECTING,
    OPEN,
    /** close() queued the close frame; the connection ends when the server answers. */
    CLOSING,
    ENDED
  }

  private final TransportRequest request;
  private final Transport.Listener listener;
  private final HttpClient client;
  private final Executor callbackPool;
  private final Consumer<JdkWebSocketTransport> onEnded;
  private final AtomicBoolean started = new AtomicBoolean();

  private final Object lock = new Object();
  // Guarded by lock.
  private State state = State.NEW;
  private WebSocket webSocket;
  private boolean closeRequested;
  private final ArrayDeque<Outgoing> sendQueue = new ArrayDeque<>();
  private boolean sending;

  /** Bytes queued or being written; updated with the queue, read without the lock. */
  private final AtomicLong queuedBytes = new AtomicLong();

  private final AtomicBoolean pingPending = new AtomicBoolean();

  // Listener callbacks, run one at a time; nothing after the terminal one, which then tells the
  // factory this connection has ended.
  private final OrderedCallbacks callbacks;

  JdkWebSocketTransport(
      TransportRequest request,
      Transport.Listener listener,
      HttpClient client,
      Executor callbackPool,
      Consumer<JdkWebSocketTransport> onEnded) {
    this.request = request;
    this.listener = listener;
    this.client = client;
    this.callbackPool = callbackPool;
    this.onEnded = onEnded;
    this.callbacks = new OrderedCallbacks(SerialContext.create("JDK transport callbacks"),
        () -> onEnded.accept(this));
  }

  @Override
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a transport is started once");
    }
    synchronized (lock) {
      if (state != State.NEW) {
        return; // aborted before it started; onFailure was delivered
      }
      state = State.CONNECTING;
    }
    log.debug("connecting to {}", request.redactedUri());
    CompletableFuture<WebSocket> connecting;
    int[] depth = enterCall();
    try {
      WebSocket.Builder builder =
          client.newWebSocketBuilder().connectTimeout(request.connectTimeout());
      request.headers().forEach(builder::header);
      connecting = builder.buildAsync(request.uri(), new Receiver());
    } catch (RuntimeException e) {
      // For example a header the JDK does not let applications set.
      end(0, "", false, new IOException("could not start the WebSocket connection: " + e, e));
      return;
    } finally {
      depth[0]--;
    }
    connecting.whenComplete(
        (ws, error) -> {
          if (error != null) {
            end(0, "", false, connectFailure(error));
            return;
          }
          boolean abortIt;
          synchronized (lock) {
            webSocket = ws;
            abortIt = state == State.ENDED;
          }
          if (abortIt) {
            ws.abort();
          }
        });
  }

  @Override
  public boolean sendText(byte[] utf8) {
    // The JDK takes characters and encodes them again; decode before taking the lock.
    String text = new String(utf8, StandardCharsets.UTF_8);
    return enqueue(new Outgoing(text, utf8.length, 0, null));
  }

  @Override
  public void sendPing() {
    WebSocket ws;
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      ws = webSocket;
    }
    // Pings bypass the frame queue (the JDK allows one ping beside a pending text send), so a
    // backlog of frames does not delay them; at most one is in flight, extra ones are skipped.
    if (!pingPending.compareAndSet(false, true)) {
      return;
    }
    int[] depth = enterCall();
    try {
      ws.sendPing(ByteBuffer.allocate(0)).whenComplete((w, e) -> pingPending.set(false));
    } finally {
      depth[0]--;
    }
  }

  @Override
  public long queuedBytes() {
    return Math.max(0, queuedBytes.get());
  }

  @Override
  public void close(int code, String reason) {
    boolean aborted = false;
    synchronized (lock) {
      switch (state) {
        case OPEN -> {
          state = State.CLOSING;
          closeRequested = true;
          sendQueue.add(new Outgoing(null, 0, code, reason == null ? "" : reason));
          if (sending) {
            return;
          }
          sending = true;
        }
        case CLOSING, ENDED -> {
          return;
        }
        default -> {
          // Not open yet: there is no closing handshake to start.
          abortLocked();
          aborted = true;
        }
      }
    }
    if (aborted) {
      drainOnTransportThread();
    } else {
      pump();
    }
  }

  @Override
  public void abort() {
    WebSocket ws;
    synchronized (lock) {
      ws = webSocket;
      abortLocked();
    }
    drainOnTransportThread();
    if (ws != null) {
      int[] depth = enterCall();
      try {
        ws.abort();
      } finally {
        depth[0]--;
      }
    }
  }

  /** Marks this thread as inside a caller's call until {@code depth[0]--}; returns the mark. */
  private static int[] enterCall() {
    int[] depth = CALLER_DEPTH.get();
    depth[0]++;
    return depth;
  }

  /** Whether this thread is inside a caller's call into a transport (see CALLER_DEPTH). */
  private static boolean inCallerCall() {
    return CALLER_DEPTH.get()[0] > 0;
  }

  /** Ends the connection as aborted by this side; caller holds lock and drains after. */
  private void abortLocked() {
    endLocked(
        1006,
        "aborted by client",
        false,
        new IOException("connection aborted by the client before the upgrade completed"));
  }

  @Override
  public String toString() {
    return "JdkWebSocketTransport[" + request.redactedUri() + "]";
  }

  // -----------------------------------------------------------------------------------------------
  // Sending

  /** A text frame ({@code text} non-null) or the close frame. */
  private record Outgoing(String text, int bytes, int closeCode, String closeReason) {
    CompletableFuture<WebSocket> sendOn(WebSocket ws) {
      return text != null ? ws.sendText(text, true) : ws.sendClose(closeCode, closeReason);
    }
  }

  private boolean enqueue(Outgoing frame) {
    synchronized (lock) {
      if (state != State.OPEN) {
        return false;
      }
      sendQueue.add(frame);
      queuedBytes.addAndGet(frame.bytes());
      if (sending) {
        return true;
      }
      sending = true;
    }
    pump();
    return true;
  }

  /**
   * Sends queued frames one at a time until the queue is empty or a send is still in progress (its
   * completion continues the pump). Called by the thread that set {@code sending}.
   */
  private void pump() {
    while (true) {
      Outgoing next;
      WebSocket ws;
      synchronized (lock) {
        next = sendQueue.poll();
        if (next == null || state == State.ENDED) {
          sending = false;
          return;
        }
        ws = webSocket;
      }
      CompletableFuture<WebSocket> sent;
      int[] depth = enterCall();
      try {
        sent = send(next, ws);
      } finally {
        depth[0]--;
      }
      if (sent.isDone()) {
        if (!afterSend(next, sent)) {
          return;
        }
        continue;
      }
      sent.whenComplete(
          (w, e) -> {
            if (afterSend(next, sent)) {
              pump();
            }
          });
      return;
    }
  }

  private static CompletableFuture<WebSocket> send(Outgoing frame, WebSocket ws) {
    try {
      return frame.sendOn(ws);
    } catch (RuntimeException e) { // for example a close code the JDK refuses to send
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Accounts for a completed send; returns whether the pump goes on. */
  private boolean afterSend(Outgoing frame, CompletableFuture<WebSocket> sent) {
    queuedBytes.addAndGet(-frame.bytes());
    Throwable error = null;
    try {
      sent.join();
    } catch (CompletionException | CancellationException e) {
      error = e.getCause() != null ? e.getCause() : e;
    }
    if (error == null) {
      return true;
    }
    boolean open;
    WebSocket ws;
    synchronized (lock) {
      open = state != State.ENDED;
      ws = webSocket;
    }
    if (open) {
      log.debug("send failed, dropping the connection: {}", error.toString());
      // A text frame that cannot be written means the connection broke (remote); a close frame
      // the JDK refuses (an illegal code) is this side's doing.
      boolean remote = frame.text() != null;
      end(1006, "send failed: " + error.getMessage(), remote, error);
      ws.abort();
    }
    return false;
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle and callbacks

  /**
   * Decides the terminal callback: {@code onClosed(code, reason, remote)} if the connection had
   * opened, else {@code onFailure(failure)}. Only the first call counts.
   */
  private void end(int code, String reason, boolean remote, Throwable failure) {
    synchronized (lock) {
      endLocked(code, reason, remote, failure);
    }
    drainOnTransportThread();
  }

  private void endLocked(int code, String reason, boolean remote, Throwable failure) {
    if (state == State.ENDED) {
      return;
    }
    boolean wasOpen = state == State.OPEN || state == State.CLOSING;
    state = State.ENDED;
    long dropped = 0;
    for (Outgoing o : sendQueue) {
      dropped += o.bytes();
    }
    sendQueue.clear();
    queuedBytes.addAndGet(-dropped);
    // Queued under the lock, so it is ordered after onOpen if that was queued first.
    callbacks.addTerminal(
        wasOpen
            ? () -> listener.onClosed(code, reason == null ? "" : reason, remote)
            : () -> listener.onFailure(failure));
  }

  /**
   * Queues a non-terminal callback of the JDK's listener and runs the queue here, on the selector
   * thread; inside a caller's call, on the callback pool instead.
   */
  private void deliver(Runnable callback) {
    if (inCallerCall()) {
      callbacks.add(callback);
      drainOnTransportThread();
    } else {
      callbacks.deliver(callback);
    }
  }

  /** Delivers a text frame as its UTF-8 bytes: inline when nothing else is queued, else queued. */
  private void deliverText(byte[] utf8) {
    Runnable callback = () -> listener.onText(utf8, 0, utf8.length);
    if (inCallerCall() || !callbacks.deliverIfIdle(callback)) {
      deliver(callback);
    }
  }

  /**
   * Runs the queued callbacks on the callback pool rather than the calling thread: a terminal
   * callback decided by abort(), close() or a failed send never runs inside the caller's call.
   * Inline only if the pool is gone (the factory was closed).
   */
  private void drainOnTransportThread() {
    try {
      callbackPool.execute(this::drain);
      return;
    } catch (RejectedExecutionException e) {
      // the factory is closed: run them here
    }
    drain();
  }

  private void drain() {
    callbacks.drain();
  }


  private static Throwable connectFailure(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof WebSocketHandshakeException refused) {
      HttpResponse<?> response = refused.getResponse();
      HandshakeRefusedException mapped =
          new HandshakeRefusedException(response.statusCode(), bodyText(response.body()));
      mapped.initCause(refused);
      return mapped;
    }
    if (cause instanceof IOException) {
      return cause;
    }
    return new IOException("could not open the WebSocket connection: " + cause, cause);
  }

  /**
   * The refusal body as text. Since JDK 16 the handshake reads it as a String; older or other
   * implementations may give bytes or nothing.
   */
  static String bodyText(Object body) {
    String text;
    if (body == null) {
      text = "";
    } else if (body instanceof String s) {
      text = s;
    } else if (body instanceof byte[] bytes) {
      text = new String(bytes, StandardCharsets.UTF_8);
    } else {
      text = body.toString();
    }
    return text.length() > MAX_BODY_CHARS ? text.substring(0, MAX_BODY_CHARS) : text;
  }

  /**
   * The JDK's listener. The JDK invokes it one call at a time, each call happening-before the next,
   * so the reassembly buffers need no lock; only those calls touch them.
   */
  private final class Receiver implements WebSocket.Listener {
    // The parts of a text message received so far.
    private StringBuilder text = new StringBuilder();
    private byte[] binary = new byte[0];
    private int binaryLength;

    @Override
    public void onOpen(WebSocket ws) {
      boolean abortIt;
      synchronized (lock) {
        webSocket = ws;
        abortIt = state != State.CONNECTING;
        if (!abortIt) {
          state = State.OPEN;
          callbacks.add(listener::onOpen);
        }
      }
      if (abortIt) {
        ws.abort(); // aborted while connecting; onFailure was delivered
        return;
      }
      if (inCallerCall()) {
        drainOnTransportThread();
      } else {
        drain();
      }
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (!last) {
        text.append(data);
      } else {
        String message;
        if (text.length() == 0) {
          message = data.toString();
        } else {
          message = text.append(data).toString();
          if (text.capacity() > RETAINED_BUFFER_CHARS) {
            text = new StringBuilder();
          } else {
            text.setLength(0);
          }
        }
        // The JDK hands over characters; the codec reads UTF-8. Through String both steps are the
        // JDK's vectorised intrinsics (compress, then check and copy), measured at about a third
        // of the cost of narrowing the characters by hand into a reused buffer.
        deliverText(message.getBytes(StandardCharsets.UTF_8));
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      int n = data.remaining();
      if (binaryLength + n > binary.length) {
        binary = Arrays.copyOf(binary, Math.max(binaryLength + n, binary.length * 2));
      }
      data.get(binary, binaryLength, n);
      binaryLength += n;
      if (last) {
        ByteBuffer message = ByteBuffer.wrap(Arrays.copyOf(binary, binaryLength));
        binaryLength = 0;
        if (binary.length > RETAINED_BUFFER_CHARS) {
          binary = new byte[0];
        }
        deliver(() -> listener.onBinary(message));
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      // The JDK answers with a pong itself.
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      deliver(listener::onPong);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      // 1006 here means the TCP connection ended without a close frame. Returning null lets the
      // JDK answer the server's close frame at once.
      boolean local;
      synchronized (lock) {
        local = closeRequested;
      }
      end(statusCode, reason, !local, null);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      log.debug("connection failed: {}", error.toString());
      end(1006, String.valueOf(error.getMessage()), true, connectFailure(error));
    }
  }
}
