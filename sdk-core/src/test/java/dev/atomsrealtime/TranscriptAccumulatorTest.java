package dev.atomsrealtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TranscriptAccumulatorTest {
  private static TranscriptDeltaEvent delta(Role r, String raw, String text) {
    return new TranscriptDeltaEvent(r, raw, text);
  }

  private static TranscriptEvent fin(Role r, String raw, String text) {
    return new TranscriptEvent(r, raw, text);
  }

  @Test
  void cumulativeDeltasReplaceAndTheFinalSettles() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(delta(Role.USER, "user", "Book"));
    t.accept(delta(Role.USER, "user", "Book a ta"));
    t.accept(delta(Role.USER, "user", "Book a table"));
    assertEquals(List.of(new TranscriptTurn(0, Role.USER, "Book a table", false, false)),
        t.turns());
    t.accept(fin(Role.USER, "user", "Book a table for two."));
    assertEquals(List.of(new TranscriptTurn(0, Role.USER, "Book a table for two.", true, false)),
        t.turns());
  }

  @Test
  void assistantAndAgentAreOneRoleAndTurnsAlternate() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(fin(Role.USER, "user", "Hi"));
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "assistant", "Hello"));
    t.accept(delta(Role.AGENT, "agent", "Hello there"));
    t.accept(new AgentStopTalkingEvent(null));
    t.accept(fin(Role.AGENT, "assistant", "Hello there!"));
    t.accept(fin(Role.USER, "user", "Bye"));
    assertEquals("user: Hi\nagent: Hello there!\nuser: Bye", t.render());
  }

  @Test
  void interruptionMarksTheSpeakingAgentTurn() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "assistant", "Sure, I can"));
    assertTrue(t.accept(new InterruptionEvent()));
    t.accept(fin(Role.AGENT, "assistant", "Sure, I can"));
    t.accept(delta(Role.USER, "user", "Wait"));
    TranscriptTurn agent = t.turns().get(0);
    assertTrue(agent.interrupted());
    assertTrue(agent.complete());
    assertFalse(t.turns().get(1).interrupted());
    assertEquals("agent: Sure, I can [interrupted]\nuser: Wait ...", t.render());
  }

  @Test
  void interruptionAfterTheFinalStillMarksThatReply() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(fin(Role.AGENT, "assistant", "A long answer"));
    t.accept(new InterruptionEvent());
    assertTrue(t.turns().get(0).interrupted());
  }

  @Test
  void chatModeFinalsOfOneReplyAreJoinedAndNewRepliesSplit() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(fin(Role.USER, "user", "What's open?"));
    t.accept(fin(Role.AGENT, "assistant", "We open at nine."));
    t.accept(fin(Role.AGENT, "assistant", "And close at ten."));
    t.accept(fin(Role.USER, "user", "Thanks"));
    t.accept(fin(Role.AGENT, "assistant", "You're welcome."));
    assertEquals("user: What's open?\nagent: We open at nine. And close at ten.\nuser: Thanks\n"
        + "agent: You're welcome.", t.render());
  }

  @Test
  void missingFinalLeavesTheTurnOpenButTheNextReplyStartsANewOne() {
    TranscriptAccumulator t = new TranscriptAccumulator();
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "assistant", "First reply"));
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "assistant", "Second"));
    assertEquals(2, t.turns().size());
    assertEquals("First reply", t.turns().get(0).text());
    assertFalse(t.turns().get(0).complete());
    assertEquals("Second", t.turns().get(1).text());
  }
}
