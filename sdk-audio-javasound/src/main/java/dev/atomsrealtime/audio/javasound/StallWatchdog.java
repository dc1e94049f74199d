package dev.atomsrealtime.audio.javasound;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Notices a line that stopped moving while a read, write or drain is blocked in it, and runs an
 * action (which closes the line, so the blocked call returns). A blocking {@code read} or {@code
 * write} of the JDK's lines waits forever when the device neither delivers nor fails, and only
 * another thread can end that wait.
 *
 * <p>Progress is the line's frame position: a call may block for as long as it likes while the
 * position moves. The watchdog's thread parks without a deadline while no call is in progress and
 * checks a few times per stall timeout while one is. Thread-safe.
 */
final class StallWatchdog {

  private static final AtomicInteger CAPTURE_THREADS = new AtomicInteger();
  private static final AtomicInteger PLAYBACK_THREADS = new AtomicInteger();

  private static final long MIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Thread thread;
  private final long stallNanos;
  private final long checkNanos;
  private final LongSupplier progress;
  private final Runnable onStall;

  /** Set by any thread to end the watchdog. */
  private volatile boolean stopped;

  /** System.nanoTime() when the call in progress began; 0 while none is. I/O thread writes. */
  private volatile long ioStartNanos;

  /** True while the watchdog's thread is parked without deadline, waiting for a call. */
  private volatile boolean idle;

  /**
   * @param capture names the thread {@code atoms-capture-watchdog-N} if true, else {@code
   *     atoms-playback-watchdog-N}
   * @param progress the line's frame position (any value that changes while the line works)
   * @param onStall runs once, on the watchdog's thread, when the line made no progress for {@code
   *     stallNanos} during a call
   */
  StallWatchdog(boolean capture, long stallNanos, LongSupplier progress, Runnable onStall) {
    this.stallNanos = stallNanos;
    this.checkNanos = Math.max(MIN_CHECK_NANOS, stallNanos / 4);
    this.progress = progress;
    this.onStall = onStall;
    String name = capture
        ? "atoms-capture-watchdog-" + CAPTURE_THREADS.incrementAndGet()
        : "atoms-playback-watchdog-" + PLAYBACK_THREADS.incrementAndGet();
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A read, write or drain begins (called by the I/O thread). */
  void ioStarted() {
    long now = System.nanoTime();
    ioStartNanos = now == 0 ? 1 : now;
    if (idle) {
      LockSupport.unpark(thread);
    }
  }

  /** The call that began with {@link #ioStarted()} returned. */
  void ioEnded() {
    ioStartNanos = 0;
  }

  /** Ends the watchdog and waits (bounded) for its thread to end. Idempotent. */
  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread && thread.isAlive()) {
      try {
        thread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long lastProgress = Long.MIN_VALUE;
    long lastProgressNanos = System.nanoTime();
    while (!stopped) {
      long started = ioStartNanos;
      if (started == 0) {
        idle = true;
        if (ioStartNanos == 0 && !stopped) {
          LockSupport.park(this);
        }
        idle = false;
        continue;
      }
      long now = System.nanoTime();
      long position = progress.getAsLong();
      if (position != lastProgress) {
        lastProgress = position;
        lastProgressNanos = now;
      }
      long since = started - lastProgressNanos > 0 ? started : lastProgressNanos;
      long stalledNanos = now - since;
      if (stalledNanos >= stallNanos) {
        if (!stopped && ioStartNanos != 0) {
          onStall.run();
          return;
        }
        continue;
      }
      LockSupport.parkNanos(this, Math.min(checkNanos, stallNanos - stalledNanos));
    }
  }
}
