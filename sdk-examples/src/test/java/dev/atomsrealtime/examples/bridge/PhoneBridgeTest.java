package dev.atomsrealtime.examples.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.G711;
import dev.atomsrealtime.testkit.AgentTurn;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The phone bridge end to end: twenty simulated phones stream mu-law speech at the phone
 * network's pace through the bridge to twenty sessions of a simulated agent on loopback.
 */
class PhoneBridgeTest {
  static final int CALLS = 20;
  static final int BARGE_IN_EVERY = 5;
  static final Duration WAIT = Duration.ofSeconds(60);

  static byte[] muLaw(byte[] pcm16) {
    byte[] codes = new byte[pcm16.length / 2];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) G711.linearToMuLaw((short) ((pcm16[2 * i + 1] << 8)
          | (pcm16[2 * i] & 0xff)));
    }
    return codes;
  }

  static void assertPrefix(byte[] whole, byte[] prefix, String what) {
    assertTrue(prefix.length <= whole.length, what + ": " + prefix.length + " bytes of "
        + whole.length);
    assertArrayEquals(Arrays.copyOf(whole, prefix.length), prefix, what);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twentyConcurrentCallsEachHearTheirReplyAndBargeInClearsThePhone() throws Exception {
    SimulatedAgent agent = SimulatedAgent.builder().build(); // replies at real time
    try (FakeAtomsServer server = FakeAtomsServer.builder().credential("sk_bridge")
            .behavior(agent).build().start();
        AtomsClient client = AtomsClient.builder().apiKey("sk_bridge").baseUrl(server.uri())
            .build()) {
      PhoneBridge bridge = new PhoneBridge(new InetSocketAddress("127.0.0.1", 0), client,
          SessionOptions.builder().agentId("agent-bridge").variable("line", "support").build())
          .startAndWait();
      try (PhoneFleet fleet = new PhoneFleet(URI.create("ws://127.0.0.1:" + bridge.getPort()),
          CALLS, BARGE_IN_EVERY)) {
        // Each stream has its own session, with the stream's custom parameters as variables.
        for (int i = 0; i < CALLS; i++) {
          agent.awaitSession(WAIT); // twenty sessions
        }
        Map<String, SimulatedAgent.Session> byCaller = new HashMap<>();
        for (SimulatedAgent.Session s : agent.sessions()) {
          String variables = URLDecoder.decode(
              s.connection().handshake().queryParameter("variables"), StandardCharsets.UTF_8);
          assertTrue(variables.contains("\"line\":\"support\""), variables);
          byCaller.put(variables.replaceAll(".*\"caller\":\"(phone-\\d+)\".*", "$1"), s);
        }
        assertEquals(CALLS, byCaller.size(), byCaller.keySet().toString());
        assertEquals(CALLS, bridge.callsStarted());

        for (int i = 0; i < CALLS; i++) {
          SimulatedPhone phone = fleet.phones().get(i);
          SimulatedAgent.Session session = byCaller.get("phone-" + i);
          if (!PhoneFleet.bargesIn(i, BARGE_IN_EVERY)) {
            AgentTurn reply = session.awaitTurns(1, WAIT).get(0);
            assertTrue(reply.completed(), "call " + i + ": " + reply);
            byte[] expected = muLaw(reply.audio());
            awaitReceived(phone, expected.length);
            assertArrayEquals(expected, phone.received(), "call " + i + " hears its reply");
            assertTrue(phone.clears().isEmpty(), "call " + i + " was not interrupted");
          } else {
            AgentTurn cut = session.awaitInterruption(WAIT);
            assertTrue(phone.awaitClear(WAIT.toMillis()), "call " + i + ": clear sent");
            List<AgentTurn> turns = session.awaitTurns(2, WAIT);
            AgentTurn next = turns.get(1);
            assertTrue(next.completed(), "call " + i + ": " + next);
            byte[] answer = muLaw(next.audio());
            int at = phone.clears().get(0);
            awaitReceived(phone, at + answer.length);
            byte[] got = phone.received();
            // Before the clear: part of the interrupted reply. After it: the next reply only,
            // whole; no audio of the interrupted reply reached the phone after the clear.
            assertPrefix(muLaw(cut.audio()), Arrays.copyOf(got, at), "call " + i + " before");
            assertArrayEquals(answer, Arrays.copyOfRange(got, at, got.length),
                "call " + i + " after the clear");
            assertTrue(at < muLaw(cut.audio()).length + 1, "the reply was cut short");
          }
        }
        assertEquals(CALLS / BARGE_IN_EVERY, bridge.clearsSent());
      }
      // Every phone hung up: every session closes.
      for (SimulatedAgent.Session s : agent.sessions()) {
        s.connection().awaitClosed(WAIT);
      }
      assertTrue(bridge.awaitNoActiveCalls(WAIT), "every call's session closed");
      assertFalse(agent.sessions().stream().anyMatch(s -> s.connection().isOpen()));
      bridge.shutdown();
    }
  }

  static void awaitReceived(SimulatedPhone phone, int bytes) throws InterruptedException {
    assertTrue(phone.awaitReceived(bytes, WAIT), phone.streamSid() + " to receive " + bytes
        + " bytes, got " + phone.received().length);
  }
}
