package dev.atomsrealtime.examples;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Finished calls for tests of call logs: a chat that ends after the agent's first words. */
public final class FinishedCalls {
  private FinishedCalls() {}

  /**
   * Opens a chat session with {@code agentId}, waits (5 s at most) for the agent's first
   * transcript (its greeting), closes the session and returns the call id.
   */
  public static String chatUntilGreeted(AtomsClient client, String agentId) throws Exception {
    CountDownLatch greeted = new CountDownLatch(1);
    AtomsSession session = client.newSession(
        SessionOptions.builder().agentId(agentId).mode(Mode.CHAT).build(),
        new SessionListener() {
          @Override
          public void onEvent(AtomsSession s, ServerEvent e) {
            if (e instanceof TranscriptEvent) {
              greeted.countDown();
            }
          }
        });
    String callId = session.connect().get(5, TimeUnit.SECONDS).callId();
    if (!greeted.await(5, TimeUnit.SECONDS)) {
      throw new AssertionError("no greeting within 5 s");
    }
    session.close();
    return callId;
  }
}
