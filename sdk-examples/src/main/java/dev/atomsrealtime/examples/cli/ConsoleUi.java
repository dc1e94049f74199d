package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.TranscriptAccumulator;
import dev.atomsrealtime.TranscriptTurn;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's view of a session: a live status line (connecting, listening, agent speaking, mic
 * level), the transcript as it grows, and per-turn latency. On a terminal the status line is
 * redrawn in place; otherwise (pipes, CI logs) only changes are printed, one per line.
 */
final class ConsoleUi implements SessionListener {
  private final PrintStream out;
  private final boolean live;
  private final TranscriptAccumulator transcript = new TranscriptAccumulator();
  private final List<TurnMetrics> metrics = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile SessionEnd end;
  private volatile SessionAudio audio;
  private volatile String activity = "connecting";
  private volatile AgentActivity agentActivity = AgentActivity.LISTENING;
  private volatile boolean audioFailed;
  private volatile long lastAgentActivityNanos = System.nanoTime();
  private volatile int printedTurns;
  private volatile String partial = "";
  private String lastStatus = "";

  ConsoleUi(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  void attach(SessionAudio audio) {
    this.audio = audio;
  }

  void say(String line) {
    synchronized (out) {
      clearStatus();
      out.println("atoms: " + line);
      drawStatus();
    }
  }

  @Override
  public void onOpen(AtomsSession session, SessionInfo info) {
    say("connected: session " + info.sessionId() + ", call " + info.callId() + ", "
        + info.sampleRateHz() + " Hz");
    setActivity("listening");
  }

  @Override
  public void onStateChanged(AtomsSession session, SessionState from, SessionState to) {
    if (to == SessionState.CLOSING) {
      setActivity("closing");
    }
  }

  /** The session's own view of whether the agent speaks (as heard): the status line shows it. */
  @Override
  public void onAgentActivityChanged(AtomsSession session, AgentActivity from, AgentActivity to) {
    agentActivity = to;
    lastAgentActivityNanos = System.nanoTime();
    setActivity(to == AgentActivity.AGENT_SPEAKING ? "agent speaking" : "listening");
  }

  @Override
  public void onEvent(AtomsSession session, ServerEvent event) {
    if (event instanceof OutputAudioDeltaEvent) {
      return;
    }
    if (event instanceof InterruptionEvent) {
      say("interruption: the user barged in; agent audio stopped");
    } else if (event instanceof ErrorEvent e) {
      say("server error " + e.code() + (e.message().isEmpty() ? "" : ": " + e.message()));
    }
    if (transcript.accept(event)) {
      if (event instanceof TranscriptDeltaEvent d) {
        partial = (d.role() == dev.atomsrealtime.event.Role.USER ? "user: " : "agent: ")
            + d.text();
      } else if (event instanceof TranscriptEvent) {
        partial = "";
      }
      printSettledTurns(false);
      redraw();
    }
  }

  @Override
  public void onInvalidFrame(AtomsSession session, InvalidFrameException error) {
    say("skipped a frame the SDK could not decode: " + error.getMessage());
  }

  @Override
  public void onTurnMetrics(AtomsSession session, TurnMetrics m) {
    metrics.add(m);
    say("latency " + m.summary());
  }

  @Override
  public void onAudioError(AtomsSession session, AudioException error) {
    audioFailed = true;
    say("audio error: " + error.getMessage());
  }

  boolean audioFailed() {
    return audioFailed;
  }

  @Override
  public void onClosed(AtomsSession session, SessionEnd end) {
    this.end = end;
    printSettledTurns(true);
    setActivity("closed");
    closed.countDown();
  }

  /** Prints transcript turns once they are final (or all, at the end). */
  private synchronized void printSettledTurns(boolean all) {
    List<TranscriptTurn> turns = transcript.turns();
    while (printedTurns < turns.size()) {
      TranscriptTurn t = turns.get(printedTurns);
      boolean later = printedTurns + 1 < turns.size();
      if (!all && !t.complete() && !later) {
        return;
      }
      synchronized (out) {
        clearStatus();
        out.println(t.line());
        drawStatus();
      }
      printedTurns++;
    }
  }

  private void setActivity(String activity) {
    this.activity = activity;
    redraw();
  }

  /** Redraws the status line (called on changes, and periodically on a terminal). */
  void redraw() {
    synchronized (out) {
      String status = status();
      if (live) {
        clearStatus();
        lastStatus = status;
        drawStatus();
      } else if (!activity.equals(lastStatus)) {
        lastStatus = activity;
        out.println("[" + activity + "]");
      }
    }
  }

  private String status() {
    StringBuilder s = new StringBuilder("[").append(activity).append("]");
    SessionAudio a = audio;
    if (a != null) {
      double level = a.micLevelDbfs();
      int bars = (int) Math.max(0, Math.min(10, (level + 60) / 6));
      s.append(" mic ").append("#".repeat(bars)).append(".".repeat(10 - bars));
      s.append(String.format(" %5.0f dBFS", Math.max(level, -99)));
      if (a.isMuted()) {
        s.append(" (muted)");
      } else if (a.isGatedByPlayback()) {
        s.append(" (half duplex: mic gated)");
      }
    }
    String p = partial;
    if (!p.isEmpty()) {
      s.append("  ").append(p.length() > 60 ? "..." + p.substring(p.length() - 57) : p);
    }
    return s.toString();
  }

  private void clearStatus() {
    if (live && !lastStatus.isEmpty()) {
      out.print("\r\033[2K");
    }
  }

  private void drawStatus() {
    if (live && !lastStatus.isEmpty()) {
      out.print(lastStatus);
      out.flush();
    }
  }

  /** Ends the live line so that what follows starts on a fresh line. */
  void finishLine() {
    synchronized (out) {
      clearStatus();
      lastStatus = "";
    }
  }

  boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return closed.await(timeout, unit);
  }

  SessionEnd end() {
    return end;
  }

  boolean agentSpeaking() {
    return agentActivity == AgentActivity.AGENT_SPEAKING;
  }

  /** Since the agent last started or stopped speaking. */
  long millisSinceAgentActivity() {
    return (System.nanoTime() - lastAgentActivityNanos) / 1_000_000;
  }

  TranscriptAccumulator transcript() {
    return transcript;
  }

  List<TurnMetrics> metrics() {
    return metrics;
  }
}
