package dev.atomsrealtime.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Real-time load: N concurrent sessions, each streaming 24 kHz audio both ways in 20 ms chunks,
 * against a {@link LoadServer} in a separate JVM (so the client JVM's CPU time is the client's
 * alone), for the SDK ({@code sdk}), for the least any client can do over the same transport
 * ({@code floor}, {@link FloorClients}) and for a guide-style client without the SDK ({@code
 * baseline}, Java-WebSocket). With {@code --before-classpath}, {@code sdk-before} runs the same SDK
 * client against another build of the SDK (the harness's classes first, then that build's jar).
 *
 * <p>Every run (one client kind, one N) gets fresh JVMs: this class re-runs itself with {@code
 * --worker}, and the worker starts the server. Usage (from {@code target/benchmarks.jar}):
 *
 * <pre>
 * java -cp benchmarks.jar dev.atomsrealtime.bench.LoadHarness [options]
 *   --client sdk,floor,baseline  client kinds to run, side by side (default sdk,baseline);
 *                             sdk-before needs --before-classpath
 *   --sessions 10,50,100      N values (default 10,50)
 *   --duration 10             measured seconds per run (default 10)
 *   --warmup 3                at most this many seconds streamed before measuring (default 3);
 *                             less once the JIT compilers have settled, but at least
 *   --warmup-min 6            seconds (default 6)
 *   --transport javawebsocket transports of sdk and floor, comma-separated: javawebsocket, jdk,
 *                             or a TransportFactory class name (sdk only); baseline runs once
 *                             per N on its own Java-WebSocket client
 *   --pin auto                auto (default): on 2 or more cores, the server JVM on the first
 *                             half of the cores and the client JVM on the rest (taskset); off;
 *                             or SERVER/CLIENT cpu lists, e.g. 0/1 or 0-1/2-3
 *   --rounds 1                run everything this many times, the kinds in the other order in
 *                             every second round; ratios pair the runs of one round and print
 *                             the median of the rounds with the range; the baseline runs in
 *                             the first --baseline-rounds rounds only (default 1)
 *   --before-classpath CP     the classpath of the sdk-before worker
 *   --interrupt-ms 2000       server sends interruption + agent_start_talking this often (default)
 *   --ramp                    find the largest N with no late (> --late-ms) and no dropped chunk:
 *                             from --ramp-start (default 25), doubling up to --ramp-max (default
 *                             800), then --ramp-refine bisection steps (default 2); a failed
 *                             step is tried again --ramp-retries times (default 1)
 *   --jvm "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"   options of the client and server JVMs
 *   --client-jvm "..."        more options of the client JVM only (diagnostics)
 *   --profile DIR             profile each client JVM's measured window with async-profiler
 *                             (see {@link WindowProfiler}); DIR/KIND-TRANSPORT-N.collapsed
 * </pre>
 */
public final class LoadHarness {
  private static final int CHUNK_MILLIS = 20;
  static final int CHUNK_BYTES = CHUNK_MILLIS * Pcm.BYTES_PER_MILLI;

