package dev.atomsrealtime.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Per-thread figures of this process from {@code /proc/self/task} (Linux), summed over its live
 * threads (threads that ended are not counted): voluntary context switches (each is a thread going
 * to sleep to wait for something, so their rate is the rate of thread wake-ups and hand-offs) and
 * the CPU time of the JIT compiler threads.
 */
final class ProcTasks {
  /** Clock ticks per second of {@code /proc/<pid>/task/<tid>/stat} (USER_HZ, 100 on Linux). */
  private static final long TICK_NANOS = 10_000_000L;

  private ProcTasks() {}

  /** Voluntary context switches so far, or -1 where {@code /proc} cannot tell. */
  static long voluntarySwitches() {
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

  /**
   * CPU time (user + system) of the JIT compiler threads so far, in nanoseconds (10 ms
   * resolution), or -1 where {@code /proc} cannot tell.
   */
  static long jitCpuNanos() {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close);
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            // After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
            // cmajflt utime stime ...
            String[] fields = stat.substring(close + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException e) {
          // the thread ended while we read
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * TICK_NANOS;
  }
}
