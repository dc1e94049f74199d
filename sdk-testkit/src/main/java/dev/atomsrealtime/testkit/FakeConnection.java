package dev.atomsrealtime.testkit;

import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownClientEvent;
import dev.atomsrealtime.internal.EventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.TextFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection accepted by a {@link FakeAtomsServer}: what the client sent, and controls
 * to answer it, misbehave, and end it.
 *
 * <p>Thread-safe: tests, {@link ServerBehavior} callbacks and the server's socket threads use it
 * concurrently. Sending never blocks (frames are queued to the socket); frames sent after the
 * connection closed are dropped silently (that race is normal in tests).
 *
 * <h2>Waiting</h2>
 *
 * <p>Every {@code await...} method waits at most the given time and then throws {@link
 * AwaitTimeoutException} (an {@link IllegalStateException}) whose message lists what was received.
 * An interrupted wait throws {@link IllegalStateException} with the interrupt flag set again.
 *
 * <h2>Default replies</h2>
 *
 * <p>Like the real server, the connection answers a frame received before {@code session.created}
 * with {@code error no_session}, {@code session.close} with {@code session.closed client_requested}
 * then close 1000, {@code session.update} with {@code session.updated} (the tool names), an unknown
 * {@code type} with {@code error invalid_event}, and a frame that is not JSON with {@code error
 * invalid_json}. A {@link ServerBehavior} can suppress each of them; a {@link
 * FakeAtomsServer.Builder#silentAfterUpgrade silent} connection sends none.
 *
 * <h2>Closing</h2>
 *
 * <p>A close from the server's side ({@link #close}, {@link #sendErrorAndClose}, the default reply
 * to {@code session.close}, {@link FakeAtomsServer#close()}) sends the close frame and then waits,
 * still reading, for the client's close frame or the end of the stream before the TCP connection
 * closes (2 seconds at most); frames the client sent meanwhile are received as usual. From the
 * close frame on, {@link #isOpen()} is false and frames sent are dropped. {@link #closeRecord()}
 * tells how it ended, including whether the client's close frame arrived.
 */
public final class FakeConnection {
  private static final Logger log = LoggerFactory.getLogger(FakeConnection.class);
  private static final EventCodec CODEC = EventCodec.INSTANCE;
  private static final int MAX_CLOSE_REASON_BYTES = 123;

  private final FakeAtomsServer server;
  private final WebSocket socket;
  private final int id;
  private final HandshakeRecord handshake;
  private final int sampleRateHz;
  private final CallTokenRegistry.Grant grant;
  private final boolean silent;
  private final ServerBehavior behavior;

  /** Runs this connection's behaviour callbacks and default replies, one at a time. */
  private final Executor callbacks;

  /** Orders frames sent from different threads (and "check then send" steps). */
  private final Object sendLock = new Object();

  private final Object lock = new Object();
  // Guarded by lock; waiters wait on lock.
  private final List<ClientEvent> received = new ArrayList<>();
  private final List<InvalidClientFrame> invalidFrames = new ArrayList<>();
  private final Map<Class<?>, Integer> cursors = new HashMap<>();
  private int invalidCursor;
  private int binaryFrames;
  private long audioChunksReceived;
  private long audioBytesReceived;
  private SessionCreatedEvent sessionCreated;
  private CloseRecord closeRecord;
  // Guarded by lock: the close code the server sent, if it started the close (0 if not).
  private int serverCloseCode;
  private String serverCloseReason = "";

  /** Set by the onClosed task; read by later tasks (same serial executor). */
  private volatile boolean closedDelivered;

  FakeConnection(
      FakeAtomsServer server,
      WebSocket socket,
      int id,
      HandshakeRecord handshake,
      int sampleRateHz,
      CallTokenRegistry.Grant grant,
      boolean silent,
      ServerBehavior behavior,
      Executor callbacks) {
    this.server = server;
    this.socket = socket;
    this.id = id;
    this.handshake = handshake;
    this.sampleRateHz = sampleRateHz;
    this.grant = grant;
    this.silent = silent;
    this.behavior = behavior;
    this.callbacks = callbacks;
  }

  /**
   * {@return the connection's number on its server, from 1, in the order connections were accepted}
   */
  public int id() {
    return id;
  }

  /** {@return the upgrade request that opened this connection} */
  public HandshakeRecord handshake() {
    return handshake;
  }

  /**
   * {@return the sample rate this connection announces (or announced) in {@code session.created}}
   */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /**
   * The connection's mode: the one its call token was minted for, else the {@code mode} query
   * parameter, else {@code webcall}.
   *
   * @return {@code webcall}, {@code chat}, or the mode the query named
   */
  public String mode() {
    if (grant != null) {
      return grant.mode();
    }
    String mode = handshake.queryParameter("mode");
    return mode == null ? "webcall" : mode;
  }

  /**
   * The agent the connection talks to: the one its call token was minted for, else the {@code
   * agent_id} query parameter.
   *
   * @return the agent id, or null if none
   */
  public String agentId() {
    return grant != null ? grant.agentId() : handshake.queryParameter("agent_id");
  }

  /**
   * Whether a call token minted by this server's REST API opened the connection.
   *
   * @return true for a minted token
   */
  public boolean openedWithMintedToken() {
    return grant != null;
  }

  /**
   * {@return whether the server sends nothing on its own on this connection (no session, no
   * replies)}
   */
  public boolean isSilent() {
    return silent;
  }

  /**
   * {@return the {@code session.created} sent on this connection, or null if none has been sent
   * yet}
   */
  public SessionCreatedEvent sessionCreated() {
    synchronized (lock) {
      return sessionCreated;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends {@code session.created} with a fresh session id and call id and {@link #sampleRateHz()}.
   * For servers built with {@code sessionCreatedAutomatically(false)} (or silent connections).
   *
   * @throws IllegalStateException if {@code session.created} was already sent
   */
  public void sendSessionCreated() {
    synchronized (sendLock) {
      if (sessionCreated() != null) {
        throw new IllegalStateException("session.created was already sent on connection " + id);
      }
      send(newSessionCreated());
    }
  }

  /**
   * Sends {@code event} as a text frame. Sending a {@link SessionCreatedEvent} counts as creating
   * the session (the first one is what {@link #sessionCreated()} returns).
   *
   * @param event the event
   */
  public void send(ServerEvent event) {
    send(event, true);
  }

  /**
   * Sends {@code output_audio.delta} with {@code pcm} (any length, odd included).
   *
   * @param pcm 16-bit PCM bytes
   */
  public void sendAudio(byte[] pcm) {
    Objects.requireNonNull(pcm, "pcm");
    byte[] frame = CODEC.encodeAudioDelta(pcm, 0, pcm.length);
    synchronized (sendLock) {
      if (transmit(() -> socket.sendFrame(textFrame(frame)), OutputAudioDeltaEvent.TYPE)) {
        log.debug("connection {} sent {} ({} bytes)", id, OutputAudioDeltaEvent.TYPE, pcm.length);
      }
    }
  }

  /**
   * Sends {@code text} as a text frame exactly as given (for example malformed JSON).
   *
   * @param text the text
   */
  public void sendRaw(String text) {
    Objects.requireNonNull(text, "text");
    synchronized (sendLock) {
      if (transmit(() -> socket.send(text), "raw text frame")) {
        log.debug("connection {} sent a raw text frame of {} chars", id, text.length());
      }
    }
  }

  /**
   * Sends {@code bytes} as a binary frame (for example UTF-8 JSON, which clients must accept).
   *
   * @param bytes a number of bytes
   */
  public void sendBinary(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    byte[] copy = bytes.clone();
    synchronized (sendLock) {
      if (transmit(() -> socket.send(copy), "binary frame")) {
        log.debug("connection {} sent a binary frame of {} bytes", id, copy.length);
      }
    }
  }

  /**
   * Sends {@code error} with {@code code} and {@code message}, then closes with 4000, as the real
   * server does on a fatal error after the upgrade.
   *
   * @param code the close code
   * @param message the detail message
   */
  public void sendErrorAndClose(String code, String message) {
    synchronized (sendLock) {
      send(new ErrorEvent(code, message));
      close(4000, message);
    }
  }

  /**
   * Starts a close handshake with {@code code} and {@code reason} (truncated to the 123 bytes a
   * close frame can carry): sends the close frame, then closes the TCP connection when the client's
   * close frame or the end of the stream arrives, or after 2 seconds without either. Returns at
   * once; {@link #awaitClosed} waits for the end. Code 1006 means {@link #drop()}. Does nothing if
   * already closing (no second close frame is ever sent).
   *
   * @param code the close code
   * @param reason the close reason
   * @throws IllegalArgumentException for codes that cannot be sent in a close frame (below 1000,
   *     1004, 1005, 1015, 1016-2999, above 4999)
   */
  public void close(int code, String reason) {
    if (code == CloseFrame.ABNORMAL_CLOSE) {
      drop();
      return;
    }
    if (code < 1000
        || code > 4999
        || code == 1004
        || code == CloseFrame.NOCODE
        || code == CloseFrame.TLS_ERROR
        || (code > CloseFrame.TLS_ERROR && code < 3000)) {
      throw new IllegalArgumentException("close code " + code + " cannot be sent");
    }
    String safeReason = truncate(reason == null ? "" : reason);
    closingByServer(code, safeReason);
    synchronized (sendLock) {
      log.debug("connection {} closing with {}", id, code);
      socket.close(code, safeReason);
    }
  }

  /**
   * Notes that the server is closing with {@code code}: if the closing handshake does not finish
   * (the peer never answers, or the server stops first), the record still shows the code the
   * server sent rather than the library's 1006.
   */
  void closingByServer(int code, String reason) {
    synchronized (lock) {
      if (serverCloseCode == 0) {
        serverCloseCode = code;
        serverCloseReason = reason;
      }
    }
  }

  /**
   * Drops the TCP connection without a close frame: the client sees an abnormal closure (1006).
   * Frames still queued for sending are lost.
   */
  public void drop() {
    log.debug("connection {} dropped", id);
    ((WebSocketImpl) socket).closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by server", false);
  }

  /**
   * Stops (true) or resumes (false) reading from the client's socket. While stopped, what the
   * client sends stays in TCP buffers: once they fill, the client's sends back up, which is how a
   * test simulates a slow or stalled server. A client close is noticed only after reading resumes.
   * A close from the server's side resumes reading, so that the client's answer can arrive.
   *
   * @param stop true to stop reading, false to read again
   */
  public void stopReading(boolean stop) {
    log.debug("connection {} {} reading", id, stop ? "stops" : "resumes");
    PausableChannels.setPaused(((WebSocketImpl) socket).getChannel(), stop);
  }

  // -----------------------------------------------------------------------------------------------
  // What the client sent

  /** {@return every decoded frame received so far, in arrival order (a snapshot)} */
  public List<ClientEvent> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /**
   * The decoded frames of {@code type} received so far, in arrival order (a snapshot).
   *
   * @param <T> the event class
   * @param type the class of the events wanted
   * @return the decoded frames of {@code type} received so far, in arrival order (a snapshot)
   */
  public <T extends ClientEvent> List<T> received(Class<T> type) {
    synchronized (lock) {
      return received.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  /**
   * How many {@code input_audio_buffer.append} frames arrived, kept or not (see {@link
   * FakeAtomsServer.Builder#retainClientAudio}).
   *
   * @return how many {@code input_audio_buffer.append} frames arrived, kept or not (see {@link
   *     FakeAtomsServer.Builder#retainClientAudio})
   */
  public long audioChunksReceived() {
    synchronized (lock) {
      return audioChunksReceived;
    }
  }

  /** {@return how many PCM bytes the {@code input_audio_buffer.append} frames carried in all} */
  public long audioBytesReceived() {
    synchronized (lock) {
      return audioBytesReceived;
    }
  }

  /** {@return every frame that could not be decoded, in arrival order (a snapshot)} */
  public List<InvalidClientFrame> invalidFrames() {
    synchronized (lock) {
      return List.copyOf(invalidFrames);
    }
  }

  /**
   * How many frames arrived as binary frames (decoded like text frames). The protocol says clients
   * send text frames, so a well-behaved client keeps this at 0.
   *
   * @return how many frames arrived as binary frames (decoded like text frames)
   */
  public int binaryFramesReceived() {
    synchronized (lock) {
      return binaryFrames;
    }
  }

  /**
   * Waits for the next not-yet-returned frame of {@code type}: the n-th call for a given class
   * returns the n-th frame of that class in arrival order (frames received before the call count).
   * Each class has its own cursor, so {@code awaitReceived(InputTextSendEvent.class, ...)} does not
   * consume frames for {@code awaitReceived(ClientEvent.class, ...)}; a subtype and its supertype
   * are separate cursors too.
   *
   * @param <T> the event class
   * @param type the class of the events wanted
   * @param timeout how long to wait at most
   * @return waits for the next not-yet-returned frame of {@code type}: the n-th call for a given
   *     class returns the n-th frame of that class in arrival order (frames received before the
   *     call count)
   * @throws AwaitTimeoutException if no such frame arrives within {@code timeout}
   */
  public <T extends ClientEvent> T awaitReceived(Class<T> type, Duration timeout) {
    Objects.requireNonNull(type, "type");
    return await(
        timeout,
        () -> {
          int from = cursors.getOrDefault(type, 0);
          for (int i = from; i < received.size(); i++) {
            if (type.isInstance(received.get(i))) {
              cursors.put(type, i + 1);
              return type.cast(received.get(i));
            }
          }
          cursors.put(type, received.size());
          return null;
        },
        () -> "a " + type.getSimpleName());
  }

  /**
   * Waits until at least {@code count} decoded frames have been received in total.
   *
   * @param count how many events to wait for
   * @param timeout how long to wait at most
   * @return every frame received so far (at least {@code count})
   * @throws AwaitTimeoutException if fewer arrive within {@code timeout}
   */
  public List<ClientEvent> awaitReceivedCount(int count, Duration timeout) {
    return await(
        timeout,
        () -> received.size() >= count ? List.copyOf(received) : null,
        () -> count + " frames");
  }

  /**
   * Waits for the next not-yet-returned frame that could not be decoded (one cursor, like {@link
   * #awaitReceived}).
   *
   * @param timeout how long to wait at most
   * @return waits for the next not-yet-returned frame that could not be decoded (one cursor, like
   *     {@link #awaitReceived})
   * @throws AwaitTimeoutException if none arrives within {@code timeout}
   */
  public InvalidClientFrame awaitInvalidFrame(Duration timeout) {
    return await(
        timeout,
        () -> invalidCursor < invalidFrames.size() ? invalidFrames.get(invalidCursor++) : null,
        () -> "an invalid frame");
  }

  // -----------------------------------------------------------------------------------------------
  // Closing

  /** {@return whether the connection is open (upgraded and not closed or closing)} */
  public boolean isOpen() {
    synchronized (lock) {
      return closeRecord == null && socket.isOpen();
    }
  }

  /** {@return how the connection ended, or null while it has not} */
  public CloseRecord closeRecord() {
    synchronized (lock) {
      return closeRecord;
    }
  }

  /**
   * Waits until the connection has ended.
   *
   * @param timeout how long to wait at most
   * @return waits until the connection has ended
   * @throws AwaitTimeoutException if it is still open after {@code timeout}
   */
  public CloseRecord awaitClosed(Duration timeout) {
    return await(timeout, () -> closeRecord, () -> "the connection to close");
  }

  /** Waits at most {@code timeoutNanos} for the end; returns whether it ended. Never throws. */
  boolean awaitClosedQuietly(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      while (closeRecord == null) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FakeConnection[id="
          + id
          + ", received="
          + received.size()
          + ", invalid="
          + invalidFrames.size()
          + ", sessionCreated="
          + (sessionCreated != null)
          + ", closed="
          + closeRecord
          + "]";
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Called by the server's socket threads

  /** The upgrade completed (WebSocket worker thread). */
  void opened(boolean sessionCreatedAutomatically) {
    boolean sent = false;
    if (sessionCreatedAutomatically && !silent) {
      synchronized (sendLock) {
        sent = send(newSessionCreated(), false);
      }
    }
    dispatch("onConnected", () -> behavior.onConnected(this));
    if (sent) {
      dispatch("onSessionCreated", () -> behavior.onSessionCreated(this));
    }
  }

  /** A text frame, or a binary frame's bytes, arrived (WebSocket worker thread). */
  void frameReceived(String text, byte[] binary) {
    ClientEvent event = null;
    InvalidClientFrame invalid = null;
    try {
      event =
          binary == null ? CODEC.decodeClient(text) : CODEC.decodeClient(binary, 0, binary.length);
    } catch (InvalidFrameException e) {
      String content = binary == null ? text : new String(binary, StandardCharsets.UTF_8);
      invalid = new InvalidClientFrame(content, binary != null, e.frameType(), e.getMessage());
    }
    boolean beforeSession;
    synchronized (lock) {
      beforeSession = sessionCreated == null;
      if (binary != null) {
        binaryFrames++;
      }
      if (event instanceof InputAudioBufferAppendEvent append) {
        audioChunksReceived++;
        audioBytesReceived += append.audioBytes();
      }
      if (event != null) {
        if (server.retainsClientAudio() || !(event instanceof InputAudioBufferAppendEvent)) {
          received.add(event);
        }
      } else {
        invalidFrames.add(invalid);
      }
      lock.notifyAll();
    }
    if (event != null) {
      ClientEvent decoded = event;
      log.debug("connection {} received {}", id, decoded.type());
      dispatch(
          "onClientEvent",
          () -> {
            boolean handled = false;
            try {
              handled = behavior.onClientEvent(this, decoded);
            } finally {
              if (!handled) {
                defaultReply(decoded, beforeSession);
              }
            }
          });
    } else {
      InvalidClientFrame bad = invalid;
      log.debug("connection {} received an invalid frame: {}", id, bad.problem());
      dispatch(
          "onInvalidFrame",
          () -> {
            boolean handled = false;
            try {
              handled = behavior.onInvalidFrame(this, bad);
            } finally {
              if (!handled) {
                defaultReply(bad, beforeSession);
              }
            }
          });
    }
  }

  /** The connection ended (any thread, possibly the selector). */
  void closed(int code, String reason, boolean remote) {
    CloseRecord record;
    synchronized (lock) {
      if (closeRecord != null) {
        return;
      }
      int clientCode = socket instanceof ServerWebSocket s ? s.clientCloseCode() : 0;
      record = serverCloseCode != 0 && code == CloseFrame.ABNORMAL_CLOSE
          ? new CloseRecord(serverCloseCode, serverCloseReason, false, clientCode)
          : new CloseRecord(code, reason, remote, clientCode);
      closeRecord = record;
      lock.notifyAll();
    }
    log.debug("connection {} closed: code {}, remote {}", id, code, remote);
    SessionCreatedEvent created = sessionCreated();
    if (created != null) {
      server.callLogs().ended(created.callId());
    }
    callbacks.execute(
        () -> {
          if (closedDelivered) {
            return;
          }
          closedDelivered = true;
          try {
            behavior.onClosed(this, record.code(), record.reason(), record.remote());
          } catch (RuntimeException e) {
            server.behaviorFailed(this, "onClosed", e);
          }
        });
  }

  /** Ends the connection from the server's side if Java-WebSocket left it open at shutdown. */
  void forceClosed() {
    if (closeRecord() == null) {
      try {
        ((WebSocketImpl) socket).closeConnection(CloseFrame.GOING_AWAY, "server closed", false);
      } catch (RuntimeException e) {
        log.debug("connection {}: forced close failed: {}", id, e.toString());
      }
      // Java-WebSocket does not report connections its server already forgot; record it here.
      closed(CloseFrame.GOING_AWAY, "server closed", false);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Internals

  private boolean send(ServerEvent event, boolean notifySessionCreated) {
    Objects.requireNonNull(event, "event");
    if (event instanceof OutputAudioDeltaEvent delta) {
      sendAudio(delta.audioCopy());
      return true;
    }
    String text = CODEC.encodeServer(event);
    boolean firstSessionCreated = false;
    boolean sent;
    synchronized (sendLock) {
      if (event instanceof SessionCreatedEvent created) {
        synchronized (lock) {
          // Recorded before the frame leaves, so a client's immediate reply already counts as
          // after the session.
          if (sessionCreated == null) {
            sessionCreated = created;
            firstSessionCreated = true;
          }
        }
      }
      sent = transmit(() -> socket.send(text), event.type());
    }
    if (sent) {
      log.debug("connection {} sent {}", id, event.type());
      recordInCallLog(event);
    }
    if (firstSessionCreated && notifySessionCreated) {
      dispatch("onSessionCreated", () -> behavior.onSessionCreated(this));
    }
    return sent;
  }

  /** Keeps the call log of this connection's session: its start, final transcripts, latencies. */
  private void recordInCallLog(ServerEvent event) {
    SessionCreatedEvent created = sessionCreated();
    if (created == null) {
      return;
    }
    CallLogBook book = server.callLogs();
    if (event instanceof SessionCreatedEvent) {
      book.started(created.callId(), agentId(), mode());
    } else if (event instanceof TranscriptEvent transcript) {
      book.said(created.callId(), transcript.role() == Role.USER ? "user" : "agent",
          transcript.text());
    } else if (event instanceof AgentStartTalkingEvent) {
      book.agentStarted(created.callId());
    }
  }

  private boolean transmit(Runnable write, String what) {
    try {
      write.run();
      return true;
    } catch (WebsocketNotConnectedException e) {
      log.debug("connection {}: {} not sent, connection not open", id, what);
      return false;
    }
  }

  private void defaultReply(ClientEvent event, boolean beforeSession) {
    if (silent) {
      return;
    }
    if (beforeSession) {
      send(
          new ErrorEvent(
              "no_session", "No active session: wait for session.created before sending events"));
    } else if (event instanceof SessionCloseEvent) {
      synchronized (sendLock) {
        send(new SessionClosedEvent(SessionClosedEvent.CLIENT_REQUESTED));
        close(CloseFrame.NORMAL, "");
      }
    } else if (event instanceof SessionUpdateEvent update) {
      send(new SessionUpdatedEvent(update.tools().stream().map(ToolDefinition::name).toList()));
    } else if (event instanceof UnknownClientEvent unknown) {
      send(new ErrorEvent("invalid_event", "Unknown event type '" + unknown.type() + "'"));
    }
  }

  private void defaultReply(InvalidClientFrame frame, boolean beforeSession) {
    if (silent) {
      return;
    }
    if (!frame.isJson()) {
      send(new ErrorEvent("invalid_json", "Frame is not a valid JSON object"));
    } else if (beforeSession) {
      send(
          new ErrorEvent(
              "no_session", "No active session: wait for session.created before sending events"));
    } else {
      send(new ErrorEvent("invalid_event", "Invalid " + frame.type() + " event"));
    }
  }

  private void dispatch(String callback, Runnable call) {
    callbacks.execute(
        () -> {
          if (closedDelivered) {
            return;
          }
          try {
            call.run();
          } catch (RuntimeException e) {
            server.behaviorFailed(this, callback, e);
          }
        });
  }

  private SessionCreatedEvent newSessionCreated() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String sessionId = "sess_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    String callId =
        "CALL-" + System.currentTimeMillis() + "-" + String.format("%06x", random.nextInt(1 << 24));
    return new SessionCreatedEvent(sessionId, callId, sampleRateHz, 1);
  }

  private static TextFrame textFrame(byte[] utf8) {
    TextFrame frame = new TextFrame();
    frame.setPayload(ByteBuffer.wrap(utf8));
    frame.setFin(true);
    return frame;
  }

  private static String truncate(String reason) {
    byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MAX_CLOSE_REASON_BYTES) {
      return reason;
    }
    int end = reason.length();
    while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length
        > MAX_CLOSE_REASON_BYTES) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
      end--;
    }
    return reason.substring(0, end);
  }

  private <T> T await(Duration timeout, Supplier<T> poll, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        T value = poll.get();
        if (value != null) {
          return value;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AwaitTimeoutException(
              "connection "
                  + id
                  + ": waited "
                  + timeout
                  + " for "
                  + what.get()
                  + "; received so far "
                  + summary()
                  + (invalidFrames.isEmpty() ? "" : ", invalid frames " + invalidFrames.size())
                  + (closeRecord == null ? ", still open" : ", closed " + closeRecord));
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + what.get(), e);
        }
      }
    }
  }

  /** Event types received with their counts, in first-arrival order; caller holds lock. */
  private String summary() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ClientEvent e : received) {
      counts.merge(e.type(), 1, Integer::sum);
    }
    return counts.toString();
  }
}
