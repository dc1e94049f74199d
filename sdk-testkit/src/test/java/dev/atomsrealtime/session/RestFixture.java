package dev.atomsrealtime.session;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.ManualScheduler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fixture of the REST tests: a fake server for {@code agent-1} that accepts {@link #key()} and
 * keeps its tokens and call logs on virtual time, and a client on the same time with the server's
 * WebSocket and REST addresses. After each test both are closed and no timer may be left.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(ThreadLeakExtension.class)
abstract class RestFixture {
  final ManualScheduler time = new ManualScheduler();
  FakeAtomsServer server;
  AtomsClient client;

  /** The API key the server accepts and the client sends. */
  abstract String key();

  @BeforeEach
  void startServerAndClient() {
    server = FakeAtomsServer.builder().credential(key()).agentId("agent-1").ticker(time).build()
        .start();
    client = AtomsClient.builder().apiKey(key()).baseUrl(server.uri())
        .restBaseUrl(server.restUri()).scheduler(time, time).build();
  }

  @AfterEach
  void stopServerAndClient() {
    client.close();
    server.close();
    time.assertNoPendingTasks();
  }
}
