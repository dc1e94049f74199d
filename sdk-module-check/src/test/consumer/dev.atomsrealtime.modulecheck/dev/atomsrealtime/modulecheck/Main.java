package dev.atomsrealtime.modulecheck;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one session against a loopback server from the module path and prints what the module
 * system says about the SDK's modules. Exits non-zero on any failure.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Module core = AtomsClient.class.getModule();
    Module testkit = FakeAtomsServer.class.getModule();
    System.out.println("core module: " + core.getName());
    System.out.println("testkit module: " + testkit.getName());
    System.out.println("internal exported to all: " + core.isExported("dev.atomsrealtime.internal"));
    System.out.println("internal exported to testkit: "
        + core.isExported("dev.atomsrealtime.internal", testkit));
    System.out.println("internal exported to this module: "
        + core.isExported("dev.atomsrealtime.internal", Main.class.getModule()));
    try (FakeAtomsServer server = FakeAtomsServer.builder()
            .credential("sk_test").agentId("agent-1").build().start();
         AtomsClient client = AtomsClient.builder()
            .apiKey("sk_test").baseUrl(server.uri()).build()) {
      AtomsSession session = client.newSession(
          SessionOptions.builder().agentId("agent-1").build(), new SessionListener() {});
      session.connect().get(10, TimeUnit.SECONDS);
      FakeConnection conn = server.awaitConnection(Duration.ofSeconds(10));
      session.sendText("hello from a module");
      InputTextSendEvent got = conn.awaitReceived(InputTextSendEvent.class, Duration.ofSeconds(10));
      System.out.println("server received: " + got);
      session.close();
    }
    System.out.println("module check done");
  }
}
