package dev.atomsrealtime.examples.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's output that a test can wait on: every write wakes the waiters, so a test waits for
 * a line to appear without polling.
 */
final class WatchedOutput extends ByteArrayOutputStream {
  @Override
  public synchronized void write(int b) {
    super.write(b);
    notifyAll();
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    super.write(b, off, len);
    notifyAll();
  }

  /**
   * Waits until the output matches {@code pattern}; returns the match, or null after {@code
   * timeout}.
   */
  synchronized Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = pattern.matcher(toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
