package dev.atomsrealtime.internal;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.transport.OrderedCallbacks;
import dev.atomsrealtime.transport.SerialContext;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one session's callbacks to its {@link SessionListener}: one at a time, in the order
 * they were posted, on the client's event threads (never on a socket's read thread, never inside
 * the session's own context). Owns three rules of the listener contract:
 *
 * <ul>
 *   <li>ordering: {@link OrderedCallbacks} on a serial context on the event pool;
 *   <li>the terminal fence: once the terminal callback ran, nothing else runs, whoever posted it
 *       and whenever (the check is made inside the serial context, so a post racing the end is
 *       dropped, never delivered after {@code onClosed});
 *   <li>delta shedding: when the listener is {@code maxPending} callbacks behind, audio deltas
 *       are no longer given to it (they still play) and are counted.
 * </ul>
 *
 * <p>Thread-safe. The callbacks themselves run without any SDK lock held.
 */
final class ListenerDispatch {
  private static final Logger log = LoggerFactory.getLogger(ListenerDispatch.class);

  private final long sessionId;
  private final AtomsSession session;
  private final SessionListener listener;
  private final OrderedCallbacks callbacks;
  private final boolean wantsEvents;
  private final boolean wantsTurnMetrics;
  private final int maxPending;
  private final AtomicLong deltasDropped = new AtomicLong();

  ListenerDispatch(long sessionId, AtomsSession session, SessionListener listener,
      Executor events, int maxPending) {
    this.sessionId = sessionId;
    this.session = session;
    this.listener = listener;
    this.callbacks = new OrderedCallbacks(SerialContext.onExecutor(orLateThread(events),
        SerialContext.logging("session " + sessionId + " listener dispatch")), () -> { });
    this.wantsEvents = overrides(listener, "onEvent", ServerEvent.class);
    this.wantsTurnMetrics =
        overrides(listener, "onTurnMetrics", dev.atomsrealtime.audio.TurnMetrics.class);
    this.maxPending = maxPending;
  }

  /**
   * The event pool, or, once it is shut down (a session ending after its client closed), a
   * thread of its own for what is left: listener code never runs on the thread that happened to
   * end the session, which may be a socket's.
   */
  private static Executor orLateThread(Executor events) {
    return task -> {
      try {
        events.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        Thread late = new Thread(task, "atoms-events-late");
        late.setDaemon(true);
        late.start();
      }
    };
  }

  /**
   * Whether the listener overrides {@code name(AtomsSession, argument)}: if not, what it would
   * receive need not be produced (events are not dispatched at all, saving a thread hand-off per
   * audio delta on sessions that only use attached audio; turn metrics need no voice detection).
   */
  private static boolean overrides(SessionListener listener, String name, Class<?> argument) {
    try {
      return listener.getClass().getMethod(name, AtomsSession.class, argument)
          .getDeclaringClass() != SessionListener.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return true;
    }
  }

  /** Whether the listener overrides {@code onTurnMetrics}. */
  boolean wantsTurnMetrics() {
    return wantsTurnMetrics;
  }

  /** Whether events are given to the listener at all. */
  boolean wantsEvents() {
    return wantsEvents;
  }

  /** Queues a listener call, unless the terminal callback has run by the time its turn comes. */
  void post(Callback call) {
    callbacks.deliver(() -> safely(call));
  }

  /** Queues {@code onEvent}, or drops (and counts) an audio delta for a listener far behind. */
  void event(ServerEvent event) {
    if (!wantsEvents) {
      return;
    }
    if (event instanceof OutputAudioDeltaEvent && callbacks.pending() >= maxPending) {
      if (deltasDropped.incrementAndGet() == 1) {
        log.warn("session {}: the listener is {} events behind; audio deltas are no longer given"
            + " to it (they still play; counted in SessionStats.listenerDeltasDropped)",
            sessionId, maxPending);
      }
      return;
    }
    post(l -> l.onEvent(session, event));
  }

  /**
   * Queues the terminal call: it runs once, after everything queued before it, and nothing runs
   * after it. {@code afterwards} runs right after it (even if the listener threw), also in order.
   */
  void terminal(Callback call, Runnable afterwards) {
    callbacks.deliverTerminal(() -> {
      safely(call);
      afterwards.run();
    });
  }

  /** Whether the calling thread is delivering a callback of this session. */
  boolean isDispatchThread() {
    return callbacks.isCurrentThread();
  }

  long deltasDropped() {
    return deltasDropped.get();
  }

  private void safely(Callback call) {
    try {
      call.deliver(listener);
    } catch (RuntimeException e) {
      log.warn("session {}: the listener threw; ignoring", sessionId, e);
    }
  }

  /** One call on the listener. */
  @FunctionalInterface
  interface Callback {
    void deliver(SessionListener listener);
  }
}
