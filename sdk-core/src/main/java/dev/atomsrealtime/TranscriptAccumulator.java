package dev.atomsrealtime;

import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns the stream of {@code transcript.delta} and {@code transcript} events into a clean
 * per-turn transcript:
 *
 * <ul>
 *   <li>deltas are cumulative: each replaces the text of the open turn of its role;
 *   <li>a final {@code transcript} settles the open turn of its role (or adds a turn when the
 *       server sent no deltas); consecutive agent finals with no new reply in between (chat mode
 *       sends several per reply) are joined into one turn;
 *   <li>{@code assistant} and {@code agent} are one role;
 *   <li>an {@code interruption} marks the agent turn being spoken as interrupted;
 *   <li>{@code agent_start_talking} starts a new agent turn boundary.
 * </ul>
 *
 * <p>Feed it every event ({@link #accept}), for example from {@link SessionListener#onEvent}.
 * Thread-safe.
 */
public final class TranscriptAccumulator {
  private final List<Turn> turns = new ArrayList<>();
  // Index of the open (not yet final) turn per role, or -1.
  private int openUser = -1;
  private int openAgent = -1;
  // The agent turn of the current reply (open or final), for interruption marks and joins.
  private int currentAgent = -1;

  /**
   * Applies one event. Returns true if the transcript changed (events other than transcripts,
   * talking and interruption events are ignored).
   *
   * @param event the event
   * @return whether the transcript changed
   */
  public synchronized boolean accept(ServerEvent event) {
    if (event instanceof TranscriptDeltaEvent d) {
      return applyDelta(d.role(), d.text());
    }
    if (event instanceof TranscriptEvent t) {
      return applyFinal(t.role(), t.text());
    }
    if (event instanceof AgentStartTalkingEvent) {
      if (openAgent >= 0 && turns.get(openAgent).text.isEmpty()) {
        return false;
      }
      openAgent = -1;
      currentAgent = -1;
      return false;
    }
    if (event instanceof InterruptionEvent) {
      int i = openAgent >= 0 ? openAgent : currentAgent;
      if (i >= 0 && !turns.get(i).interrupted) {
        turns.get(i).interrupted = true;
        return true;
      }
    }
    return false;
  }

  private boolean applyDelta(Role role, String text) {
    int open = openIndex(role);
    if (open < 0) {
      open = add(role, text, false);
      setOpen(role, open);
      return true;
    }
    Turn t = turns.get(open);
    if (t.text.equals(text)) {
      return false;
    }
    t.text = text;
    return true;
  }

  private boolean applyFinal(Role role, String text) {
    int open = openIndex(role);
    if (open >= 0) {
      Turn t = turns.get(open);
      t.text = text;
      t.complete = true;
      setOpen(role, -1);
      return true;
    }
    if (role == Role.AGENT && currentAgent >= 0 && currentAgent == turns.size() - 1) {
      // Another final for the same reply (chat mode): join it.
      Turn t = turns.get(currentAgent);
      if (!t.text.endsWith(text)) {
        t.text = t.text.isEmpty() ? text : t.text + " " + text;
      }
      return true;
    }
    add(role, text, true);
    return true;
  }

  private int add(Role role, String text, boolean complete) {
    Turn t = new Turn(role, text);
    t.complete = complete;
    turns.add(t);
    int index = turns.size() - 1;
    if (role == Role.AGENT) {
      currentAgent = index;
    }
    return index;
  }

  private int openIndex(Role role) {
    return role == Role.USER ? openUser : role == Role.AGENT ? openAgent : -1;
  }

  private void setOpen(Role role, int index) {
    if (role == Role.USER) {
      openUser = index;
    } else if (role == Role.AGENT) {
      openAgent = index;
    }
  }

  /** {@return a snapshot of the turns, in the order they began} */
  public synchronized List<TranscriptTurn> turns() {
    List<TranscriptTurn> out = new ArrayList<>(turns.size());
    for (int i = 0; i < turns.size(); i++) {
      Turn t = turns.get(i);
      out.add(new TranscriptTurn(i, t.role, t.text, t.complete, t.interrupted));
    }
    return out;
  }

  /** {@return the transcript as text, one {@link TranscriptTurn#line()} per line} */
  public String render() {
    return turns().stream().map(TranscriptTurn::line).collect(Collectors.joining("\n"));
  }

  private static final class Turn {
    final Role role;
    String text;
    boolean complete;
    boolean interrupted;

    Turn(Role role, String text) {
      this.role = role;
      this.text = text;
    }
  }
}