  private LoadHarness() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    if (opts.containsKey("worker")) {
      Worker.run(opts);
    } else {
      orchestrate(opts);
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String key = a.substring(2);
      if (key.equals("worker") || key.equals("ramp")) {
        opts.put(key, "true");
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        opts.put(key, args[++i]);
      }
    }
    return opts;
  }

  // ---------------------------------------------------------------------------------------------
  // Orchestrator

  private static void orchestrate(Map<String, String> opts) throws Exception {
    String[] kinds = opts.getOrDefault("client", "sdk,baseline").split(",");
    List<Result> results = new ArrayList<>();
    if (opts.containsKey("ramp")) {
      Map<String, Integer> reached = new LinkedHashMap<>();
      for (String kind : kinds) {
        reached.put(kind, ramp(opts, kind, results));
      }
      printTable(results, opts);
      System.out.println();
      System.out.println("Largest N with no late (> " + lateMillis(opts) + " ms) and no dropped "
          + "chunk, both directions (" + opts.getOrDefault("duration", "10") + " s per step):");
      reached.forEach((kind, n) -> System.out.printf(Locale.ROOT, "  %-9s %s%n", kind,
          n < 0 ? "below " + opts.getOrDefault("ramp-start", "25") + " (failed at the first step)"
              : Integer.toString(n)));
      return;
    }
    String[] transports = opts.getOrDefault("transport", "javawebsocket").split(",");
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    for (int round = 1; round <= rounds; round++) {
      for (String nText : opts.getOrDefault("sessions", "10,50").split(",")) {
        int n = Integer.parseInt(nText.trim());
        for (String transport : transports) {
          // Each round runs the kinds in the other order, so that a drift of the machine over a
          // round does not always favour the same kind.
          List<String> order = new ArrayList<>(List.of(kinds));
          if (round % 2 == 0) {
            java.util.Collections.reverse(order);
          }
          for (String kind : order) {
            if (!kind.equals("baseline")) {
              results.add(runWorker(opts, kind, n, transport).round(round));
            }
          }
        }
        // The baseline has no target of its own: once is enough (--baseline-rounds to repeat).
        if (List.of(kinds).contains("baseline") && round <= Integer.parseInt(
            opts.getOrDefault("baseline-rounds", "1"))) {
          results.add(runWorker(opts, "baseline", n, "javawebsocket").round(round));
        }
      }
    }
    printTable(results, opts);
    printRatios(results, rounds);
  }

  private static int ramp(Map<String, String> opts, String kind, List<Result> results)
      throws Exception {
    int n = Integer.parseInt(opts.getOrDefault("ramp-start", "25"));
    int max = Integer.parseInt(opts.getOrDefault("ramp-max", "800"));
    int refine = Integer.parseInt(opts.getOrDefault("ramp-refine", "2"));
    int pass = -1;
    int fail = -1;
    while (n <= max) {
      if (step(opts, kind, n, results)) {
        pass = n;
        n *= 2;
      } else {
        fail = n;
        break;
      }
    }
    for (int i = 0; i < refine && pass > 0 && fail > 0 && fail - pass > 1; i++) {
      int mid = (pass + fail) / 2;
      if (step(opts, kind, mid, results)) {
        pass = mid;
      } else {
        fail = mid;
      }
    }
    return pass;
  }

  /**
   * One ramp step: passes if a run at {@code n} passes, trying again up to {@code --ramp-retries}
   * times (default 1) after a failure, so that one scheduling hiccup of a shared VM does not end
   * the ramp. Every attempt is reported.
   */
  private static boolean step(Map<String, String> opts, String kind, int n, List<Result> results)
      throws Exception {
    int retries = Integer.parseInt(opts.getOrDefault("ramp-retries", "1"));
    for (int attempt = 0; attempt <= retries; attempt++) {
      Result r = runWorker(opts, kind, n, opts.getOrDefault("transport", "javawebsocket"));
      results.add(r);
      if (r.passed(n)) {
        return true;
      }
    }
    return false;
  }

  private static Result runWorker(Map<String, String> opts, String kind, int n,
      String transport) throws Exception {
    Pinning pin = Pinning.of(opts.getOrDefault("pin", "auto"));
    List<String> cmd = new ArrayList<>(pin.client());
    boolean before = kind.equals("sdk-before");
    if (before && !opts.containsKey("before-classpath")) {
      throw new IllegalArgumentException("sdk-before needs --before-classpath");
    }
    cmd.addAll(javaCommand(opts, before ? opts.get("before-classpath")
        : System.getProperty("java.class.path")));
    for (String o : opts.getOrDefault("client-jvm", "").split(" ")) {
      if (!o.isBlank()) {
        cmd.add(cmd.size() - 2, o);
      }
    }
    if (opts.containsKey("profile")) {
      cmd.add(cmd.size() - 2, "-D" + WindowProfiler.PROPERTY + "=" + opts.get("profile") + "/"
          + kind + "-" + transport + "-" + n);
    }
    cmd.add(LoadHarness.class.getName());
    cmd.add("--worker");
    cmd.add("--client");
    cmd.add(before ? "sdk" : kind);
    cmd.add("--sessions");
    cmd.add(Integer.toString(n));
    cmd.add("--transport");
    cmd.add(transport);
    cmd.add("--server-cpus");
    cmd.add(pin.serverCpus());
    cmd.add("--client-cpus");
    cmd.add(pin.clientCpus());
    for (String key : List.of("duration", "warmup", "warmup-min", "interrupt-ms", "late-ms",
        "jvm")) {
      if (opts.containsKey(key)) {
        cmd.add("--" + key);
        cmd.add(opts.get(key));
      }
    }
    System.err.printf(Locale.ROOT, "[load] %s/%s N=%d %s...%n", kind, transport, n,
        pin.describe());
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Result result = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = Result.parse(line.substring(7));
        } else {
          System.err.println("[worker] " + line);
        }
      }
    }
    int exit = p.waitFor();
    if (result == null) {
      throw new IllegalStateException("the " + kind + " run with N=" + n + " failed (exit "
          + exit + ")");
    }
    result.values.put("client", kind);
    result.values.put("transport", transport.equals("javawebsocket") ? "jws"
        : transport.equals("jdk") ? "jdk" : transport);
    result.values.put("pinned", pin.describe().trim());
    result.values.put("serverCores", Integer.toString(pin.serverCores()));
    result.values.put("clientCores", Integer.toString(pin.clientCores()));
    System.err.println("[load] " + result.summary());
    return result;
  }

  static List<String> javaCommand(Map<String, String> opts) {
    return javaCommand(opts, System.getProperty("java.class.path"));
  }

  static List<String> javaCommand(Map<String, String> opts, String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + "/bin/java"));
    for (String o : opts.getOrDefault("jvm", "-Xms2g -Xmx2g -XX:+AlwaysPreTouch").split(" ")) {
      if (!o.isBlank()) {
        cmd.add(o);
      }
    }
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  static int lateMillis(Map<String, String> opts) {
    return Integer.parseInt(opts.getOrDefault("late-ms", "40"));
  }

  private static void printTable(List<Result> results, Map<String, String> opts) {
    System.out.println();
    System.out.println("Load: 24 kHz PCM16, 20 ms chunks both ways in real time, interruption every "
        + opts.getOrDefault("interrupt-ms", "2000") + " ms; server in its own JVM; "
        + opts.getOrDefault("duration", "10") + " s measured after a warm-up of "
        + opts.getOrDefault("warmup-min", "6") + "-" + opts.getOrDefault("warmup", "3")
        + " s (until the JIT settles); "
        + (results.isEmpty() ? "" : "pinning " + results.get(0).s("pinned")));
    System.out.println("latency = server send of output_audio.delta -> write into the client's"
        + " sink; late > " + lateMillis(opts) + " ms; up = client pacer -> server receive;"
        + " irq = interruption received -> sink flushed");
    String fmt = "%2s %-10s %-4s %4s %4s %7s %7s %6s %5s %5s %5s | %5s %5s %6s %4s %4s | %5s %5s %4s"
        + " | %6s | %6s %4s %4s %3s%n";
    System.out.printf(Locale.ROOT, fmt, "rd", "client", "tr", "N", "open", "cpu ms/", "w/o JIT", "sess/",
        "thr/", "heap", "csw/", "p50", "p99", "max", "late", "drop", "up", "up", "late", "irq",
        "srv ms/", "busy", "busy", "sat");
    System.out.printf(Locale.ROOT, fmt, "", "", "", "", "", "sess-s", "", "core", "sess", "KB/s",
        "ss", "ms", "ms", "ms", "", "", "p50", "p99", "up", "p50 ms", "sess-s", "cli%", "srv%", "");
    System.out.println("-".repeat(151));
    for (Result r : results) {
      double cpu = r.d("cpuMsPerSessionSecond");
      double app = appCpu(r);
      int n = Integer.parseInt(r.s("n"));
      double serverMs = r.d("serverCpuPercent") * 10 / n;
      double clientBusy = r.d("clientCpuPercent") / cores(r, "clientCores");
      double serverBusy = r.d("serverCpuPercent") / cores(r, "serverCores");
      String sat = clientBusy >= 90 ? (serverBusy >= 90 ? "c+s" : "cli")
          : serverBusy >= 90 ? "srv" : "-";
      System.out.printf(Locale.ROOT, fmt, r.s("round"), r.s("client"), r.s("transport"), r.s("n"),
          r.s("connected"), f2(cpu), f2(app), f0(1000 / app), f3(r.d("threadsPerSession")),
          f0(r.d("heapKbPerSession")), f0(r.d("switchesPerSessionSecond")), ms(r.l("p50")), ms(r.l("p99")), ms(r.l("max")),
          r.s("late"), r.s("dropped"), ms(r.l("upP50")), ms(r.l("upP99")), r.s("upLate"),
          ms3(r.l("irqP50")), f2(serverMs), f0(clientBusy), f0(serverBusy), sat);
    }
    System.out.println();
    System.out.println("cpu ms/sess-s = client JVM process CPU over the window / (N x seconds);"
        + " 1000 = one core. w/o JIT = the same without the CPU of the JIT compiler threads (what"
        + " is left of warm-up in the window). sess/core = 1000 / that: sessions one client core"
        + " holds at this cost. thr/sess = (threads while streaming - before) / N. heap KB/s ="
        + " (heap in use after"
        + " a full GC while streaming - before) / N. csw/ss = the client's voluntary context"
        + " switches (thread wake-ups) per session-second. srv ms/sess-s = the server JVM's CPU per"
        + " session-second. busy = each JVM's CPU as a share of the cores it may use (pinned:"
        + " its own; unpinned: all); sat = the side(s) at 90% or more, whose figures then measure"
        + " saturation rather than cost.");
    for (Result r : results) {
      System.out.println("  " + r.s("client") + "/" + r.s("transport") + " N=" + r.s("n")
          + " round " + r.s("round") + ": chunks " + r.s("chunks") + "/" + r.s("expected") + " expected, server sent "
          + r.s("deltasSent") + " (tick lag max " + ms(r.l("tickLagMax")) + " ms), interruptions "
          + r.s("irqN") + ", clock check +-" + ms3(r.l("clockBound")) + " ms, warm-up "
          + f1(r.l("warmupMillis") / 1000.0) + " s, JIT compiler threads in the window "
          + r.s("jitCpuMillisInWindow") + " ms CPU; "
          + r.s("notes").replace('_', ' '));
    }
  }

  private static double cores(Result r, String key) {
    String v = r.s(key);
    return v.equals("-") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(v);
  }

  /**
   * For each N and transport, the SDK's client CPU, heap and threads per session against the
   * floor on the same transport, against the baseline, and against {@code sdk-before} when run.
   */
  private static void printRatios(List<Result> results, int rounds) {
    Map<String, Result> byKey = new LinkedHashMap<>();
    List<String> rows = new ArrayList<>();
    for (Result r : results) {
      byKey.put(r.s("client") + "|" + r.s("transport") + "|" + r.s("n") + "|" + r.s("round"), r);
      String row = r.s("transport") + "|" + r.s("n");
      if (r.s("client").startsWith("sdk") && !rows.contains(row)) {
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Ratios of client CPU per session-second without JIT compilation (lower is"
        + " better for the first name); baseline = the guide-style Java-WebSocket client at the"
        + " same N" + (rounds > 1 ? "; each ratio pairs two runs of the same round, and the"
        + " figure is the median of the " + rounds + " rounds' ratios with their range" : "")
        + ":");
    int w = rounds > 1 ? 16 : 9;
    String fmt = "%-4s %4s | %" + w + "s %" + w + "s %" + w + "s %" + w + "s %" + w + "s %"
        + (w + 5) + "s%n";
    System.out.printf(Locale.ROOT, fmt, "tr", "N", "sdk/floor", "sdk/base", "before/floor",
        "sdk/before", "floor/base", "sdk/jws-sdk");
    System.out.println("-".repeat(12 + 6 * (w + 1) + 5));
    for (String row : rows) {
      String[] parts = row.split("\\|");
      String tr = parts[0];
      String n = parts[1];
      List<Double> sdkFloor = new ArrayList<>();
      List<Double> sdkBase = new ArrayList<>();
      List<Double> beforeFloor = new ArrayList<>();
      List<Double> sdkBefore = new ArrayList<>();
      List<Double> floorBase = new ArrayList<>();
      List<Double> sdkJws = new ArrayList<>();
      boolean againstBefore = false;
      for (int round = 1; round <= rounds; round++) {
        String k = "|" + round;
        Result sdk = byKey.get("sdk|" + tr + "|" + n + k);
        Result floor = byKey.get("floor|" + tr + "|" + n + k);
        Result before = byKey.get("sdk-before|" + tr + "|" + n + k);
        Result base = byKey.get("baseline|jws|" + n + k);
        Result jwsBefore = byKey.get("sdk-before|jws|" + n + k);
        Result jwsSdk = jwsBefore != null ? jwsBefore : byKey.get("sdk|jws|" + n + k);
        againstBefore |= jwsBefore != null;
        addRatio(sdkFloor, sdk, floor);
        addRatio(sdkBase, sdk, base);
        addRatio(beforeFloor, before, floor);
        addRatio(sdkBefore, sdk, before);
        addRatio(floorBase, floor, base);
        addRatio(sdkJws, sdk, jwsSdk);
      }
      System.out.printf(Locale.ROOT, fmt, tr, n, spread(sdkFloor), spread(sdkBase),
          spread(beforeFloor), spread(sdkBefore), spread(floorBase),
          spread(sdkJws) + (againstBefore ? " (before)" : ""));
    }
    System.out.println("sdk/jws-sdk: the SDK on this transport against the SDK on Java-WebSocket"
        + " (the sdk-before run there when there is one). Targets: sdk/floor <= 1.10 on both"
        + " transports; jdk sdk/jws-sdk(before) <= 0.95; heap <= 300 KB and (jdk) threads <= 0.1"
        + " per session (table above).");
  }

  private static void addRatio(List<Double> into, Result a, Result b) {
    if (a != null && b != null) {
      into.add(appCpu(a) / appCpu(b));
    }
  }

  /** The median of the ratios, and with more than one their range: {@code 1.04 (0.98-1.09)}. */
  static String spread(List<Double> ratios) {
    if (ratios.isEmpty()) {
      return "-";
    }
    List<Double> sorted = new ArrayList<>(ratios);
    sorted.sort(null);
    int m = sorted.size();
    double median = m % 2 == 1 ? sorted.get(m / 2)
        : (sorted.get(m / 2 - 1) + sorted.get(m / 2)) / 2;
    return m == 1 ? f2(median)
        : f2(median) + " (" + f2(sorted.get(0)) + "-" + f2(sorted.get(m - 1)) + ")";
  }

  /** Client CPU per session-second without the JIT compiler threads' (all of it if unknown). */
  private static double appCpu(Result r) {
    double app = r.d("appCpuMsPerSessionSecond");
    return Double.isNaN(app) ? r.d("cpuMsPerSessionSecond") : app;
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f0(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String ms3(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  /** One run's figures, passed from the worker as {@code key=value} pairs. */
  static final class Result {
    final Map<String, String> values = new LinkedHashMap<>();

    static Result parse(String line) {
      Result r = new Result();
      for (String pair : line.trim().split(" ")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          r.values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      return r;
    }

    String s(String key) {
      return values.getOrDefault(key, "-");
    }

    Result round(int round) {
      values.put("round", Integer.toString(round));
      return this;
    }

    long l(String key) {
      return Long.parseLong(values.getOrDefault(key, "-1"));
    }

    double d(String key) {
      return Double.parseDouble(values.getOrDefault(key, "NaN"));
    }

    boolean passed(int n) {
      return l("connected") == n && l("late") == 0 && l("dropped") == 0 && l("upLate") == 0
          && l("unexpectedCloses") == 0 && l("chunks") >= 0.98 * l("expected");
    }

    String summary() {
      return s("client") + " N=" + s("n") + " open=" + s("connected") + " p50=" + ms(l("p50"))
          + " p99=" + ms(l("p99")) + " max=" + ms(l("max")) + " late=" + s("late") + " dropped="
          + s("dropped") + " upLate=" + s("upLate") + " cpu ms/sess-s="
          + f2(d("cpuMsPerSessionSecond"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Worker: one run in this JVM, against a server JVM it starts

  static final class Worker {
    private Worker() {}

    static void run(Map<String, String> opts) throws Exception {
      String kind = opts.getOrDefault("client", "sdk");
      int n = Integer.parseInt(opts.getOrDefault("sessions", "10"));
      int durationSeconds = Integer.parseInt(opts.getOrDefault("duration", "10"));
      int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup", "3"));
      String transport = opts.getOrDefault("transport", "javawebsocket");
      long lateNanos = TimeUnit.MILLISECONDS.toNanos(lateMillis(opts));

      List<String> cmd = new ArrayList<>(
          Pinning.taskset(opts.getOrDefault("server-cpus", "")));
      cmd.addAll(javaCommand(opts));
      cmd.add(LoadServer.class.getName());
      cmd.add("--interrupt-ms");
      cmd.add(opts.getOrDefault("interrupt-ms", "2000"));
      Process server = new ProcessBuilder(cmd)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader fromServer = new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter toServer = new PrintWriter(
              new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8), true)) {
        String ready = fromServer.readLine();
        if (ready == null || !ready.startsWith("READY ")) {
          throw new IllegalStateException("server did not start: " + ready);
        }
        URI uri = URI.create("ws://127.0.0.1:" + ready.substring(6).trim());
        long clockBound = checkClock(toServer, fromServer);

        OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = threads.getThreadCount();

        LoadClients clients = switch (kind) {
          case "baseline" -> new BaselineClients();
          case "floor" -> new FloorClients(transport);
          case "sdk" -> new SdkClients(transport);
          default -> throw new IllegalArgumentException("unknown client kind " + kind);
        };
        int connected = clients.connect(uri, n);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "bench-pacer");
          t.setDaemon(true);
          return t;
        });
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(CHUNK_MILLIS);
        for (int i = 0; i < n; i++) {
          int index = i;
          byte[] chunk = new byte[CHUNK_BYTES];
          long[] seq = {0};
          pacer.scheduleAtFixedRate(() -> {
            ChunkHeader.write(chunk, System.nanoTime(), seq[0]++);
            clients.sendChunk(index, chunk);
          }, periodNanos * i / n, periodNanos, TimeUnit.NANOSECONDS);
        }

        int minWarmup = Integer.parseInt(opts.getOrDefault("warmup-min", "6"));
        long warmedUpMillis = warmUp(minWarmup, warmupSeconds);
        int threadsStreaming = threads.getThreadCount() - 1; // minus the pacer
        long heapStreaming = usedHeapAfterGc();
        Thread.sleep(200); // let the threads the GC paused catch up before the window

        toServer.println("RESET");
        expect(fromServer, "OK");
        clients.recording(true);
        long switches0 = ProcTasks.voluntarySwitches();
        long jitCpu0 = ProcTasks.jitCpuNanos();
        var jit = ManagementFactory.getCompilationMXBean();
        long jit0 = jit.getTotalCompilationTime();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        WindowProfiler profiler = WindowProfiler.startIfAsked();
        Thread.sleep(TimeUnit.SECONDS.toMillis(durationSeconds));
        profiler.stop();
        clients.recording(false);
        long cpu = os.getProcessCpuTime() - cpu0;
        long switches = ProcTasks.voluntarySwitches() - switches0;
        long jitCpu = ProcTasks.jitCpuNanos() - jitCpu0;
        long jitInWindow = jit.getTotalCompilationTime() - jit0;
        long wall = System.nanoTime() - wall0;
        toServer.println("STATS");
        String stats = fromServer.readLine();
        if (stats == null || !stats.startsWith("STATS ")) {
          throw new IllegalStateException("server stats missing: " + stats);
        }
        pacer.shutdownNow();

        LongSamples latencies = new LongSamples();
        long dropped = 0;
        for (TimestampSink sink : clients.sinks()) {
          sink.drainInto(latencies);
          dropped += sink.gaps();
        }
        LongSamples irq = clients.interruptionToSilence();
        double seconds = wall / 1e9;
        Result srv = Result.parse(stats.substring(6));
        StringBuilder out = new StringBuilder("RESULT");
        put(out, "client", kind);
        put(out, "n", n);
        put(out, "connected", connected);
        put(out, "cpuMsPerSessionSecond", cpu / 1e6 / (n * seconds));
        put(out, "appCpuMsPerSessionSecond",
            (jitCpu0 < 0 ? cpu : cpu - jitCpu) / 1e6 / (n * seconds));
        put(out, "threadsPerSession", (threadsStreaming - threadsBefore) / (double) n);
        put(out, "heapKbPerSession", (heapStreaming - heapBefore) / 1024.0 / n);
        put(out, "p50", latencies.percentile(50));
        put(out, "p99", latencies.percentile(99));
        put(out, "max", latencies.max());
        put(out, "late", latencies.countAbove(lateNanos));
        put(out, "dropped", dropped);
        put(out, "chunks", latencies.size());
        put(out, "expected", Math.round(n * seconds * 1000 / CHUNK_MILLIS));
        put(out, "irqN", irq.size());
        put(out, "irqP50", irq.percentile(50));
        put(out, "irqP99", irq.percentile(99));
        put(out, "upP50", srv.l("upP50"));
        put(out, "upP99", srv.l("upP99"));
        put(out, "upLate", srv.l("upLate"));
        put(out, "deltasSent", srv.l("deltasSent"));
        put(out, "tickLagMax", srv.l("tickLagMax"));
        put(out, "serverCpuPercent", 100.0 * srv.l("serverCpuNanos") / srv.l("wallNanos"));
        put(out, "clientCpuPercent", 100.0 * cpu / wall);
        put(out, "switchesPerSessionSecond", switches < 0 ? -1.0 : switches / (n * seconds));
        put(out, "clockBound", clockBound);
        put(out, "warmupMillis", warmedUpMillis);
        put(out, "jitMillisInWindow", jitInWindow);
        put(out, "jitCpuMillisInWindow", jitCpu0 < 0 ? -1 : jitCpu / 1_000_000);
        put(out, "unexpectedCloses", clients.unexpectedCloses());
        put(out, "notes", clients.notes().replace(' ', '_').replace('=', ':'));
        System.out.println(out);
        System.out.flush();
        clients.close();
      } finally {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      System.exit(0);
    }

    /**
     * Streams for at least {@code minSeconds} and at most {@code maxSeconds}, and stops earlier
     * than the maximum once the JIT compilers have settled (under 10 ms of compilation in each of
     * the last three seconds): JIT work in the window would be measured as load. Returns the
     * milliseconds waited.
     */
    private static long warmUp(int minSeconds, int maxSeconds) throws InterruptedException {
      var jit = ManagementFactory.getCompilationMXBean();
      long waited = TimeUnit.SECONDS.toMillis(Math.min(minSeconds, maxSeconds));
      Thread.sleep(waited);
      long last = jit.getTotalCompilationTime();
      int quietSeconds = 0;
      while (waited < TimeUnit.SECONDS.toMillis(maxSeconds) && quietSeconds < 3) {
        Thread.sleep(1_000);
        waited += 1_000;
        long now = jit.getTotalCompilationTime();
        quietSeconds = now - last < 10 ? quietSeconds + 1 : 0;
        last = now;
      }
      return waited;
    }

    private static void put(StringBuilder out, String key, Object value) {
      if (value instanceof Double d) {
        value = String.format(Locale.ROOT, "%.4f", d);
      }
      out.append(' ').append(key).append('=').append(value);
    }

    private static void expect(BufferedReader in, String line) throws IOException {
      String got = in.readLine();
      if (!line.equals(got)) {
        throw new IllegalStateException("expected " + line + " from the server, got " + got);
      }
    }

    /**
     * Checks that {@code System.nanoTime()} means the same in both processes (on Linux it is
     * CLOCK_MONOTONIC, shared machine-wide): the server's reading must fall between ours before
     * and after the round trip. Returns the tightest round trip seen, the uncertainty.
     */
    private static long checkClock(PrintWriter to, BufferedReader from) throws IOException {
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        to.println("CLOCK");
        String line = from.readLine();
        long t1 = System.nanoTime();
        long theirs = Long.parseLong(line.substring(6).trim());
        if (theirs < t0 || theirs > t1) {
          throw new IllegalStateException("System.nanoTime() is not shared between the client"
              + " and server JVMs (server " + theirs + " outside [" + t0 + ", " + t1 + "]);"
              + " cross-process latency cannot be measured on this platform");
        }
        best = Math.min(best, t1 - t0);
      }
      return best;
    }

    /**
     * The heap in use right after a full collection: each heap pool's usage as the collector left
     * it. Not the heap's current usage, which also counts what every thread allocated since (each
     * allocating thread holds a buffer of its own), so that a client with more threads would look
     * as if it held more heap.
     */
    private static long usedHeapAfterGc() {
      // System.gc() is a full, synchronous collection here (G1 without ExplicitGCInvokesConcurrent);
      // the second one settles what finalization or reference processing released.
      System.gc();
      System.gc();
      long used = 0;
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP
            && pool.getCollectionUsage() != null) {
          used += pool.getCollectionUsage().getUsed();
        }
      }
      return used;
    }
  }
}
