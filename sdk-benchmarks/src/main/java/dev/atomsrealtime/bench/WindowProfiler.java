package dev.atomsrealtime.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Profiles a load worker's measured window, and only that window, with async-profiler when the
 * harness runs with {@code --profile DIR}: CPU samples (kernel frames included where the kernel
 * allows it) of every thread, as collapsed stacks in {@code DIR/KIND-TRANSPORT-N.collapsed}, for
 * flame graphs or {@code grep}. The profiler is not a dependency of the build: point {@code
 * ASYNC_PROFILER_JAR} at the {@code tools.profiler:async-profiler:<version>:linux-x64} jar from
 * Maven Central (its native library is extracted next to it on first use).
 */
final class WindowProfiler {
  static final String PROPERTY = "bench.profile";

  private final Object profiler;
  private final Method execute;
  private final String file;

  private WindowProfiler(Object profiler, Method execute, String file) {
    this.profiler = profiler;
    this.execute = execute;
    this.file = file;
  }

  /** Starts profiling if {@link #PROPERTY} names an output; otherwise a profiler that does nothing. */
  static WindowProfiler startIfAsked() throws Exception {
    String out = System.getProperty(PROPERTY);
    if (out == null) {
      return new WindowProfiler(null, null, null);
    }
    String jar = System.getenv("ASYNC_PROFILER_JAR");
    if (jar == null) {
      throw new IllegalStateException("--profile needs ASYNC_PROFILER_JAR (the linux-x64 jar)");
    }
    Path lib = Path.of(jar + ".d", "libasyncProfiler.so");
    if (!Files.exists(lib)) {
      Files.createDirectories(lib.getParent());
      try (var zip = new java.util.zip.ZipFile(jar)) {
        Files.copy(zip.getInputStream(zip.getEntry("linux-x64/libasyncProfiler.so")), lib);
      }
    }
    Files.createDirectories(Path.of(out).getParent());
    ClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()},
        WindowProfiler.class.getClassLoader());
    Class<?> type = Class.forName("one.profiler.AsyncProfiler", true, loader);
    Object profiler = type.getMethod("getInstance", String.class)
        .invoke(null, lib.toString());
    Method execute = type.getMethod("execute", String.class);
    execute.invoke(profiler, "start,event=cpu,interval=1ms,threads");
    return new WindowProfiler(profiler, execute, out + ".collapsed");
  }

  void stop() throws Exception {
    if (profiler != null) {
      execute.invoke(profiler, "stop,collapsed,file=" + file);
      System.err.println("[profile] " + file);
    }
  }
}
