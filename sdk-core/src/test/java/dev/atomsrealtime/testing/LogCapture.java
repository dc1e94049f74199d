package dev.atomsrealtime.testing;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple prints (it writes to {@code System.err}) while a block runs, for
 * asserting what reached the logs. Test-only; not thread-safe across concurrent captures.
 */
public final class LogCapture implements AutoCloseable {
  private static final String LEVEL_PREFIX = "org.slf4j.simpleLogger.log.";
  private static final String[] TRACED = {"dev.atomsrealtime", "org.java_websocket"};

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final Map<Object, Integer> levelsBefore = new HashMap<>();
  private final Map<String, String> propertiesBefore = new HashMap<>();

  public LogCapture() {
    System.setErr(new PrintStream(new TeeStream(original, buffer), true, StandardCharsets.UTF_8));
  }

  /**
   * A capture with the SDK's and the WebSocket library's loggers at TRACE, the most they can
   * print: loggers that exist are switched (slf4j-simple fixes a logger's level when it is
   * created) and new ones start at TRACE. {@link #close} puts everything back.
   */
  public static LogCapture atTrace() {
    LogCapture capture = new LogCapture();
    for (String name : TRACED) {
      capture.propertiesBefore.put(name, System.getProperty(LEVEL_PREFIX + name));
      System.setProperty(LEVEL_PREFIX + name, "trace");
    }
    for (Object logger : loggers()) {
      String name = ((org.slf4j.Logger) logger).getName();
      for (String prefix : TRACED) {
        if (name.startsWith(prefix)) {
          capture.levelsBefore.put(logger, setLevel(logger, 0)); // 0: TRACE
        }
      }
    }
    return capture;
  }

  private static java.util.Collection<?> loggers() {
    try {
      Object factory = org.slf4j.LoggerFactory.getILoggerFactory();
      Field map = factory.getClass().getDeclaredField("loggerMap");
      map.setAccessible(true);
      return ((Map<?, ?>) map.get(factory)).values();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("not slf4j-simple 2.x", e);
    }
  }

  private static int level(Object logger) {
    int level = setLevel(logger, 0);
    setLevel(logger, level);
    return level;
  }

  private static int setLevel(Object logger, int level) {
    try {
      Field f = logger.getClass().getDeclaredField("currentLogLevel");
      f.setAccessible(true);
      int before = f.getInt(logger);
      f.setInt(logger, level);
      return before;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("not slf4j-simple 2.x", e);
    }
  }

  public String text() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setErr(original);
    propertiesBefore.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(LEVEL_PREFIX + name);
      } else {
        System.setProperty(LEVEL_PREFIX + name, value);
      }
    });
    levelsBefore.forEach(LogCapture::setLevel);
    if (!propertiesBefore.isEmpty()) {
      // Loggers created during the capture started at TRACE: give them the configured level, read
      // from a new logger of the same prefix now that the properties are back.
      for (Object logger : loggers()) {
        String name = ((org.slf4j.Logger) logger).getName();
        for (String prefix : TRACED) {
          if (name.startsWith(prefix) && !levelsBefore.containsKey(logger)
              && !name.endsWith(".LogCaptureProbe")) {
            Object probe = org.slf4j.LoggerFactory.getLogger(prefix + ".LogCaptureProbe");
            setLevel(logger, level(probe));
          }
        }
      }
    }
  }

  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
