package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthPlacement;
import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.CredentialSupplier;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.SessionStats;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.reconnect.ReconnectContext;
import dev.atomsrealtime.reconnect.RetryClassifier;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session implementation.
 *
 * <p>Concurrency: session state is guarded by {@link #lock} and changed in short critical sections
 * that never call user code or block. The transport's read thread decodes frames and updates
 * state; every listener call is posted to {@link #events}, a serial executor on the client's pool,
 * so the listener sees one ordered stream and never runs on the socket thread or under the lock.
 * Writes to the socket go through one {@link OutboundQueue} (single writer, bounded audio).
 *
 * <p>Connections: each attempt has its own {@link Transport} and {@link TransportListener}; a
 * callback from a transport that is no longer current is ignored, so a late event from a dropped
 * connection can never touch the next one.
 */
public final class RealAtomsSession implements AtomsSession {
  private static final Logger log = LoggerFactory.getLogger(RealAtomsSession.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final SessionOptions options;
  private final SessionListener listener;
  private final CredentialSupplier credentials;
  private final URI baseUrl;
  private final TransportFactory transportFactory;
  private final SSLContext sslContext;
  private final ClientResources resources;
  private final SerialExecutor events;
  private final OutboundQueue outbound;
  private final EventCodec codec = EventCodec.INSTANCE;
  // Whether the listener overrides onEvent: if not, events are not handed to the event thread at
  // all (saving a thread hand-off per audio delta on sessions that only use attached audio).
  private final boolean listenerWantsEvents;

  private final Object lock = new Object();
  // Guarded by lock.
  private SessionState state = SessionState.NEW;
  // Guarded by lock. The current connection attempt's transport.
  private Transport transport;
  // Guarded by lock. Control frames sent while no session is open, flushed in order on open.
  private final List<byte[]> held = new ArrayList<>();
  // Guarded by lock. The last tools declared, declared again after a reconnect.
  private byte[] declaredTools;
  // Guarded by lock. The current server session, null while none is open.
  private SessionInfo info;
  // Guarded by lock. Whether any server session was ever open.
  private boolean everOpened;
  // Guarded by lock. Per connection: the last error event and session.closed reason.
  private ErrorEvent lastError;
  private String closedReason;
  // Guarded by lock.
  private boolean clientInitiated;
  // Guarded by lock. A failure decided by the session itself (timeouts, keepalive), preferred
  // over what the transport reports after the session aborts it.
  private AtomsException pendingCause;
  // Guarded by lock. Per connection: the upgrade succeeded.
  private boolean upgraded;
  // Guarded by lock. Timers of the current connection (timeouts, keepalive).
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  // Guarded by lock. Reconnect bookkeeping: attempts since the last open session, loss time.
  private int reconnectAttempt;
  private long lostAtNanos;
  // Read thread and keepalive timer: when the current connection last proved alive.
  private volatile long lastInboundNanos;
  // Guarded by lock; volatile for the read thread's lock-free hooks.
  private volatile AudioEngine audio;
  // Guarded by lock. The terminal callback is queued: nothing may be queued after it.
  private boolean terminalQueued;

  private final CompletableFuture<SessionInfo> opened = new CompletableFuture<>();
  private final CompletableFuture<SessionEnd> ended = new CompletableFuture<>();
  private final AtomicLong audioDroppedNotOpen = new AtomicLong();
  private final AtomicLong listenerDeltasDropped = new AtomicLong();
  private final AtomicLong invalidFrames = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();

  public RealAtomsSession(
      SessionOptions options,
      SessionListener listener,
      CredentialSupplier credentials,
      URI baseUrl,
      TransportFactory transportFactory,
      SSLContext sslContext,
      ClientResources resources) {
    this.options = options;
    this.listener = listener;
    this.credentials = credentials;
    this.baseUrl = baseUrl;
    this.transportFactory = transportFactory;
    this.sslContext = sslContext;
    this.resources = resources;
    this.events = new SerialExecutor(resources.events());
    this.outbound = new OutboundQueue(resources.scheduler(), id);
    this.listenerWantsEvents = overridesOnEvent(listener);
  }

  private static boolean overridesOnEvent(SessionListener listener) {
    try {
      return listener.getClass().getMethod("onEvent", AtomsSession.class, ServerEvent.class)
          .getDeclaringClass() != SessionListener.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return true;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Connecting

  @Override
  public CompletableFuture<SessionInfo> connect() {
    synchronized (lock) {
      if (state != SessionState.NEW) {
        return opened;
      }
      setState(SessionState.CONNECTING);
    }
    startAttempt();
    return opened;
  }

  /**
   * Starts one connection attempt: asks for a credential (outside the lock: minting a call token
   * may block), creates a new transport and starts it.
   */
  private void startAttempt() {
    String credential;
    try {
      credential = credentials.get();
    } catch (RuntimeException e) {
      failAttempt(Failures.fromCredentialSupplier(e));
      return;
    }
    if (credential == null || credential.isBlank()) {
      failAttempt(Failures.missingCredential());
      return;
    }
    TransportRequest request = buildRequest(credential);
    Transport t;
    synchronized (lock) {
      if (state != SessionState.CONNECTING) {
        return; // closed meanwhile
      }
      TransportListener tl = new TransportListener();
      t = transportFactory.create(request, tl);
      tl.transport = t;
      transport = t;
      upgraded = false;
      lastError = null;
      closedReason = null;
      pendingCause = null;
      schedule(options.connectTimeout(), () -> onConnectTimeout(t));
      log.info("session {} connecting to {}", id, request.redactedUri());
    }
    try {
      t.start();
    } catch (RuntimeException e) {
      failAttempt(Failures.fromTransportFailure(e, baseUrl));
    }
  }

  /** An attempt failed before its transport could report anything. */
  private void failAttempt(AtomsException cause) {
    synchronized (lock) {
      if (state == SessionState.CLOSED) {
        return;
      }
      pendingCause = cause;
      connectionEndedLocked(-1, "");
    }
  }

  private TransportRequest buildRequest(String credential) {
    Map<String, String> query = new LinkedHashMap<>();
    if (options.agentId() != null) {
      query.put("agent_id", options.agentId());
    }
    query.put("mode", options.mode().wireName());
    query.put("sample_rate", Integer.toString(options.sampleRateHz()));
    if (!options.variables().isEmpty()) {
      query.put("variables", codec.variablesJson(options.variables()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (options.authPlacement() == AuthPlacement.QUERY) {
      query.put("token", credential);
    } else {
      headers.put("Authorization", "Bearer " + credential);
    }
    StringBuilder uri = new StringBuilder(stripTrailingSlash(baseUrl.toString()));
    uri.append(AtomsClient.CONNECT_PATH);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      uri.append(sep).append(e.getKey()).append('=').append(UrlEncoding.encode(e.getValue()));
      sep = '&';
    }
    return new TransportRequest(
        URI.create(uri.toString()), headers, options.connectTimeout(), sslContext);
  }

  private static String stripTrailingSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private void onConnectTimeout(Transport t) {
    synchronized (lock) {
      if (state != SessionState.CONNECTING || transport != t) {
        return;
      }
      Duration bound = upgraded ? options.sessionCreatedTimeout() : options.connectTimeout();
      String what =
          upgraded
              ? "waiting for session.created after the upgrade"
              : "connecting to " + baseUrl.getHost();
      pendingCause = new AtomsTimeoutException("timed out after " + bound.toMillis() + " ms "
          + what);
    }
    t.abort();
  }

  // -----------------------------------------------------------------------------------------------
  // Sending

  @Override
  public void sendAudio(byte[] pcm, int offset, int length) {
    Objects.requireNonNull(pcm, "pcm");
    Objects.checkFromIndexSize(offset, length, pcm.length);
    checkAudioLength(length);
    sendAudioFrame(pcm, offset, length);
  }

  @Override
  public void sendAudio(ByteBuffer pcm) {
    Objects.requireNonNull(pcm, "pcm");
    int length = pcm.remaining();
    checkAudioLength(length);
    if (pcm.hasArray()) {
      sendAudioFrame(pcm.array(), pcm.arrayOffset() + pcm.position(), length);
      pcm.position(pcm.limit());
    } else {
      byte[] copy = new byte[length];
      pcm.get(copy);
      sendAudioFrame(copy, 0, length);
    }
  }

  private static void checkAudioLength(int length) {
    if (length == 0) {
      throw new IllegalArgumentException("audio chunk is empty");
    }
    if ((length & 1) != 0) {
      throw new IllegalArgumentException(
          "audio chunk has an odd length (" + length + " bytes); PCM16 samples are 2 bytes each");
    }
  }

  private void sendAudioFrame(byte[] pcm, int offset, int length) {
    SessionState s = state();
    if (s == SessionState.CLOSING || s == SessionState.CLOSED) {
      throw closedError("send audio");
    }
    if (s != SessionState.OPEN) {
      // Audio is never held: it would be stale, and never replayed into a new session.
      audioDroppedNotOpen.incrementAndGet();
      return;
    }
    // Encode outside the lock: the frame is built once, on the caller's thread. A state change
    // between the check and the send is harmless: the queue drops frames once detached.
    byte[] frame = codec.encodeAudioAppend(pcm, offset, length);
    if (!outbound.send(frame, true)) {
      if (state() == SessionState.CLOSED) {
        throw closedError("send audio");
      }
      audioDroppedNotOpen.incrementAndGet();
    }
  }

  @Override
  public void sendText(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("text must not be empty");
    }
    sendControl(new InputTextSendEvent(text), "send text");
  }

  @Override
  public void commitAudio() {
    sendControl(new InputAudioBufferCommitEvent(), "commit audio");
  }

  @Override
  public void declareTools(List<ToolDefinition> tools) {
    Objects.requireNonNull(tools, "tools");
    if (tools.isEmpty()) {
      throw new IllegalArgumentException("declare at least one tool");
    }
    Set<String> names = new HashSet<>();
    for (ToolDefinition tool : tools) {
      if (!names.add(Objects.requireNonNull(tool, "tool").name())) {
        throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
      }
    }
    byte[] frame = codec.encode(new SessionUpdateEvent(tools));
    synchronized (lock) {
      declaredTools = frame;
    }
    sendControlFrame(frame, "declare tools", SessionUpdateEvent.TYPE);
  }

  @Override
  public void sendFunctionResult(String callId, String output) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(output, "output");
    if (callId.isEmpty()) {
      throw new IllegalArgumentException("callId must not be empty");
    }
    int bytes = output.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > FunctionCallResultEvent.MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException("function result output is " + bytes
          + " UTF-8 bytes; the server accepts at most " + FunctionCallResultEvent.MAX_OUTPUT_BYTES);
    }
    sendControl(new FunctionCallResultEvent(callId, output), "send a function result");
  }

  private void sendControl(ClientEvent event, String what) {
    sendControlFrame(codec.encode(event), what, event.type());
  }

  private void sendControlFrame(byte[] frame, String what, String type) {
    synchronized (lock) {
      switch (state) {
        case NEW:
        case CONNECTING:
        case RECONNECTING:
          held.add(frame);
          return;
        case OPEN:
          // Under the lock so that held frames flushed on open always go first.
          outbound.send(frame, false);
          break;
        default:
          throw closedError(what);
      }
    }
    log.debug("session {} sent {}", id, type);
  }

  private IllegalStateException closedError(String what) {
    return new IllegalStateException("cannot " + what + ": the session is " + state());
  }

  @Override
  public SessionAudio attachAudio(AudioSource source, AudioSink sink, AudioOptions audioOptions) {
    Objects.requireNonNull(audioOptions, "audioOptions");
    if (source == null && sink == null) {
      throw new IllegalArgumentException("attach a source, a sink, or both");
    }
    AudioEngine engine;
    int rate = -1;
    synchronized (lock) {
      if (audio != null) {
        throw new IllegalStateException("audio is already attached to this session");
      }
      if (state == SessionState.CLOSING || state == SessionState.CLOSED) {
        throw new IllegalStateException("cannot attach audio: the session is " + state);
      }
      engine = new AudioEngine(new AudioHost(), source, sink, audioOptions);
      audio = engine;
      if (state == SessionState.OPEN) {
        rate = info.sampleRateHz();
      }
    }
    if (rate > 0) {
      engine.start(rate);
    }
    return engine;
  }

  private final class AudioHost implements AudioEngine.Host {
    @Override
    public void sendAudio(byte[] pcm, int offset, int length) {
      RealAtomsSession.this.sendAudio(pcm, offset, length);
    }

    @Override
    public void turnMetrics(TurnMetrics metrics) {
      if (log.isInfoEnabled()) {
        log.info("session {} {}", id, metrics.summary()); // summary() formats: only when logged
      }
      post(() -> listener.onTurnMetrics(RealAtomsSession.this, metrics));
    }

    @Override
    public void audioError(AudioException error) {
      post(() -> listener.onAudioError(RealAtomsSession.this, error));
    }

    @Override
    public java.util.concurrent.ScheduledExecutorService scheduler() {
      return resources.scheduler();
    }
  }

  @Override
  public long audioFramesDroppedBeforeOpen() {
    return audioDroppedNotOpen.get();
  }

  @Override
  public SessionStats stats() {
    return new SessionStats(
        outbound.audioSent(),
        audioDroppedNotOpen.get(),
        outbound.audioDropped(),
        outbound.queuedBytes(),
        listenerDeltasDropped.get(),
        invalidFrames.get(),
        reconnects.get());
  }

  // -----------------------------------------------------------------------------------------------
  // Closing

  @Override
  public CompletableFuture<SessionEnd> closeAsync() {
    Transport t;
    boolean sendClose;
    synchronized (lock) {
      switch (state) {
        case CLOSED:
        case CLOSING:
          return ended;
        case NEW:
          clientInitiated = true;
          finishLocked(1000, "");
          return ended;
        case RECONNECTING:
          // Waiting for the next attempt: nothing is connected.
          clientInitiated = true;
          finishLocked(1000, "");
          return ended;
        case CONNECTING:
          clientInitiated = true;
          setState(SessionState.CLOSING);
          t = transport;
          sendClose = false;
          break;
        default:
          clientInitiated = true;
          setState(SessionState.CLOSING);
          t = transport;
          sendClose = true;
          schedule(options.closeTimeout(), this::onCloseTimeout);
      }
    }
    if (sendClose) {
      log.info("session {} closing", id);
      outbound.send(codec.encode(new SessionCloseEvent()), false);
    } else if (t != null) {
      t.abort();
    }
    return ended;
  }

  private void onCloseTimeout() {
    Transport t;
    synchronized (lock) {
      if (state != SessionState.CLOSING) {
        return;
      }
      t = transport;
      // Give the closing handshake a short, bounded chance; then drop the connection.
      schedule(Duration.ofSeconds(1), this::onCloseHandshakeTimeout);
    }
    log.debug("session {}: no session.closed within {} ms; closing with 1000", id,
        options.closeTimeout().toMillis());
    t.close(1000, "client closed");
  }

  private void onCloseHandshakeTimeout() {
    Transport t;
    synchronized (lock) {
      if (state == SessionState.CLOSED) {
        return;
      }
      t = transport;
    }
    t.abort();
  }

  @Override
  public void close() {
    CompletableFuture<SessionEnd> end = closeAsync();
    if (events.inExecutor()) {
      return;
    }
    long boundMillis = options.closeTimeout().toMillis() + 3_000;
    try {
      end.get(boundMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("session {} did not finish closing within {} ms", id, boundMillis);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Inbound

  private final class TransportListener implements Transport.Listener {
    // Set right after creation, before start(); read on the transport's thread.
    volatile Transport transport;

    private boolean current() {
      synchronized (lock) {
        return RealAtomsSession.this.transport == transport && state != SessionState.CLOSED;
      }
    }

    @Override
    public void onOpen() {
      Transport t = transport;
      synchronized (lock) {
        if (RealAtomsSession.this.transport != t) {
          return;
        }
        upgraded = true;
        lastInboundNanos = System.nanoTime();
        if (state == SessionState.CONNECTING) {
          cancelTimersLocked();
          schedule(options.sessionCreatedTimeout(), () -> onConnectTimeout(t));
        }
      }
      log.debug("session {} upgraded; waiting for session.created", id);
    }

    @Override
    public void onText(String text) {
      lastInboundNanos = System.nanoTime();
      ServerEvent event;
      try {
        event = codec.decodeServer(text);
      } catch (InvalidFrameException e) {
        reportInvalid(e);
        return;
      }
      handleEvent(transport, event);
    }

    @Override
    public void onText(byte[] utf8, int offset, int length) {
      lastInboundNanos = System.nanoTime();
      ServerEvent event;
      try {
        event = codec.decodeServer(utf8, offset, length);
      } catch (InvalidFrameException e) {
        reportInvalid(e);
        return;
      }
      handleEvent(transport, event);
    }

    @Override
    public void onBinary(ByteBuffer bytes) {
      lastInboundNanos = System.nanoTime();
      ServerEvent event;
      try {
        event = codec.decodeServer(bytes);
      } catch (InvalidFrameException e) {
        reportInvalid(e);
        return;
      }
      handleEvent(transport, event);
    }

    @Override
    public void onPong() {
      lastInboundNanos = System.nanoTime();
    }

    @Override
    public void onClosed(int code, String reason, boolean remote) {
      if (current()) {
        handleConnectionEnd(transport, code, reason, null);
      }
    }

    @Override
    public void onFailure(Throwable error) {
      if (current()) {
        handleConnectionEnd(transport, -1, "", error);
      }
    }
  }

  private void reportInvalid(InvalidFrameException e) {
    invalidFrames.incrementAndGet();
    log.debug("session {} skipped an invalid frame: {}", id, e.getMessage());
    post(() -> listener.onInvalidFrame(this, e));
  }

  private void handleEvent(Transport from, ServerEvent event) {
    synchronized (lock) {
      if (transport != from || state == SessionState.CLOSED) {
        return; // a late frame from a connection that is no longer current
      }
    }
    log.debug("session {} received {}", id, event.type());
    if (event instanceof SessionCreatedEvent created) {
      onSessionCreated(from, created);
      return;
    }
    AudioEngine engine = audio;
    if (engine != null) {
      // Audio reacts on this thread, before the listener: barge-in must not wait behind it.
      if (event instanceof OutputAudioDeltaEvent delta) {
        engine.onDelta(delta);
      } else if (event instanceof AgentStartTalkingEvent) {
        engine.onAgentStartTalking();
      } else if (event instanceof AgentStopTalkingEvent) {
        engine.onAgentStopTalking();
      } else if (event instanceof InterruptionEvent) {
        engine.onInterruption();
      }
    }
    if (event instanceof ErrorEvent error) {
      synchronized (lock) {
        lastError = error;
      }
    } else if (event instanceof SessionClosedEvent closed) {
      onSessionClosed(closed);
    }
    deliver(event);
  }

  private void onSessionCreated(Transport from, SessionCreatedEvent created) {
    SessionInfo newInfo =
        new SessionInfo(created.sessionId(), created.callId(), created.sampleRateHz(),
            created.channels());
    boolean reconnected;
    int attempts;
    synchronized (lock) {
      if (state != SessionState.CONNECTING) {
        log.debug("session {} ignored a repeated session.created", id);
        deliver(created);
        return;
      }
      info = newInfo;
      reconnected = everOpened;
      everOpened = true;
      attempts = reconnectAttempt;
      reconnectAttempt = 0;
      cancelTimersLocked();
      int rate = newInfo.sampleRateHz() > 0 ? newInfo.sampleRateHz() : options.sampleRateHz();
      // Base64 of PCM16: 8 bytes on the wire per 3 samples' worth of 6 bytes, about 4/3 x.
      long audioBytesPerSecond = rate * 2L * 4 / 3;
      long maxAudioBytes = audioBytesPerSecond * options.maxQueuedAudioMillis() / 1000;
      outbound.attach(from, maxAudioBytes, Math.max(64 * 1024, maxAudioBytes));
      // Held control frames go first, before any other sender can see OPEN; after a reconnect
      // the tools are declared again for the new server session.
      if (reconnected && declaredTools != null && !held.contains(declaredTools)) {
        outbound.send(declaredTools, false);
      }
      for (byte[] frame : held) {
        outbound.send(frame, false);
      }
      held.clear();
      setState(SessionState.OPEN);
      startKeepaliveLocked(from);
    }
    AudioEngine engine = audio;
    if (engine != null) {
      engine.start(newInfo.sampleRateHz());
    }
    if (reconnected) {
      reconnects.incrementAndGet();
      log.info("session {} reconnected after {} attempt(s): new session {} call {}", id, attempts,
          newInfo.sessionId(), newInfo.callId());
      post(() -> listener.onReconnected(this, newInfo, attempts));
    } else {
      log.info("session {} open: session {} call {} at {} Hz", id, newInfo.sessionId(),
          newInfo.callId(), newInfo.sampleRateHz());
      post(
          () -> {
            opened.complete(newInfo);
            listener.onOpen(this, newInfo);
          });
    }
    deliver(created);
  }

  private void onSessionClosed(SessionClosedEvent closed) {
    Transport t = null;
    synchronized (lock) {
      closedReason = closed.reason();
      if (state == SessionState.CLOSING) {
        t = transport;
      } else if (state == SessionState.OPEN || state == SessionState.CONNECTING) {
        // The server ended the session; it closes next. Bound the wait all the same.
        schedule(options.closeTimeout(), this::onCloseTimeoutServerSide);
      }
    }
    if (t != null) {
      t.close(1000, "client closed");
    }
  }

  private void onCloseTimeoutServerSide() {
    Transport t;
    synchronized (lock) {
      if (state == SessionState.CLOSED) {
        return;
      }
      t = transport;
    }
    t.close(1000, "session closed");
  }

  private void deliver(ServerEvent event) {
    if (!listenerWantsEvents) {
      return;
    }
    if (event instanceof OutputAudioDeltaEvent
        && events.pending() >= options.maxPendingListenerEvents()) {
      if (listenerDeltasDropped.incrementAndGet() == 1) {
        log.warn("session {}: the listener is {} events behind; audio deltas are no longer given"
            + " to it (they still play; counted in SessionStats.listenerDeltasDropped)", id,
            options.maxPendingListenerEvents());
      }
      return;
    }
    post(() -> listener.onEvent(this, event));
  }

  // -----------------------------------------------------------------------------------------------
  // Keepalive

  /** Must hold lock. Pings the current connection and declares it lost when silent too long. */
  private void startKeepaliveLocked(Transport t) {
    lastInboundNanos = System.nanoTime();
    long periodNanos = options.keepaliveInterval().toNanos();
    try {
      timers.add(resources.scheduler().scheduleAtFixedRate(() -> keepalive(t), periodNanos,
          periodNanos, TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      log.debug("session {}: client is shutting down; no keepalive", id);
    }
  }

  private void keepalive(Transport t) {
    long silentNanos = System.nanoTime() - lastInboundNanos;
    synchronized (lock) {
      if (transport != t || state == SessionState.CLOSED) {
        return;
      }
      if (silentNanos > options.idleTimeout().toNanos()) {
        pendingCause = new ConnectionException("the connection was silent for "
            + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (idle timeout "
            + options.idleTimeout().toMillis() + " ms); declared lost", true, null);
      }
    }
    if (silentNanos > options.idleTimeout().toNanos()) {
      log.info("session {}: no data or pong for {} ms; the connection is lost", id,
          TimeUnit.NANOSECONDS.toMillis(silentNanos));
      t.abort();
    } else {
      t.sendPing();
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Connection end: reconnect or finish

  private void handleConnectionEnd(Transport from, int code, String reason, Throwable failure) {
    synchronized (lock) {
      if (transport != from || state == SessionState.CLOSED) {
        return;
      }
      if (failure != null && pendingCause == null) {
        pendingCause = Failures.fromTransportFailure(failure, baseUrl);
      }
      connectionEndedLocked(code, reason);
    }
  }

  /** The current connection ended. Reconnects when the cause and the policy allow, else ends. */
  private void connectionEndedLocked(int code, String reason) {
    outbound.detach();
    AtomsException cause = causeOf(code, reason);
    if (cause != null && !clientInitiated && state != SessionState.CLOSING
        && RetryClassifier.isRetryable(cause)) {
      if (reconnectAttempt == 0) {
        lostAtNanos = System.nanoTime();
      }
      int attempt = reconnectAttempt + 1;
      Optional<Duration> delay;
      try {
        delay = options.reconnectPolicy().nextDelay(new ReconnectContext(attempt,
            Duration.ofNanos(System.nanoTime() - lostAtNanos), cause));
      } catch (RuntimeException e) {
        log.warn("session {}: the reconnect policy threw; giving up", id, e);
        delay = Optional.empty();
      }
      if (delay.isPresent()) {
        enterReconnectingLocked(attempt, delay.get(), cause);
        return;
      }
      if (attempt > 1) {
        log.warn("session {}: giving up after {} reconnect attempt(s)", id, attempt - 1);
      }
    }
    finishLocked(code, reason);
  }

  /** Must hold lock. The failure behind the end of the current connection, or null if normal. */
  private AtomsException causeOf(int code, String reason) {
    if (pendingCause != null) {
      return pendingCause;
    }
    if (clientInitiated) {
      return null;
    }
    return Failures.fromClose(code, reason, lastError, closedReason, info != null);
  }

  private void enterReconnectingLocked(int attempt, Duration delay, AtomsException cause) {
    reconnectAttempt = attempt;
    cancelTimersLocked();
    boolean hadSession = info != null;
    info = null;
    transport = null;
    setState(SessionState.RECONNECTING);
    AudioEngine engine = audio;
    if (engine != null && hadSession) {
      // Agent audio queued from the old session is discarded; audio captured meanwhile is
      // dropped (and counted) until the new session opens.
      engine.onConnectionLost();
    }
    log.info("session {}: connection lost ({}); reconnecting in {} ms (attempt {})", id,
        cause.getMessage(), delay.toMillis(), attempt);
    post(() -> listener.onReconnecting(this, attempt, delay, cause));
    try {
      timers.add(resources.scheduler().schedule(this::reconnectNow, delay.toNanos(),
          TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      pendingCause = cause;
      finishLocked(-1, "");
    }
  }

  private void reconnectNow() {
    synchronized (lock) {
      if (state != SessionState.RECONNECTING) {
        return;
      }
      timers.clear();
      setState(SessionState.CONNECTING);
    }
    startAttempt();
  }

  /** Decides the outcome and delivers it. Must hold lock. */
  private void finishLocked(int code, String reason) {
    AtomsException cause = causeOf(code, reason);
    SessionEnd end =
        new SessionEnd(code, reason == null ? "" : reason, closedReason, lastError, cause,
            clientInitiated);
    cancelTimersLocked();
    held.clear();
    outbound.detach();
    setState(SessionState.CLOSED);
    if (audio != null) {
      audio.stop(cause == null && !clientInitiated);
    }
    if (cause != null) {
      log.info("session {} ended: close code {}, {}", id, code, cause.getMessage());
    } else {
      log.info("session {} ended: close code {}{}", id, code,
          closedReason == null ? "" : ", reason " + closedReason);
    }
    events.execute(
        () -> {
          if (!opened.isDone()) {
            if (cause != null) {
              opened.completeExceptionally(cause);
            } else {
              opened.completeExceptionally(
                  new CancellationException("the session was closed before it opened"));
            }
          }
          safely(() -> listener.onClosed(this, end));
          ended.complete(end);
          resources.unregister(this);
        });
    terminalQueued = true;
  }

  // -----------------------------------------------------------------------------------------------
  // State

  /** Must hold lock. */
  private void setState(SessionState to) {
    SessionState from = state;
    if (from == to || from == SessionState.CLOSED) {
      return;
    }
    state = to;
    log.debug("session {} {} -> {}", id, from, to);
    post(() -> listener.onStateChanged(this, from, to));
  }

  /** Must hold lock. */
  private void schedule(Duration delay, Runnable task) {
    try {
      timers.add(
          resources.scheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      log.debug("session {}: client is shutting down; timer not scheduled", id);
    }
  }

  /** Must hold lock. */
  private void cancelTimersLocked() {
    for (ScheduledFuture<?> f : timers) {
      f.cancel(false);
    }
    timers.clear();
  }

  /**
   * Queues a listener call, unless the terminal callback is already queued (then nothing may
   * follow it, per the listener contract).
   */
  private void post(Runnable call) {
    synchronized (lock) {
      if (terminalQueued) {
        return;
      }
      events.execute(() -> safely(call));
    }
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("session {}: the listener threw; ignoring", id, e);
    }
  }

  @Override
  public SessionState state() {
    synchronized (lock) {
      return state;
    }
  }

  @Override
  public SessionOptions options() {
    return options;
  }

  @Override
  public SessionInfo info() {
    synchronized (lock) {
      return info;
    }
  }

  @Override
  public String toString() {
    return "AtomsSession[id=" + id + ", state=" + state() + ", agentId=" + options.agentId() + "]";
  }
}
