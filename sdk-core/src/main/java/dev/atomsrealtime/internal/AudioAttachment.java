package dev.atomsrealtime.internal;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.transport.SerialContext;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ties a session to its audio: the attached {@link AudioEngine} (if any), the one {@link
 * AgentActivityTracker}, and the hand-overs between them and the session's state machine.
 *
 * <p>Threads: {@link #received} on the read thread (the engine's hooks must react at once);
 * {@link #playbackChanged} on any thread (it hands over to the context); everything else in the
 * session's serial context, which is also where the activity changes and is reported.
 */
final class AudioAttachment implements AudioEngineHost, AgentActivityTracker.Observer {
  private static final Logger log = LoggerFactory.getLogger(AudioAttachment.class);
  /** Longest the terminal callback waits for the audio source and sink to be released. */
  static final Duration RELEASE_BOUND = Duration.ofSeconds(2);

  private final long sessionId;
  private final AtomsSession session;
  private final ListenerDispatch dispatch;
  private final SerialContext context;
  private final ClientResources resources;
  private final ChunkSender chunks;
  private final AgentActivityTracker activity = new AgentActivityTracker(this);
  private final SessionAudioClock clock;
  private volatile AudioEngine engine;

  AudioAttachment(long sessionId, AtomsSession session, ListenerDispatch dispatch,
      SerialContext context, ClientResources resources, ChunkSender chunks) {
    this.sessionId = sessionId;
    this.session = session;
    this.dispatch = dispatch;
    this.context = context;
    this.resources = resources;
    this.chunks = chunks;
    this.clock = new SessionAudioClock(resources.ticker(), resources.scheduler());
  }

  /** Any thread. */
  AgentActivity agentActivity() {
    return activity.activity();
  }

  /**
   * Read thread, before the event goes to the context: playback must be ready for the deltas that
   * may follow {@code session.created} at once, and barge-in must not wait.
   *
   * @return false if the event must not reach the listener: a delta the engine dropped as stale
   */
  boolean received(ServerEvent event, boolean connecting, int requestedRate) {
    AudioEngine e = engine;
    if (e == null) {
      return true;
    }
    if (event instanceof SessionCreatedEvent created) {
      if (connecting) {
        e.start(created.sampleRateHz() > 0 ? created.sampleRateHz() : requestedRate);
      }
      return true;
    }
    return e.onServerEvent(event);
  }

  /** Context: the event, in order with every other, moves the agent activity. */
  void handled(ServerEvent event) {
    if (event instanceof AgentStartTalkingEvent) {
      activity.startedTalking(now());
    } else if (event instanceof AgentStopTalkingEvent) {
      activity.stoppedTalking(now());
    } else if (event instanceof InterruptionEvent) {
      activity.cutOff(now());
    }
  }

  /** Context: audio was attached; started now if the session is open at {@code openRate}. */
  void attach(AudioEngine e, int openRate) {
    engine = e;
    if (openRate > 0) {
      e.start(openRate);
      e.startCapture();
    }
  }

  /** Context: a session opened at {@code rate}. */
  void opened(int rate) {
    AudioEngine e = engine;
    if (e != null) {
      e.start(rate);
      e.startCapture();
    }
  }

  /** Context: the connection was lost and a new session will start. */
  void connectionLost() {
    AudioEngine e = engine;
    if (e != null) {
      // Agent audio of the old session is discarded now; audio captured meanwhile is dropped
      // (and counted) until the new session opens.
      e.onConnectionLost();
    }
    activity.cutOff(now());
  }

  /**
   * Context: the session ended. The agent stops speaking and the last turn's metrics go out;
   * then the engine is stopped on the blocking pool (closing a device may block) and {@code
   * terminal} runs once the source and sink are released, or after {@link #RELEASE_BOUND} if a
   * device does not let go.
   */
  void ended(boolean drainQueued, Runnable terminal) {
    AudioEngine e = engine;
    if (e != null) {
      e.endTurns(); // an end, not an interruption
    }
    activity.cutOff(now());
    if (e == null) {
      terminal.run();
      return;
    }
    releaseThen(e, drainQueued, terminal);
  }

  /** Stops {@code e} on the blocking pool, then (in the context) runs {@code then}, bounded. */
  void releaseThen(AudioEngine e, boolean drainQueued, Runnable then) {
    AtomicBoolean done = new AtomicBoolean();
    SerialContext.ScheduledHandle bound;
    try {
      bound = context.schedule(() -> {
        if (done.compareAndSet(false, true)) {
          log.warn("session {}: the audio devices did not close within {} ms; ending anyway",
              sessionId, RELEASE_BOUND.toMillis());
          then.run();
        }
      }, RELEASE_BOUND.toNanos(), TimeUnit.NANOSECONDS, resources.scheduler());
    } catch (RejectedExecutionException ex) {
      bound = null;
    }
    SerialContext.ScheduledHandle timer = bound;
    Runnable release = () -> {
      try {
        e.stop(drainQueued);
      } finally {
        if (done.compareAndSet(false, true)) {
          context.execute(() -> {
            if (timer != null) {
              timer.cancel();
            }
            then.run();
          });
        }
      }
    };
    try {
      resources.blocking().execute(release);
    } catch (RejectedExecutionException ex) {
      release.run(); // the client is closing: release here rather than never
    }
  }

  private long now() {
    return resources.ticker().nanoTime();
  }

  // -----------------------------------------------------------------------------------------------
  // AgentActivityTracker.Observer: the context

  @Override
  public void changed(AgentActivity from, AgentActivity to, long now,
      AgentActivityTracker.Reason reason) {
    log.debug("session {}: agent {} -> {} ({})", sessionId, from, to, reason);
    AudioEngine e = engine;
    if (e != null) {
      e.activityChanged(to, now, reason);
    }
    dispatch.post(l -> l.onAgentActivityChanged(session, from, to));
  }

  @Override
  public void replyRestarted(long now) {
    AudioEngine e = engine;
    if (e != null) {
      e.replyRestarted(now);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // AudioEngineHost

  @Override
  public ChunkSender chunks() {
    return chunks;
  }

  @Override
  public ClientResources resources() {
    return resources;
  }

  @Override
  public AudioClock clock() {
    return clock;
  }

  @Override
  public AgentActivityTracker activity() {
    return activity;
  }

  @Override
  public void playbackChanged(AudioEngine e) {
    context.execute(() -> {
      if (e == engine) {
        activity.playbackChanged(e.isPlaybackIdle(), now());
      }
    });
  }

  @Override
  public boolean turnMetricsWanted() {
    return dispatch.wantsTurnMetrics() || log.isInfoEnabled();
  }

  @Override
  public void turnMetrics(TurnMetrics metrics) {
    if (log.isInfoEnabled()) {
      log.info("session {} {}", sessionId, metrics.summary()); // summary() formats: only if logged
    }
    dispatch.post(l -> l.onTurnMetrics(session, metrics));
  }

  @Override
  public void audioError(AudioException error) {
    dispatch.post(l -> l.onAudioError(session, error));
  }
}
