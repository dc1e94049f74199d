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

    @Option(names = "--mint-token", description = "Mint a single-use call token with the API key "
        + "(register-call) for each connection attempt and connect with it; the key itself never "
        + "goes over the WebSocket and is never printed.")
    boolean mintToken;

    @Option(names = "--rest-url", description = "REST base URL (https://host) for --mint-token. "
        + "Default: the server's URL with https (or http).")
    URI restUrl;
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
      AtomsClient.Builder b = AtomsClient.builder().apiKey("sk_offline_simulated_agent")
          .baseUrl(server.uri()).restBaseUrl(server.restUri());
      if (o.mintToken) {
        b.callTokenPerAttempt();
      }
      return new ServerTarget(b.build(), server, "simulated-agent",
          "the simulated agent on " + server.uri() + tokenNote(o));
    }
    String key = env.get("ATOMS_API_KEY");
    if (key == null || key.isBlank()) {
      throw new UsageException("ATOMS_API_KEY is not set: export your Atoms API key (sk_...) "
          + "to talk to a real agent, or omit --agent-id and --url to use the simulated agent");
    }
    URI base = o.url != null ? o.url : AtomsClient.DEFAULT_BASE_URL;
    if (o.mintToken && o.agentId == null) {
      throw new UsageException("--mint-token needs --agent-id: a call token is minted for an agent");
    }
    AtomsClient.Builder b = AtomsClient.builder().apiKey(key);
    try {
      b.baseUrl(base);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url: " + e.getMessage());
    }
    if (o.restUrl != null) {
      try {
        b.restBaseUrl(o.restUrl);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--rest-url: " + e.getMessage());
      }
    }
    if (o.mintToken) {
      b.callTokenPerAttempt();
    }
    return new ServerTarget(b.build(), null, o.agentId, base.getHost() + tokenNote(o));
  }

  private static String tokenNote(Options o) {
    return o.mintToken ? " with a call token minted per attempt" : "";
  }

  SessionOptions.Builder sessionOptions(Options o, Mode mode) {
    SessionOptions.Builder b = SessionOptions.builder().mode(mode);
    try {
      b.sampleRateHz(o.sampleRateHz);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--sample-rate: " + e.getMessage());
    }
    if (agentId != null) {
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
