package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.reconnect.RetryClassifier;
import dev.atomsrealtime.transport.SerialContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's state machine: {@code NEW -> CONNECTING -> OPEN -> [RECONNECTING -> CONNECTING ->
 * OPEN]* -> CLOSING -> CLOSED}. It owns the current {@link ConnectionAttempt}, the reconnect
 * streak, the control frames held until the session opens, and the one terminal outcome.
 *
 * <p>Threads: every method runs in the session's serial context, except {@link #received} and
 * {@link #invalid} (the transport's read thread: they only run the audio hooks, which must react
 * at once, and hand the rest to the context) and the volatile getters. Nothing here blocks or
 * calls user code: listener calls go through {@link ListenerDispatch}, releasing audio goes to the
 * client's blocking pool.
 */
final class SessionStateMachine implements ConnectionAttempt.Owner {
  private static final Logger log = LoggerFactory.getLogger(SessionStateMachine.class);

  private final ConnectionAttempt.Env env;
  private final AtomsSession session;
  private final ListenerDispatch dispatch;
  private final OutboundQueue outbound;
  private final AudioAttachment audio;
  private final ReconnectStreak streak;
  private final CompletableFuture<SessionInfo> opened = new CompletableFuture<>();
  private final CompletableFuture<SessionEnd> ended = new CompletableFuture<>();
  private final Runnable onTerminated;
  private final ToolDeclarations toolDeclarations;
  private final ToolRunner toolRunner;

  // Written in the context; read anywhere.
  private volatile SessionState state = SessionState.NEW;
  private volatile ConnectionAttempt current;
  private volatile SessionInfo info;
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong invalidFrames = new AtomicLong();

  // Context only.
  private int attemptsMade;
  private ConnectionAttempt lastAttempt;
  private boolean everOpened;
  private boolean clientInitiated;
  private final List<byte[]> held = new ArrayList<>();
  private byte[] declaredTools;
  private SerialContext.ScheduledHandle reconnectTimer;
  private SerialContext.ScheduledHandle closeTimer;

  SessionStateMachine(ConnectionAttempt.Env env, AtomsSession session, ListenerDispatch dispatch,
      OutboundQueue outbound, AudioAttachment audio, Runnable onTerminated) {
    this.toolDeclarations = new ToolDeclarations(r -> dispatch.post(l -> r.run()));
    this.toolRunner = new ToolRunner(env.sessionId(), env.resources(), this::sendToolResult);
    this.env = env;
    this.session = session;
    this.dispatch = dispatch;
    this.outbound = outbound;
    this.audio = audio;
    this.streak = new ReconnectStreak(env.sessionId(), env.options());
    this.onTerminated = onTerminated;
  }

  SessionState state() {
    return state;
  }

  SessionInfo info() {
    return info;
  }

  CompletableFuture<SessionInfo> openedFuture() {
    return opened;
  }

  CompletableFuture<SessionEnd> endedFuture() {
    return ended;
  }

  long reconnects() {
    return reconnects.get();
  }

  long invalidFrames() {
    return invalidFrames.get();
  }

  // -----------------------------------------------------------------------------------------------
  // Commands (context)

  void connect() {
    if (state != SessionState.NEW) {
      return;
    }
    setState(SessionState.CONNECTING);
    startAttempt(null);
  }

  private void startAttempt(AtomsException reconnectCause) {
    ConnectionAttempt attempt = new ConnectionAttempt(env, this, ++attemptsMade, reconnectCause);
    current = attempt;
    lastAttempt = attempt;
    attempt.begin();
  }

  /** A control frame: sent now if open, held until the session opens, dropped once closed. */
  void sendControl(byte[] frame, String type) {
    switch (state) {
      case NEW, CONNECTING, RECONNECTING -> held.add(frame);
      case OPEN -> {
        outbound.send(frame, false);
        log.debug("session {} sent {}", env.sessionId(), type);
      }
      default -> log.debug("session {}: {} not sent, the session is {}", env.sessionId(), type,
          state);
    }
  }

  /** Tools to declare now and again after every reconnect; {@code answer} gets the server's. */
  void declareTools(byte[] frame, String type, CompletableFuture<List<String>> answer,
      dev.atomsrealtime.tools.ClientTools handlers) {
    toolRunner.use(handlers);
    if (state == SessionState.CLOSING || state == SessionState.CLOSED) {
      answer.completeExceptionally(new IllegalStateException("the session is " + state));
      return;
    }
    declaredTools = frame;
    toolDeclarations.declared(frame, answer, state == SessionState.OPEN);
    sendControl(frame, type);
  }

