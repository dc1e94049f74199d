package dev.atomsrealtime.bench;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ServerBehavior;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Cold start, run by {@code scripts/cold-start.sh}: {@code server} starts a {@link FakeAtomsServer}
 * that greets every session at once with half a second of agent audio (no {@code
 * agent_start_talking}, so the client's "agent speaking" marks the first audio written to its
 * speaker), prints its port and runs until its input ends; {@code client <base-url> [jdk]} is the
 * minimal program: one client, one session with a pushed source and a speaker, connected; it
 * prints the microseconds from {@code COLD_T0_US} (the launcher's clock reading just before it
 * started the JVM) to {@code session.created} and to the first agent audio written to the speaker.
 */
public final class ColdStart {
  private static final PcmFormat FORMAT = PcmFormat.pcm16Mono(24_000);

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      server();
    } else if (args.length > 1 && args[0].equals("client")) {
      client(URI.create(args[1]), args.length > 2 && args[2].equals("jdk"));
    } else {
      throw new IllegalArgumentException("usage: ColdStart server | client <base-url> [jdk]");
    }
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  private static void client(URI base, boolean jdk) throws Exception {
    long t0 = Long.parseLong(System.getenv("COLD_T0_US"));
    TimestampSink speaker = new TimestampSink(FORMAT);
    AtomsClient.Builder builder = AtomsClient.builder().apiKey("sk_cold_start").baseUrl(base);
    if (jdk) {
      builder.transportFactory(new dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory());
    }
    try (AtomsClient client = builder.build()) {
      AtomsSession session = client.newSession(
          SessionOptions.builder().agentId("cold-start").build(), new SessionListener() {});
      session.attachAudio(PcmPushSource.create(FORMAT, 1_000), speaker, AudioOptions.defaults());
      session.connect().get(30, TimeUnit.SECONDS);
      long created = nowMicros();
      long playedNanos = speaker.awaitFirstWrite(30, TimeUnit.SECONDS);
      if (playedNanos < 0) {
        throw new IllegalStateException("no agent audio arrived");
      }
      long played = nowMicros() - (System.nanoTime() - playedNanos) / 1_000;
      System.out.println("COLD created_us=" + (created - t0) + " played_us=" + (played - t0));
      System.out.flush();
    }
    System.exit(0);
  }

  private static void server() throws Exception {
    byte[] pcm = new byte[FORMAT.bytesForMillis(20)];
    ServerBehavior greeter = new ServerBehavior() {
      @Override
      public void onSessionCreated(FakeConnection connection) {
        for (int i = 0; i < 25; i++) {
          connection.sendAudio(pcm);
        }
      }
    };
    try (FakeAtomsServer server = FakeAtomsServer.builder().behavior(greeter).build().start()) {
      System.out.println("READY " + server.uri());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // runs until the launcher closes our input
      }
    }
  }
}
