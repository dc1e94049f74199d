package dev.atomsrealtime.testing;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link SessionListener} that records every callback for assertions with bounded waits. Also
 * checks the listener contract as it goes: callbacks never overlap, never run on a WebSocket
 * thread, and nothing arrives after {@code onClosed}.
 */
public class RecordingListener implements SessionListener {
  private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
  private final List<ServerEvent> allEvents = new CopyOnWriteArrayList<>();
  private final List<String> callbacks = new CopyOnWriteArrayList<>();
  private final List<InvalidFrameException> invalidFrames = new CopyOnWriteArrayList<>();
  private final List<SessionState> states = new CopyOnWriteArrayList<>();
  private final List<AgentActivity> activities = new CopyOnWriteArrayList<>();
  private final BlockingQueue<AgentActivity> activityChanges = new LinkedBlockingQueue<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final BlockingQueue<TurnMetrics> metrics = new LinkedBlockingQueue<>();
  private final List<AudioException> audioErrors = new CopyOnWriteArrayList<>();
  private final List<Reconnecting> reconnecting = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Reconnecting> reconnectingQueue = new LinkedBlockingQueue<>();
  private final List<SessionInfo> reconnected = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger closedCalls = new AtomicInteger();
  /** Signalled when a state change, an invalid frame or a reconnect is recorded. */
  private final Object signal = new Object();
  /** Guarded by signal: per state, how many entries into it {@link #awaitState} has returned. */
  private final Map<SessionState, Integer> stateCursors = new EnumMap<>(SessionState.class);
  /** Guarded by signal: how many reconnects {@link #awaitReconnected} has returned. */
  private int reconnectedCursor;
  private volatile SessionEnd end;
  private volatile SessionInfo openInfo;

  private void enter(String name) {
    if (inside.incrementAndGet() != 1) {
      violations.add("overlapping callback " + name);
    }
    String thread = Thread.currentThread().getName();
    if (thread.startsWith("WebSocket")) {
      violations.add(name + " ran on socket thread " + thread);
    }
    if (closedCalls.get() > 0) {
      violations.add(name + " after onClosed");
    }
    callbacks.add(name);
  }

  private void exit() {
    inside.decrementAndGet();
  }

  @Override
  public void onOpen(AtomsSession session, SessionInfo info) {
    enter("onOpen");
    openInfo = info;
    exit();
  }

  @Override
  public void onEvent(AtomsSession session, ServerEvent event) {
    enter("onEvent:" + event.type());
    allEvents.add(event);
    events.add(event);
    exit();
  }

  @Override
  public void onStateChanged(AtomsSession session, SessionState from, SessionState to) {
    enter("onStateChanged:" + to);
    synchronized (signal) {
      states.add(to);
      signal.notifyAll();
    }
    exit();
  }

  @Override
  public void onAgentActivityChanged(AtomsSession session, AgentActivity from, AgentActivity to) {
    enter("onAgentActivityChanged:" + to);
    if (!activities.isEmpty() && activities.get(activities.size() - 1) != from
        || activities.isEmpty() && from != AgentActivity.LISTENING) {
      violations.add("agent activity changed from " + from + " but was " + activities);
    }
    activities.add(to);
    activityChanges.add(to);
    exit();
  }

  /** The next change of agent activity, which must be to {@code to}, within {@code timeout}. */
  public void awaitActivity(AgentActivity to, Duration timeout) throws InterruptedException {
    AgentActivity next = activityChanges.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (next != to) {
      throw new AssertionError("expected agent activity " + to + " within " + timeout + ", got "
          + next + "; saw " + callbacks);
    }
  }

  /** Every agent activity change, in order. */
  public List<AgentActivity> activities() {
    return new ArrayList<>(activities);
  }

  @Override
  public void onInvalidFrame(AtomsSession session, InvalidFrameException error) {
    enter("onInvalidFrame");
    synchronized (signal) {
      invalidFrames.add(error);
      signal.notifyAll();
    }
    exit();
  }

  @Override
  public void onTurnMetrics(AtomsSession session, TurnMetrics m) {
    enter("onTurnMetrics");
    metrics.add(m);
    exit();
  }

  @Override
  public void onAudioError(AtomsSession session, AudioException error) {
    enter("onAudioError");
    synchronized (signal) {
      audioErrors.add(error);
      signal.notifyAll();
    }
    exit();
  }

