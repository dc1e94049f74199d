package dev.atomsrealtime.session;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.ManualScheduler;

/**
 * The fixture of the REST tests: a fake server for {@code agent-1} that accepts {@code key} and
 * keeps its tokens and call logs on virtual time, and a client on the same time with the server's
 * WebSocket and REST addresses.
 */
final class RestFixture {
  private RestFixture() {}

  static FakeAtomsServer server(String key, ManualScheduler time) {
    return FakeAtomsServer.builder().credential(key).agentId("agent-1").ticker(time).build()
        .start();
  }

  static AtomsClient client(FakeAtomsServer server, String key, ManualScheduler time) {
    return AtomsClient.builder().apiKey(key).baseUrl(server.uri()).restBaseUrl(server.restUri())
        .scheduler(time, time).build();
  }

  /** Closes both and checks that no timer was left behind. */
  static void stop(AtomsClient client, FakeAtomsServer server, ManualScheduler time) {
    client.close();
    server.close();
    time.assertNoPendingTasks();
  }
}
