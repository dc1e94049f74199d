package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsException;
import dev.atomsrealtime.rest.CallLog;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code atoms call-log}: a call's transcript, duration, latency metrics and cost. */
@Command(name = "call-log", mixinStandardHelpOptions = true,
    description = "Print a call's log: transcript, duration, latency metrics and cost. "
        + "The API key comes from the ATOMS_API_KEY environment variable.")
final class CallLogCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CALL_ID", description = "The call id (CALL-...), as 'talk' prints it.")
  String callId;

  @Option(names = "--wait", description = "Wait while the service is still processing the log.")
  boolean await;

  @Option(names = "--wait-seconds", defaultValue = "120",
      description = "With --wait: the longest wait (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(names = "--url", description = "Server base URL (default wss://api.smallest.ai).")
  URI url;

  @Option(names = "--rest-url", description = "REST base URL (default: --url with https).")
  URI restUrl;

  private final PrintStream stdout;
  private final Map<String, String> env;

  CallLogCommand(PrintStream stdout, Map<String, String> env) {
    this.stdout = stdout;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    String key = env.get("ATOMS_API_KEY");
    if (key == null || key.trim().isEmpty()) {
      throw new ServerTarget.UsageException(
          "ATOMS_API_KEY is not set: export your Atoms API key (sk_...) to read call logs");
    }
    if (waitSeconds < 1) {
      throw new ServerTarget.UsageException("--wait-seconds must be at least 1");
    }
    AtomsClient.Builder b = AtomsClient.builder().apiKey(key);
    try {
      if (url != null) {
        b.baseUrl(url);
      }
      if (restUrl != null) {
        b.restBaseUrl(restUrl);
      }
    } catch (IllegalArgumentException e) {
      throw new ServerTarget.UsageException(e.getMessage());
    }
    try (AtomsClient client = b.build()) {
      CallLog log;
      try {
        log = await
            ? client.rest().awaitCallLog(callId, Duration.ofSeconds(waitSeconds))
                .toCompletableFuture().get(waitSeconds + 60L, TimeUnit.SECONDS)
            : client.rest().callLog(callId);
      } catch (ExecutionException | CompletionException e) {
        return failed(e.getCause() != null ? e.getCause() : e);
      } catch (AtomsException e) {
        return failed(e);
      } catch (TimeoutException e) {
        stdout.println("atoms: no answer within " + (waitSeconds + 60) + " s");
        return ExitCodes.UNREACHABLE;
      }
      print(log);
      return ExitCodes.OK;
    }
  }

  private int failed(Throwable cause) {
    stdout.println("atoms: could not read the call log: " + cause.getMessage());
    return ExitCodes.forConnectFailure(cause);
  }

  private void print(CallLog log) {
    stdout.println("call " + log.callId() + ": " + log.status()
        + (log.isProcessing() ? " (still processing; try --wait)" : ""));
    stdout.println("duration: " + (log.durationSeconds() == null ? "-"
        : String.format(Locale.ROOT, "%.1f s", log.durationSeconds())));
    stdout.println("cost: " + (log.callCost() == null ? "-" : log.callCost()));
    CallLog.LatencyMetrics m = log.latency();
    if (m == null || m.turns() == null || m.turns() == 0) {
      stdout.println("latency: -");
    } else {
      stdout.println(String.format(Locale.ROOT,
          "latency: %d turn(s), average %s, median %s, min %s, max %s", m.turns(),
          millis(m.average()), millis(m.median()), millis(m.min()), millis(m.max())));
    }
    if (log.recordingUrl() != null) {
      stdout.println("recording: " + log.recordingUrl());
    }
    stdout.println("--- transcript ---");
    if (log.transcript().isEmpty()) {
      stdout.println("(no transcript)");
    }
    for (CallLog.Turn turn : log.transcript()) {
      stdout.println(turn.role() + ": " + turn.content());
    }
  }

  private static String millis(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.0f ms", value);
  }
}
