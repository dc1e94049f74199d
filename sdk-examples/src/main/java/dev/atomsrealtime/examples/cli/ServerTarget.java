package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AuthPlacement;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.net.URI;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a command connects: by default an embedded simulated agent on loopback (no key, no
 * network); with {@code --agent-id} the real service (key from {@code ATOMS_API_KEY}); with
 * {@code --url} any server.
 */
final class ServerTarget implements AutoCloseable {
  /** The options every command that talks to an agent shares. */
  static final class Options {
    @Option(names = "--agent-id", description = "Agent to talk to on the real service "
        + "(the API key comes from the ATOMS_API_KEY environment variable).")
    String agentId;

    @Option(names = "--url", description = "Server base URL (wss://host or ws://host:port). "
        + "Default: the embedded simulated agent, or wss://api.smallest.ai with --agent-id.")
    URI url;

    @Option(names = "--sample-rate", defaultValue = "24000",
        description = "Requested sample rate: 8000, 16000, 24000 or 48000 (default ${DEFAULT-VALUE}).")
    int sampleRateHz;

    @Option(names = "--query-auth", description = "Send the key as the token query parameter "
        + "instead of the Authorization header.")
    boolean queryAuth;
  }

  final AtomsClient client;
  final FakeAtomsServer embedded;
  final String agentId;
  final String description;

  private ServerTarget(AtomsClient client, FakeAtomsServer embedded, String agentId,
      String description) {
    this.client = client;
    this.embedded = embedded;
    this.agentId = agentId;
    this.description = description;
  }

  /**
   * Resolves the target. {@code env} is the process environment (injectable for tests).
   *
   * @throws UsageException when the options are inconsistent or the key is missing
   */
  static ServerTarget resolve(Options o, Map<String, String> env, SimulatedAgent agent) {
    if (o.agentId == null && o.url == null) {
      FakeAtomsServer server = FakeAtomsServer.builder().behavior(agent).build().start();
      AtomsClient client = AtomsClient.builder().apiKey("sk_offline_simulated_agent")
          .baseUrl(server.uri()).build();
      return new ServerTarget(client, server, "simulated-agent",
          "the simulated agent on " + server.uri());
    }
    String key = env.get("ATOMS_API_KEY");
    if (key == null || key.isBlank()) {
      throw new UsageException("ATOMS_API_KEY is not set: export your Atoms API key (sk_...) "
          + "to talk to a real agent, or omit --agent-id and --url to use the simulated agent");
    }
    URI base = o.url != null ? o.url : AtomsClient.DEFAULT_BASE_URL;
    AtomsClient client;
    try {
      client = AtomsClient.builder().apiKey(key).baseUrl(base).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url: " + e.getMessage());
    }
    return new ServerTarget(client, null, o.agentId, base.getHost());
  }

  SessionOptions.Builder sessionOptions(Options o, Mode mode) {
    SessionOptions.Builder b = SessionOptions.builder().mode(mode);
    try {
      b.sampleRateHz(o.sampleRateHz);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--sample-rate: " + e.getMessage());
    }
    if (agentId != null && embedded == null) {
      b.agentId(agentId);
    }
    if (o.queryAuth) {
      b.authPlacement(AuthPlacement.QUERY);
    }
    return b;
  }

  @Override
  public void close() {
    client.close();
    if (embedded != null) {
      embedded.close();
    }
  }

  /** A usage problem found after parsing: a one-line message and exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
