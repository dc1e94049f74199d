package dev.atomsrealtime.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's voluntary context switches so far, summed over its live threads from {@code
 * /proc/self/task/<tid>/status} (Linux): each is a thread going to sleep to wait for something,
 * so their rate is the rate of thread wake-ups and hand-offs. Threads that ended are not counted.
 */
final class ContextSwitches {
  private ContextSwitches() {}

  /** The sum, or -1 where {@code /proc} cannot tell. */
  static long voluntary() {
    long total = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException e) {
          // the thread ended while we read
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return total;
  }
}
