package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.AtomsTimeoutException;
import dev.atomsrealtime.AuthPlacement;
import dev.atomsrealtime.CredentialSupplier;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.ToolDefinition;
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
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
  private final EventCodec codec = EventCodec.INSTANCE;

  private final Object lock = new Object();
  // Guarded by lock.
  private SessionState state = SessionState.NEW;
  // Guarded by lock. Written once in connect().
  private Transport transport;
  // Guarded by lock. Control frames sent before session.created, flushed in order on open.
  private final List<byte[]> held = new ArrayList<>();
  // Guarded by lock.
  private SessionInfo info;
  // Guarded by lock.
  private ErrorEvent lastError;
  // Guarded by lock.
  private String closedReason;
  // Guarded by lock.
  private boolean clientInitiated;
  // Guarded by lock. A failure decided by the session itself (timeouts), preferred over what the
  // transport reports after the session aborts it.
  private AtomsException pendingCause;
  // Guarded by lock.
  private boolean upgraded;
  // Guarded by lock.
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();

  // Guarded by lock; volatile for the read thread's lock-free hooks.
  private volatile AudioEngine audio;

  private final CompletableFuture<SessionInfo> opened = new CompletableFuture<>();
  private final CompletableFuture<SessionEnd> ended = new CompletableFuture<>();
  private final AtomicLong audioDroppedBeforeOpen = new AtomicLong();

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
  }

  // -----------------------------------------------------------------------------------------------
  // Connecting

  @Override
  public CompletableFuture<SessionInfo> connect() {
    Transport t;
    synchronized (lock) {
      if (state != SessionState.NEW) {
        return opened;
      }
      String credential;
      try {
        credential = credentials.get();
      } catch (RuntimeException e) {
        failBeforeStart(Failures.fromCredentialSupplier(e));
        return opened;
      }
      if (credential == null || credential.isBlank()) {
        failBeforeStart(Failures.missingCredential());
        return opened;
      }
      TransportRequest request = buildRequest(credential);
      t = transportFactory.create(request, new TransportListener());
      transport = t;
      setState(SessionState.CONNECTING);
      schedule(options.connectTimeout(), this::onConnectTimeout);
      log.info("session {} connecting to {}", id, request.redactedUri());
    }
    try {
      t.start();
    } catch (RuntimeException e) {
      handleFailure(e);
    }
    return opened;
  }

  private void failBeforeStart(AtomsException cause) {
    // Called under lock from connect(): go straight to CLOSED.
    pendingCause = cause;
    finishLocked(-1, "");
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

  private void onConnectTimeout() {
    Transport t;
    synchronized (lock) {
      if (state != SessionState.CONNECTING) {
        return;
      }
      Duration bound = upgraded ? options.sessionCreatedTimeout() : options.connectTimeout();
      String what =
          upgraded
              ? "waiting for session.created after the upgrade"
              : "connecting to " + baseUrl.getHost();
      pendingCause = new AtomsTimeoutException("timed out after " + bound.toMillis() + " ms "
          + what);
      t = transport;
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
    if (s == SessionState.NEW || s == SessionState.CONNECTING || s == SessionState.RECONNECTING) {
      audioDroppedBeforeOpen.incrementAndGet();
      return;
    }
    if (s != SessionState.OPEN) {
      throw closedError("send audio");
    }
    // Encode outside the lock: the frame is built once, on the caller's thread.
    byte[] frame = codec.encodeAudioAppend(pcm, offset, length);
    Transport t;
    synchronized (lock) {
      if (state != SessionState.OPEN) {
        if (state == SessionState.CLOSING || state == SessionState.CLOSED) {
          throw closedError("send audio");
        }
        audioDroppedBeforeOpen.incrementAndGet();
        return;
      }
      t = transport;
    }
    t.sendText(frame);
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
    sendControl(new SessionUpdateEvent(tools), "declare tools");
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
    byte[] frame = codec.encode(event);
    Transport t;
    synchronized (lock) {
      switch (state) {
        case NEW:
        case CONNECTING:
        case RECONNECTING:
          held.add(frame);
          return;
        case OPEN:
          t = transport;
          break;
        default:
          throw closedError(what);
      }
    }
    t.sendText(frame);
    log.debug("session {} sent {}", id, event.type());
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
      log.info("session {} {}", id, metrics.summary());
      events.execute(() -> safely(() -> listener.onTurnMetrics(RealAtomsSession.this, metrics)));
    }

    @Override
    public void audioError(AudioException error) {
      events.execute(() -> safely(() -> listener.onAudioError(RealAtomsSession.this, error)));
    }
  }

  @Override
  public long audioFramesDroppedBeforeOpen() {
    return audioDroppedBeforeOpen.get();
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
        case CONNECTING:
        case RECONNECTING:
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
      t.sendText(codec.encode(new SessionCloseEvent()));
    } else {
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
    @Override
    public void onOpen() {
      synchronized (lock) {
        upgraded = true;
        if (state == SessionState.CONNECTING) {
          cancelTimersLocked();
          schedule(options.sessionCreatedTimeout(), RealAtomsSession.this::onConnectTimeout);
        }
      }
      log.debug("session {} upgraded; waiting for session.created", id);
    }

    @Override
    public void onText(String text) {
      ServerEvent event;
      try {
        event = codec.decodeServer(text);
      } catch (InvalidFrameException e) {
        reportInvalid(e);
        return;
      }
      handleEvent(event);
    }

    @Override
    public void onBinary(ByteBuffer bytes) {
      ServerEvent event;
      try {
        event = codec.decodeServer(bytes);
      } catch (InvalidFrameException e) {
        reportInvalid(e);
        return;
      }
      handleEvent(event);
    }

    @Override
    public void onClosed(int code, String reason, boolean remote) {
      handleClosed(code, reason);
    }

    @Override
    public void onFailure(Throwable error) {
      handleFailure(error);
    }
  }

  private void reportInvalid(InvalidFrameException e) {
    log.debug("session {} skipped an invalid frame: {}", id, e.getMessage());
    events.execute(() -> safely(() -> listener.onInvalidFrame(this, e)));
  }

  private void handleEvent(ServerEvent event) {
    log.debug("session {} received {}", id, event.type());
    if (event instanceof SessionCreatedEvent created) {
      onSessionCreated(created);
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

  private void onSessionCreated(SessionCreatedEvent created) {
    SessionInfo newInfo =
        new SessionInfo(created.sessionId(), created.callId(), created.sampleRateHz(),
            created.channels());
    List<byte[]> flush;
    Transport t;
    synchronized (lock) {
      if (state != SessionState.CONNECTING) {
        log.debug("session {} ignored a repeated session.created", id);
        deliver(created);
        return;
      }
      info = newInfo;
      cancelTimersLocked();
      flush = new ArrayList<>(held);
      held.clear();
      t = transport;
      // Flush the held control frames before any other sender can see OPEN, so they go first.
      for (byte[] frame : flush) {
        t.sendText(frame);
      }
      setState(SessionState.OPEN);
    }
    AudioEngine engine = audio;
    if (engine != null) {
      engine.start(newInfo.sampleRateHz());
    }
    log.info("session {} open: session {} call {} at {} Hz", id, newInfo.sessionId(),
        newInfo.callId(), newInfo.sampleRateHz());
    events.execute(
        () -> {
          opened.complete(newInfo);
          safely(() -> listener.onOpen(this, newInfo));
        });
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
    events.execute(() -> safely(() -> listener.onEvent(this, event)));
  }

  private void handleClosed(int code, String reason) {
    synchronized (lock) {
      if (state == SessionState.CLOSED) {
        return;
      }
      finishLocked(code, reason);
    }
  }

  private void handleFailure(Throwable error) {
    synchronized (lock) {
      if (state == SessionState.CLOSED) {
        return;
      }
      if (pendingCause == null) {
        pendingCause = Failures.fromTransportFailure(error, baseUrl);
      }
      finishLocked(-1, "");
    }
  }

  /** Decides the outcome and delivers it. Must hold lock. */
  private void finishLocked(int code, String reason) {
    boolean wasOpen = info != null;
    AtomsException cause = pendingCause;
    if (cause == null && !clientInitiated) {
      cause = Failures.fromClose(code, reason, lastError, closedReason, wasOpen);
    }
    SessionEnd end =
        new SessionEnd(code, reason == null ? "" : reason, closedReason, lastError, cause,
            clientInitiated);
    cancelTimersLocked();
    held.clear();
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
    AtomsException openFailure =
        cause != null
            ? cause
            : null;
    events.execute(
        () -> {
          if (!opened.isDone()) {
            if (openFailure != null) {
              opened.completeExceptionally(openFailure);
            } else {
              opened.completeExceptionally(
                  new CancellationException("the session was closed before it opened"));
            }
          }
          safely(() -> listener.onClosed(this, end));
          ended.complete(end);
          resources.unregister(this);
        });
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
    events.execute(() -> safely(() -> listener.onStateChanged(this, from, to)));
  }

  /** Must hold lock. */
  private void schedule(Duration delay, Runnable task) {
    try {
      timers.add(
          resources.scheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
    } catch (java.util.concurrent.RejectedExecutionException e) {
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

  /** The events executor, for components (the audio engine) that deliver to the listener. */
  SerialExecutor events() {
    return events;
  }

  @Override
  public String toString() {
    return "AtomsSession[id=" + id + ", state=" + state() + ", agentId=" + options.agentId() + "]";
  }
}
