package dev.atomsrealtime.bench;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.examples.bridge.PhoneBridge;
import dev.atomsrealtime.examples.bridge.PhoneFleet;
import dev.atomsrealtime.examples.bridge.SimulatedPhone;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.SimulatedAgent;
import dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The phone bridge under N concurrent calls (default 20), everything in one JVM: simulated phones
 * streaming mu-law speech at the phone network's pace, the bridge, and a simulated agent on a
 * {@code FakeAtomsServer}; every fifth call barges in. Prints, for the bridge's side only (the
 * SDK's threads, the JDK transport's, and the bridge server's {@code phone-bridge-*} threads):
 * CPU per call and per call-second, threads per call, and the time from the session cutting
 * playback at an interruption to the phone receiving {@code clear}.
 *
 * <p>The SDK runs on the JDK transport here so that its threads are told apart from the simulated
 * phones' (which use Java-WebSocket); with the default transport a session adds its two
 * Java-WebSocket threads.
 *
 * <p>{@code java -cp sdk-benchmarks/target/benchmarks.jar dev.atomsrealtime.bench.BridgeHarness
 * [calls]}
 */
public final class BridgeHarness {
  private BridgeHarness() {}

  static boolean bridgeSide(String name) {
    return name.startsWith("atoms-") && !name.startsWith("atoms-fakeserver")
        && !name.startsWith("atoms-simagent")
        || name.startsWith("HttpClient-") || name.startsWith("phone-bridge-");
  }

  /** CPU time of the bridge side's live threads, by thread id. */
  static Map<Long, Long> cpu(ThreadMXBean mx) {
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && bridgeSide(t.getThreadName())) {
        long c = mx.getThreadCpuTime(t.getThreadId());
        if (c >= 0) {
          out.put(t.getThreadId(), c);
        }
      }
    }
    return out;
  }

  static List<String> bridgeThreads(ThreadMXBean mx) {
    List<String> names = new ArrayList<>();
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && bridgeSide(t.getThreadName())) {
        names.add(t.getThreadName());
      }
    }
    return names;
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int bargeInEvery = 5;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SimulatedAgent agent = SimulatedAgent.builder().build();
    Map<String, Long> cuts = new ConcurrentHashMap<>();
    try (FakeAtomsServer server = FakeAtomsServer.builder().credential("sk_bench")
            .behavior(agent).build().start();
        JdkWebSocketTransportFactory transport = new JdkWebSocketTransportFactory();
        AtomsClient client = AtomsClient.builder().apiKey("sk_bench").baseUrl(server.uri())
            .transportFactory(transport).build()) {
      PhoneBridge bridge = new PhoneBridge(new InetSocketAddress("127.0.0.1", 0), client,
          SessionOptions.builder().agentId("bench").build()).startAndWait();
      bridge.onClear((sid, nanos) -> cuts.put(sid, nanos));
      int idleThreads = bridgeThreads(mx).size();
      try (PhoneFleet fleet = new PhoneFleet(URI.create("ws://127.0.0.1:" + bridge.getPort()),
          calls, bargeInEvery)) {
        while (bridge.activeCalls() < calls || agent.sessions().size() < calls) {
          LockSupport.parkNanos(1_000_000L);
        }
        long t0 = System.nanoTime();
        Map<Long, Long> cpu0 = cpu(mx);
        List<String> busy = bridgeThreads(mx);
        int busyThreads = busy.size();
        Map<String, Integer> byRole = new java.util.TreeMap<>();
        for (String name : busy) {
          byRole.merge(name.replaceAll("-\\d+$", "").replaceAll("-\\d+-", "-N-"), 1,
              Integer::sum);
        }
        // The window: until every call heard its reply (and the barge-in calls their second).
        for (SimulatedAgent.Session s : agent.sessions()) {
          s.awaitTurn(t -> t.completed(), Duration.ofSeconds(120));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // the last audio plays out
        Map<Long, Long> cpu1 = cpu(mx);
        long t1 = System.nanoTime();
        long cpuNanos = 0;
        for (Map.Entry<Long, Long> e : cpu1.entrySet()) {
          cpuNanos += e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
        }
        double seconds = (t1 - t0) / 1e9;
        List<Double> clearMillis = new ArrayList<>();
        for (SimulatedPhone p : fleet.phones()) {
          Long cut = cuts.get(p.streamSid());
          if (cut != null && !p.clearTimes().isEmpty()) {
            clearMillis.add((p.clearTimes().get(0) - cut) / 1e6);
          }
        }
        clearMillis.sort(Double::compare);
        System.out.printf(Locale.ROOT, "phone bridge, %d concurrent calls (%d with a barge-in),"
            + " %.1f s window, JDK transport%n", calls, clearMillis.size(), seconds);
        System.out.printf(Locale.ROOT, "  CPU (bridge side): %.1f ms per call over the window,"
            + " %.2f ms per call-second%n", cpuNanos / 1e6 / calls, cpuNanos / 1e6 / calls
            / seconds);
        System.out.printf(Locale.ROOT, "  threads (bridge side): %d idle bridge, %d with %d"
            + " calls: %.2f per call%n", idleThreads, busyThreads, calls,
            (busyThreads - idleThreads) / (double) calls);
        System.out.println("  bridge-side threads by role: " + byRole);
        System.out.printf(Locale.ROOT, "  interruption (session cut playback) to clear at the"
            + " phone: %s ms%n", clearMillis.stream()
            .map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
      }
      bridge.shutdown();
    }
  }
}
