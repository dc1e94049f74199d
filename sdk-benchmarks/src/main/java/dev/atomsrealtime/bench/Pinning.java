package dev.atomsrealtime.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which cores the load server and the client JVM may run on. Pinned, the two do not compete for a
 * core, so the client's CPU per session-second is not inflated by the server's work on the same
 * cores and each side's saturation can be read from its own CPU share. Uses {@code taskset}
 * (util-linux); a child process inherits the affinity of the JVM that starts it.
 */
record Pinning(String serverCpus, String clientCpus) {

  /**
   * {@code auto}: on 2 or more cores with {@code taskset} present, the server on the first half
   * (at least one core) and the client on the rest; else not pinned. {@code off}: not pinned. Else
   * {@code SERVER/CLIENT} cpu lists as taskset takes them.
   */
  static Pinning of(String spec) {
    if (spec.equals("off")) {
      return new Pinning("", "");
    }
    if (spec.equals("auto")) {
      int cores = Runtime.getRuntime().availableProcessors();
      if (cores < 2 || !tasksetWorks()) {
        return new Pinning("", "");
      }
      int server = Math.max(1, cores / 2);
      return new Pinning(range(0, server - 1), range(server, cores - 1));
    }
    int slash = spec.indexOf('/');
    if (slash <= 0 || slash == spec.length() - 1) {
      throw new IllegalArgumentException("--pin takes auto, off or SERVER/CLIENT, not " + spec);
    }
    return new Pinning(spec.substring(0, slash), spec.substring(slash + 1));
  }

  /** The command prefix that runs a process on {@code cpus}, or none for "". */
  static List<String> taskset(String cpus) {
    List<String> cmd = new ArrayList<>();
    if (!cpus.isEmpty()) {
      cmd.add("taskset");
      cmd.add("-c");
      cmd.add(cpus);
    }
    return cmd;
  }

  List<String> client() {
    return taskset(clientCpus);
  }

  int serverCores() {
    return count(serverCpus);
  }

  int clientCores() {
    return count(clientCpus);
  }

  String describe() {
    return serverCpus.isEmpty() ? "not pinned "
        : "server on cpu " + serverCpus + ", client on cpu " + clientCpus + " ";
  }

  /** Cores in a taskset list such as {@code 0-1,3}; all of the machine's for "". */
  private static int count(String cpus) {
    if (cpus.isEmpty()) {
      return Runtime.getRuntime().availableProcessors();
    }
    int n = 0;
    for (String part : cpus.split(",")) {
      int dash = part.indexOf('-');
      n += dash < 0 ? 1
          : Integer.parseInt(part.substring(dash + 1).trim())
              - Integer.parseInt(part.substring(0, dash).trim()) + 1;
    }
    return n;
  }

  private static String range(int from, int to) {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }

  private static boolean tasksetWorks() {
    try {
      Process p = new ProcessBuilder("taskset", "-c", "0", "true")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