  /** Any thread: a tool's result, sent only on the connection whose call it answers. */
  private void sendToolResult(Object connection, byte[] frame) {
    env.context().execute(() -> {
      if (current == connection && state == SessionState.OPEN) {
        outbound.send(frame, false);
      }
    });
  }

  void audioAttached(AudioEngine engine) {
    if (state == SessionState.CLOSED) {
      audio.releaseThen(engine, false, () -> { });
      return;
    }
    SessionInfo open = info;
    audio.attach(engine, state == SessionState.OPEN && open != null ? rateOf(open) : 0);
  }

  void close() {
    switch (state) {
      case CLOSED, CLOSING -> { }
      case NEW, RECONNECTING -> {
        clientInitiated = true;
        finish(1000, "", null);
      }
      case CONNECTING -> {
        clientInitiated = true;
        setState(SessionState.CLOSING);
        current.abort(null);
      }
      case OPEN -> {
        clientInitiated = true;
        // Timers are armed before anything is announced: a listener that reacts to CLOSING (a
        // test moving virtual time) finds the bound already running.
        ConnectionAttempt attempt = current;
        closeTimer = env.schedule(env.options().closeTimeout(), () -> {
          log.debug("session {}: no session.closed within {} ms; closing with 1000",
              env.sessionId(), env.options().closeTimeout().toMillis());
          attempt.closeWithHandshake("client closed");
        });
        setState(SessionState.CLOSING);
        log.info("session {} closing", env.sessionId());
        outbound.send(EventCodec.INSTANCE.encode(new SessionCloseEvent()), false);
      }
      default -> throw new AssertionError(state);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // From the current attempt

  @Override
  public void received(ConnectionAttempt attempt, ServerEvent event) {
    if (current != attempt) {
      return; // a late frame from a connection that is no longer current
    }
    // Audio reacts first, on the read thread; stale or unwanted agent audio goes no further.
    if (!audio.received(event, state == SessionState.CONNECTING, env.options().sampleRateHz())
        || event instanceof OutputAudioDeltaEvent && !dispatch.wantsEvents()) {
      return;
    }
    env.context().execute(() -> handle(attempt, event));
  }

  @Override
  public void invalid(ConnectionAttempt attempt, InvalidFrameException error) {
    env.context().execute(() -> {
      if (current != attempt) {
        return;
      }
      invalidFrames.incrementAndGet();
      log.debug("session {} skipped an invalid frame: {}", env.sessionId(), error.getMessage());
      dispatch.post(l -> l.onInvalidFrame(session, error));
    });
  }

  private void handle(ConnectionAttempt attempt, ServerEvent event) {
    if (current != attempt) {
      return;
    }
    log.debug("session {} received {}", env.sessionId(), event.type());
    if (event instanceof SessionCreatedEvent created) {
      sessionCreated(attempt, created);
    } else if (event instanceof ErrorEvent error) {
      attempt.lastError = error;
      toolDeclarations.error(error);
    } else if (event instanceof SessionUpdatedEvent updated) {
      toolDeclarations.updated(updated);
    } else if (event instanceof FunctionCallEvent call) {
      toolRunner.called(call, attempt);
    } else if (event instanceof SessionClosedEvent closed) {
      attempt.closedReason = closed.reason();
      if (state == SessionState.CLOSING) {
        attempt.closeWithHandshake("client closed");
      } else {
        // The server ended the session and closes next; bound the wait all the same.
        attempt.closeAfter(env.options().closeTimeout(), "session closed");
      }
    }
    audio.handled(event);
    dispatch.event(event);
  }

  private void sessionCreated(ConnectionAttempt attempt, SessionCreatedEvent created) {
    if (state != SessionState.CONNECTING) {
      log.debug("session {} ignored a repeated session.created", env.sessionId());
      return;
    }
    SessionInfo newInfo = new SessionInfo(created.sessionId(), created.callId(),
        created.sampleRateHz(), created.channels());
    info = newInfo;
    boolean reconnected = everOpened;
    everOpened = true;
    int attempts = streak.attempts();
    attempt.opened();
    int rate = rateOf(newInfo);
    // Base64 of PCM16: 8 bytes on the wire per 6 bytes of audio.
    long audioBytesPerSecond = rate * 2L * 4 / 3;
    long maxAudioBytes = audioBytesPerSecond * env.options().maxQueuedAudioMillis() / 1000;
    outbound.attach(attempt.transport(), maxAudioBytes, Math.max(64 * 1024, maxAudioBytes));
    // Held control frames go first, before any other sender can see OPEN; after a reconnect the
    // tools are declared again for the new server session.
    boolean redeclare = reconnected && declaredTools != null && !held.contains(declaredTools);
    if (redeclare) {
      outbound.send(declaredTools, false);
    }
    toolDeclarations.opened(redeclare ? declaredTools : null, held);
    held.forEach(frame -> outbound.send(frame, false));
    held.clear();
    setState(SessionState.OPEN);
    audio.opened(rate);
    if (reconnected) {
      reconnects.incrementAndGet();
      log.info("session {} reconnected after {} attempt(s): new session {} call {}",
          env.sessionId(), attempts, newInfo.sessionId(), newInfo.callId());
      dispatch.post(l -> l.onReconnected(session, newInfo, attempts));
    } else {
      log.info("session {} open: session {} call {} at {} Hz", env.sessionId(),
          newInfo.sessionId(), newInfo.callId(), newInfo.sampleRateHz());
      dispatch.post(l -> {
        opened.complete(newInfo);
        l.onOpen(session, newInfo);
      });
    }
  }

  @Override
  public void ended(ConnectionAttempt attempt, int code, String reason, AtomsException known) {
    if (current != attempt) {
      return;
    }
    current = null;
    outbound.detach();
    toolRunner.connectionEnded(attempt);
    toolDeclarations.connectionLost();
    AtomsException cause = known;
    if (cause == null && !clientInitiated) {
      cause = Failures.fromClose(code, reason, attempt.lastError, attempt.closedReason,
          attempt.wasOpen());
    }
    if (cause != null && !clientInitiated && state != SessionState.CLOSING
        && RetryClassifier.isRetryable(cause)) {
      Optional<Duration> delay = streak.nextDelay(attempt.wasOpen() ? attempt.openNanos() : -1,
          cause, env.resources().ticker().nanoTime());
      if (delay.isPresent()) {
        reconnectAfter(delay.get(), cause, attempt.wasOpen());
        return;
      }
      if (streak.attempts() > 0) {
        log.warn("session {}: giving up after {} reconnect attempt(s)", env.sessionId(),
            streak.attempts());
      }
    }
    finish(code, reason, cause);
  }

  private void reconnectAfter(Duration delay, AtomsException cause, boolean hadSession) {
    int attempt = streak.attemptScheduled();
    // Armed before anything is announced (see close()).
    reconnectTimer = env.schedule(delay, () -> {
      if (state == SessionState.RECONNECTING) {
        setState(SessionState.CONNECTING);
        startAttempt(cause);
      }
    });
    if (reconnectTimer == null) {
      finish(-1, "", cause); // the client is shutting down
      return;
    }
    info = null;
    setState(SessionState.RECONNECTING);
    if (hadSession) {
      audio.connectionLost();
    }
    log.info("session {}: connection lost ({}); reconnecting in {} ms (attempt {})",
        env.sessionId(), cause.getMessage(), delay.toMillis(), attempt);
    dispatch.post(l -> l.onReconnecting(session, attempt, delay, cause));
  }

  /** Decides the outcome and delivers it; the one way to CLOSED. */
  private void finish(int code, String reason, AtomsException cause) {
    if (state == SessionState.CLOSED) {
      return;
    }
    ConnectionAttempt last = lastAttempt;
    SessionEnd end = new SessionEnd(code, reason, last == null ? null : last.closedReason,
        last == null ? null : last.lastError, cause, clientInitiated);
    ConnectionAttempt.Env.cancel(reconnectTimer);
    ConnectionAttempt.Env.cancel(closeTimer);
    held.clear();
    outbound.detach();
    current = null;
    toolRunner.connectionEnded(null);
    toolDeclarations.ended();
    setState(SessionState.CLOSED);
    if (cause != null) {
      log.info("session {} ended: close code {}, {}", env.sessionId(), code, cause.getMessage());
    } else {
      log.info("session {} ended: close code {}{}", env.sessionId(), code,
          end.closedReason() == null ? "" : ", reason " + end.closedReason());
    }
    Runnable terminal = () -> dispatch.terminal(l -> {
      if (!opened.isDone()) {
        opened.completeExceptionally(cause != null ? cause
            : new CancellationException("the session was closed before it opened"));
      }
      l.onClosed(session, end);
    }, () -> {
      onTerminated.run(); // first: once closeAsync() completes, the client no longer counts it
      ended.complete(end);
    });
    audio.ended(cause == null && !clientInitiated, terminal);
  }

  private void setState(SessionState to) {
    SessionState from = state;
    if (from == to || from == SessionState.CLOSED) {
      return;
    }
    state = to;
    log.debug("session {} {} -> {}", env.sessionId(), from, to);
    dispatch.post(l -> l.onStateChanged(session, from, to));
  }

  private int rateOf(SessionInfo open) {
    return open.sampleRateHz() > 0 ? open.sampleRateHz() : env.options().sampleRateHz();
  }
}