  /** The next turn's metrics, within {@code timeout}. */
  public TurnMetrics awaitTurnMetrics(Duration timeout) throws InterruptedException {
    TurnMetrics m = metrics.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError("no turn metrics within " + timeout + "; saw " + callbacks);
    }
    return m;
  }

  public List<AudioException> audioErrors() {
    return new ArrayList<>(audioErrors);
  }

  /** Waits until at least {@code n} audio errors were reported. */
  public List<AudioException> awaitAudioErrors(int n, Duration timeout)
      throws InterruptedException {
    synchronized (signal) {
      awaitSignal(() -> audioErrors.size() >= n, timeout,
          () -> "expected " + n + " audio errors, saw " + audioErrors);
      return new ArrayList<>(audioErrors);
    }
  }

  /** One {@code onReconnecting} call. */
  public record Reconnecting(int attempt, Duration delay, AtomsException cause) {}

  @Override
  public void onReconnecting(
      AtomsSession session, int attempt, Duration delay, AtomsException cause) {
    enter("onReconnecting:" + attempt);
    Reconnecting r = new Reconnecting(attempt, delay, cause);
    reconnecting.add(r);
    reconnectingQueue.add(r);
    exit();
  }

  @Override
  public void onReconnected(AtomsSession session, SessionInfo info, int attempts) {
    enter("onReconnected");
    synchronized (signal) {
      reconnected.add(info);
      signal.notifyAll();
    }
    exit();
  }

  /**
   * The next {@code onReconnecting} not yet returned by this method, within {@code timeout}. The
   * session arms the reconnect timer before it announces the attempt, so a test may move virtual
   * time by its delay as soon as this returns.
   */
  public Reconnecting awaitReconnecting(Duration timeout) throws InterruptedException {
    Reconnecting r = reconnectingQueue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no onReconnecting within " + timeout + "; saw " + callbacks);
    }
    return r;
  }

  /** Every {@code onReconnecting} call, in order. */
  public List<Reconnecting> reconnectingCalls() {
    return new ArrayList<>(reconnecting);
  }

  /**
   * Waits for the next {@code n} reconnects not yet waited for by this method (reconnects before
   * the call count) and returns the session info of the last of them.
   */
  public SessionInfo awaitReconnected(int n, Duration timeout) throws InterruptedException {
    synchronized (signal) {
      int want = reconnectedCursor + n;
      awaitSignal(() -> reconnected.size() >= want, timeout,
          () -> "expected " + n + " more reconnects within " + timeout + "; saw " + callbacks);
      reconnectedCursor = want;
      return reconnected.get(want - 1);
    }
  }

  /** The session info of every {@code onReconnected} call, in order. */
  public List<SessionInfo> reconnected() {
    return new ArrayList<>(reconnected);
  }

  @Override
  public void onClosed(AtomsSession session, SessionEnd end) {
    enter("onClosed");
    closedCalls.incrementAndGet();
    this.end = end;
    closed.countDown();
    exit();
  }

  /** The next event of {@code type}, skipping others, within {@code timeout}. */
  public <T extends ServerEvent> T awaitEvent(Class<T> type, Duration timeout)
      throws InterruptedException {
    return type.cast(awaitEvent(type::isInstance, timeout));
  }

  /** The next event matching {@code p}, skipping others, within {@code timeout}. */
  public ServerEvent awaitEvent(Predicate<ServerEvent> p, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      ServerEvent e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no matching event within " + timeout + "; saw " + callbacks);
      }
      if (p.test(e)) {
        return e;
      }
    }
  }

  /**
   * Like {@link #awaitEvent(Predicate, Duration)}, but returns null at the timeout instead of
   * failing when {@code nullOnTimeout}: for asserting that nothing matching arrives.
   */
  public ServerEvent awaitEvent(Predicate<ServerEvent> p, Duration timeout, boolean nullOnTimeout)
      throws InterruptedException {
    try {
      return awaitEvent(p, timeout);
    } catch (AssertionError e) {
      if (nullOnTimeout) {
        return null;
      }
      throw e;
    }
  }

  /** Waits for {@code onClosed} and returns its {@link SessionEnd}. */
  public SessionEnd awaitClosed(Duration timeout) throws InterruptedException {
    if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("onClosed not called within " + timeout + "; saw " + callbacks);
    }
    return end;
  }

  /** Waits until at least {@code n} invalid frames were reported. */
  public List<InvalidFrameException> awaitInvalidFrames(int n, Duration timeout)
      throws InterruptedException {
    synchronized (signal) {
      awaitSignal(() -> invalidFrames.size() >= n, timeout,
          () -> "expected " + n + " invalid frames, saw " + invalidFrames.size());
      return new ArrayList<>(invalidFrames);
    }
  }

  /**
   * Waits for the next entry into {@code state} not yet returned by this method: the n-th call
   * for a state returns once the listener has been told of the n-th change to it (changes before
   * the call count). Since the session arms a state's timers before it announces the state, a
   * test may move virtual time as soon as this returns.
   */
  public void awaitState(SessionState state, Duration timeout) throws InterruptedException {
    synchronized (signal) {
      int seen = stateCursors.getOrDefault(state, 0);
      awaitSignal(() -> states.stream().filter(state::equals).count() > seen, timeout,
          () -> "no change to " + state + " within " + timeout + "; saw " + callbacks);
      stateCursors.put(state, seen + 1);
    }
  }

  /** Caller holds signal. Waits until {@code done}, at most {@code timeout}. */
  private void awaitSignal(BooleanSupplier done, Duration timeout, Supplier<String> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(failure.get());
      }
      TimeUnit.NANOSECONDS.timedWait(signal, left);
    }
  }

  public List<ServerEvent> events() {
    return new ArrayList<>(allEvents);
  }

  public List<String> callbacks() {
    return new ArrayList<>(callbacks);
  }

  public List<SessionState> states() {
    return new ArrayList<>(states);
  }

  public List<InvalidFrameException> invalidFrames() {
    return new ArrayList<>(invalidFrames);
  }

  public SessionInfo openInfo() {
    return openInfo;
  }

  public int closedCalls() {
    return closedCalls.get();
  }

  /** Contract violations seen (overlap, socket thread, after close). Empty when all is well. */
  public List<String> violations() {
    return new ArrayList<>(violations);
  }
}
