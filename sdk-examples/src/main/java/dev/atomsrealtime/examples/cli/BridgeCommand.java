package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.Mode;
import dev.atomsrealtime.examples.bridge.PhoneBridge;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code atoms bridge --listen PORT}: a phone bridge. A telephony provider streams each call's
 * audio to it as a media stream (Twilio Media Streams format, mu-law 8 kHz); each stream becomes
 * its own agent session. Runs until Ctrl-C.
 */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    description = {
        "Bridge phone calls to the agent: accept telephony media streams (Twilio Media Streams",
        "format: connected, start, media, mark, stop; answering with media, mark and clear) on a",
        "WebSocket port, one agent session per call. Point your provider's bidirectional stream",
        "at ws://HOST:PORT (wss through a TLS proxy). Custom parameters of the stream become the",
        "session's prompt variables. Ctrl-C stops it."})
final class BridgeCommand implements Callable<Integer> {
  @Mixin ServerTarget.Options server = new ServerTarget.Options();

  @Option(names = "--listen", required = true, paramLabel = "PORT",
      description = "The port to accept media streams on (0: any free port).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0",
      description = "The address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  private final PrintStream stdout;
  private final Map<String, String> env;
  private final CountDownLatch stop;

  BridgeCommand(PrintStream stdout, Map<String, String> env, CountDownLatch stop) {
    this.stdout = stdout;
    this.env = env;
    this.stop = stop;
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new ServerTarget.UsageException("--listen must be a port, 0..65535, got " + port);
    }
    server.sampleRateHz = 8_000; // the stream's own rate is used; no resampling for G.711
    SimulatedAgent agent = SimulatedAgent.builder().greeting("Thanks for calling, how can I help?")
        .build(); // the embedded agent answers the phone
    try (ServerTarget target = ServerTarget.resolve(server, env, agent)) {
      PhoneBridge bridge = new PhoneBridge(new InetSocketAddress(host, port), target.client,
          target.sessionOptions(server, Mode.WEBCALL).build());
      bridge.startAndWait();
      stdout.println("atoms: bridging media streams on ws://" + host + ":" + bridge.getPort()
          + " to " + target.description);
      Thread hook = new Thread(stop::countDown, "atoms-cli-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } finally {
        stdout.println("atoms: stopping the bridge (" + bridge.activeCalls() + " calls open, "
            + bridge.callsStarted() + " taken)");
        bridge.shutdown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    }
    return ExitCodes.OK;
  }
}
