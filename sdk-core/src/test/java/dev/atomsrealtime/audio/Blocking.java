package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Knowing that another thread blocked inside a {@link PcmBuffer}: the buffer runs its {@code
 * beforeWait} hook holding its lock just before a reader, writer or drainer waits. Once the hook
 * ran, anything the test does to the buffer (it takes the same lock) happens while that thread is
 * waiting, so "it blocks, then the other side acts, then it returns" is exact.
 */
final class Blocking {
  private final CountDownLatch waiting = new CountDownLatch(1);

  private Blocking() {}

  /**
   * Watches {@code buffer}: call before starting the thread that is to block.
   *
   * @param buffer the push source or pull sink the thread will wait in
   * @return the watch, for {@link #awaitBlocked()}
   */
  static Blocking watch(PcmBuffer buffer) {
    Blocking watch = new Blocking();
    buffer.beforeWait = watch.waiting::countDown;
    return watch;
  }

  /** Waits (bounded, 5 s) until a thread is about to wait in the watched buffer. */
  void awaitBlocked() throws InterruptedException {
    assertTrue(waiting.await(5, TimeUnit.SECONDS), "no thread blocked within 5 s");
  }
}
