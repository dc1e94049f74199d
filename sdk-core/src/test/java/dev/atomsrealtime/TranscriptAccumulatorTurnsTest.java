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

/** Turn boundaries and return values of {@link TranscriptAccumulator}, one rule per test. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TranscriptAccumulatorTurnsTest {
  private final TranscriptAccumulator t = new TranscriptAccumulator();

  private static TranscriptDeltaEvent delta(Role r, String text) {
    return new TranscriptDeltaEvent(r, r.wireName(), text);
  }

  private static TranscriptEvent fin(Role r, String text) {
    return new TranscriptEvent(r, r.wireName(), text);
  }

  @Test
  void aSecondUtteranceOfTheSameRoleAsDeltasIsANewTurn() {
    assertTrue(t.accept(delta(Role.USER, "Book")));
    assertTrue(t.accept(delta(Role.USER, "Book a table")));
    assertTrue(t.accept(fin(Role.USER, "Book a table.")));
    assertTrue(t.accept(delta(Role.USER, "For")));
    assertTrue(t.accept(delta(Role.USER, "For two")));
    assertEquals(List.of(
        new TranscriptTurn(0, Role.USER, "Book a table.", true, false),
        new TranscriptTurn(1, Role.USER, "For two", false, false)), t.turns());
    assertTrue(t.accept(fin(Role.USER, "For two.")));
    assertEquals("user: Book a table.\nuser: For two.", t.render());
  }

  @Test
  void aSecondAgentReplyAsDeltasAfterItsFinalIsANewTurn() {
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "One"));
    t.accept(fin(Role.AGENT, "One."));
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "Two"));
    t.accept(fin(Role.AGENT, "Two."));
    assertEquals("agent: One.\nagent: Two.", t.render());
  }

  @Test
  void aRepeatedDeltaChangesNothing() {
    assertTrue(t.accept(delta(Role.USER, "Hi")));
    assertFalse(t.accept(delta(Role.USER, "Hi")));
    assertEquals(1, t.turns().size());
  }

  @Test
  void rolesKeepSeparateOpenTurns() {
    t.accept(delta(Role.USER, "Hel"));
    t.accept(delta(Role.AGENT, "Wel"));
    t.accept(delta(Role.USER, "Hello"));
    t.accept(delta(Role.AGENT, "Welcome"));
    assertEquals(List.of(
        new TranscriptTurn(0, Role.USER, "Hello", false, false),
        new TranscriptTurn(1, Role.AGENT, "Welcome", false, false)), t.turns());
    t.accept(fin(Role.AGENT, "Welcome!"));
    t.accept(fin(Role.USER, "Hello."));
    assertEquals(List.of(
        new TranscriptTurn(0, Role.USER, "Hello.", true, false),
        new TranscriptTurn(1, Role.AGENT, "Welcome!", true, false)), t.turns());
  }

  @Test
  void unknownRolesNeverShareATurn() {
    t.accept(delta(Role.UNKNOWN, "a"));
    t.accept(delta(Role.UNKNOWN, "ab"));
    t.accept(fin(Role.UNKNOWN, "abc"));
    assertEquals(3, t.turns().size());
    assertFalse(t.turns().get(0).complete());
    assertTrue(t.turns().get(2).complete());
  }

  @Test
  void aStartTalkingEventBeforeAnyTextKeepsTheEmptyOpenTurn() {
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, ""));
    assertFalse(t.accept(new AgentStartTalkingEvent(null)));
    t.accept(delta(Role.AGENT, "Hello"));
    assertEquals(List.of(new TranscriptTurn(0, Role.AGENT, "Hello", false, false)), t.turns());
  }

  @Test
  void aStartTalkingEventEndsTheReplySoTheNextFinalIsNotJoined() {
    t.accept(fin(Role.AGENT, "One."));
    assertFalse(t.accept(new AgentStartTalkingEvent(null)));
    t.accept(fin(Role.AGENT, "Two."));
    assertEquals("agent: One.\nagent: Two.", t.render());
  }

  @Test
  void aJoinedFinalAlreadyContainedIsNotRepeated() {
    assertTrue(t.accept(fin(Role.AGENT, "We open at nine.")));
    assertTrue(t.accept(fin(Role.AGENT, "at nine.")));
    assertEquals("agent: We open at nine.", t.render());
  }

  @Test
  void aFinalJoinedToAnEmptyReplyTakesItsText() {
    t.accept(new AgentStartTalkingEvent(null));
    t.accept(delta(Role.AGENT, "")); // opens an empty agent turn
    t.accept(fin(Role.AGENT, "")); // settles it, empty
    assertTrue(t.accept(fin(Role.AGENT, "Hello")));
    assertEquals(List.of(new TranscriptTurn(0, Role.AGENT, "Hello", true, false)), t.turns());
  }

  @Test
  void agentFinalsAreNotJoinedAcrossAUserTurn() {
    t.accept(fin(Role.AGENT, "One."));
    t.accept(fin(Role.USER, "Hm."));
    t.accept(fin(Role.AGENT, "Two."));
    assertEquals(3, t.turns().size());
  }

  @Test
  void interruptionMarksOnceAndNeedsAnAgentTurn() {
    assertFalse(t.accept(new InterruptionEvent()));
    t.accept(fin(Role.USER, "Hi"));
    assertFalse(t.accept(new InterruptionEvent()));
    t.accept(delta(Role.AGENT, "Hello"));
    assertTrue(t.accept(new InterruptionEvent()));
    assertFalse(t.accept(new InterruptionEvent()));
    assertTrue(t.turns().get(1).interrupted());
    assertFalse(t.turns().get(0).interrupted());
  }

  @Test
  void interruptionAfterANewReplyBeganMarksNothingOld() {
    t.accept(fin(Role.AGENT, "Old."));
    t.accept(new AgentStartTalkingEvent(null));
    assertFalse(t.accept(new InterruptionEvent()));
    assertFalse(t.turns().get(0).interrupted());
  }

  @Test
  void otherEventsAreIgnored() {
    assertFalse(t.accept(new AgentStopTalkingEvent(null)));
    assertEquals(List.of(), t.turns());
    assertEquals("", t.render());
  }
}
