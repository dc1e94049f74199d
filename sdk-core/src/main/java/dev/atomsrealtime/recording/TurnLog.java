package dev.atomsrealtime.recording;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The turns of a recorded call: where each is on the timeline (from the audio placed), its text
 * (from transcript events) and, for agent turns, its latency and whether it was interrupted; and
 * the transcript file they are written to. The recorder's thread only.
 */
final class TurnLog implements RecordingTimeline.Marks {

  private static final class Turn {
    final Role role;
    String text = "";
    long start = -1;
    long end = -1;
    boolean interrupted;
    TurnMetrics metrics;

    Turn(Role role) {
      this.role = role;
    }
  }

  private final List<Turn> turns = new ArrayList<>();
  private final List<Turn> agentTurns = new ArrayList<>();
  private Turn user; // the user turn being spoken, or null
  private Turn agent; // the agent turn being played, or null
  private Turn lastUser;
  private Turn lastAgent;

  @Override
  public void userVoiced(long start, long end) {
    if (user == null) {
      user = add(Role.USER);
      user.start = start;
    }
    user.end = end;
  }

  @Override
  public void agentPlaced(long start, long end) {
    if (agent == null) { // audio with no start event before it
      openAgent();
    }
    if (agent.start < 0) {
      agent.start = start;
    }
    agent.end = end;
  }

  @Override
  public void agentCut(long at) {
    Turn t = agent;
    if (t == null) {
      return;
    }
    t.interrupted = true;
    if (t.start >= 0 && t.end > at) {
      t.end = Math.max(t.start, at);
    }
    agent = null;
  }

  /** A server event at timeline position {@code at}. */
  void event(ServerEvent event, long at) {
    if (event instanceof AgentStartTalkingEvent) {
      user = null; // the user's turn is over: speech from now on is a new turn (or a barge-in)
      openAgent();
    } else if (event instanceof InterruptionEvent) {
      if (agent != null) {
        agent.interrupted = true;
      }
    } else if (event instanceof TranscriptDeltaEvent d) {
      text(d.role(), d.text(), at);
    } else if (event instanceof TranscriptEvent t) {
      text(t.role(), t.text(), at);
    }
  }

  /** An agent turn's latency; turns are numbered from 1 as the session numbers them. */
  void metrics(TurnMetrics m) {
    if (m.turn() >= 1 && m.turn() <= agentTurns.size()) {
      agentTurns.get(m.turn() - 1).metrics = m;
    }
  }

  private void openAgent() {
    agent = add(Role.AGENT);
    agentTurns.add(agent);
  }

  private Turn add(Role role) {
    Turn t = new Turn(role);
    turns.add(t);
    if (role == Role.USER) {
      lastUser = t;
    } else {
      lastAgent = t;
    }
    return t;
  }

  /** Text replaces the text of the role's latest turn (deltas are cumulative, finals settle). */
  private void text(Role role, String text, long at) {
    if (role != Role.USER && role != Role.AGENT) {
      return;
    }
    Turn t = role == Role.USER ? lastUser : lastAgent;
    if (t == null) { // text with no audio (a typed turn): a turn at the event's time
      t = add(role);
      if (role == Role.AGENT) {
        agentTurns.add(t);
      }
      t.start = at;
      t.end = at;
    }
    t.text = text == null ? "" : text;
  }

  /** The turns in order of their start on the timeline, with offsets at {@code rateHz}. */
  List<RecordedTurn> snapshot(RecordingTimeline timeline) {
    List<RecordedTurn> out = new ArrayList<>();
    for (Turn t : turns) {
      if (t.start < 0) {
        continue; // an agent turn with neither audio nor text
      }
      out.add(new RecordedTurn(t.role, t.text, timeline.millis(t.start),
          timeline.millis(Math.max(t.start, t.end)), t.interrupted, t.metrics));
    }
    out.sort((a, b) -> Double.compare(a.startMillis(), b.startMillis()));
    return Collections.unmodifiableList(out);
  }

  /**
   * Writes the transcript file atomically (a temporary file moved into place), so a reader never
   * sees half a file and a crash leaves the last complete version.
   */
  static void write(Path file, String wavName, int rateHz, double durationMillis,
      long droppedMillis, boolean complete, List<RecordedTurn> turns) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp);
        JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("recording", wavName);
      g.writeNumberField("sampleRateHz", rateHz);
      g.writeStringField("left", "user, as sent");
      g.writeStringField("right", "agent, as played");
      g.writeNumberField("durationMillis", round(durationMillis));
      g.writeNumberField("droppedMillis", droppedMillis);
      g.writeBooleanField("complete", complete);
      g.writeArrayFieldStart("turns");
      for (RecordedTurn t : turns) {
        g.writeStartObject();
        g.writeStringField("role", t.role() == Role.USER ? "user" : "agent");
        g.writeStringField("text", t.text());
        g.writeNumberField("startMillis", round(t.startMillis()));
        g.writeNumberField("endMillis", round(t.endMillis()));
        g.writeBooleanField("interrupted", t.interrupted());
        TurnMetrics m = t.metrics();
        if (m != null) {
          g.writeObjectFieldStart("latency");
          g.writeNumberField("turn", m.turn());
          millis(g, "toAgentStartMillis", m.toAgentStart());
          millis(g, "toFirstDeltaMillis", m.toFirstDelta());
          millis(g, "toFirstPlayedMillis", m.toFirstPlayed());
          millis(g, "interruptionToSilenceMillis", m.interruptionToSilence());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void millis(JsonGenerator g, String name, Duration d) throws IOException {
    if (d != null) {
      g.writeNumberField(name, round(d.toNanos() / 1e6));
    }
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
