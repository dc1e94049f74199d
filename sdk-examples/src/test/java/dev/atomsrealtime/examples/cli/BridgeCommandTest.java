package dev.atomsrealtime.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.javasound.JavaSoundDevices;
import dev.atomsrealtime.examples.bridge.PhoneFleet;
import dev.atomsrealtime.examples.bridge.SimulatedPhone;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code atoms bridge --listen 0}: a phone calls, the embedded agent answers, Ctrl-C stops it. */
class BridgeCommandTest {

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aPhoneCallingTheBridgeIsAnsweredByTheAgent() throws Exception {
    WatchedOutput out = new WatchedOutput();
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AtomsCli.run(
        new String[] {"bridge", "--listen", "0", "--host", "127.0.0.1"},
        new ByteArrayInputStream(new byte[0]), stdout, stdout, Map.of(),
        JavaSoundDevices.system(), stop));
    Pattern listening = Pattern.compile("bridging media streams on (ws://127\\.0\\.0\\.1:\\d+)");
    Matcher m = out.await(listening, Duration.ofSeconds(10));
    assertNotNull(m, "not listening: " + out);
    try (PhoneFleet fleet = new PhoneFleet(URI.create(m.group(1)), 1, 0)) {
      SimulatedPhone phone = fleet.phones().get(0);
      // The agent answers the phone: a second of its greeting plays.
      assertTrue(phone.awaitPlayed(8_000, Duration.ofSeconds(20)),
          "heard " + phone.played().length + " bytes");
    } // hangs up
    stop.countDown();
    assertEquals(0, exit.get(10, TimeUnit.SECONDS), out.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 taken"), out.toString());
  }
}
