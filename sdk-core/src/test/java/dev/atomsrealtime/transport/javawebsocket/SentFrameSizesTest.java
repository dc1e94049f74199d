package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bytes of the newest frames, against a plain list of the sizes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SentFrameSizesTest {

  private static long sumOfLast(List<Integer> sizes, int k) {
    long sum = 0;
    for (int i = Math.max(0, sizes.size() - k); i < sizes.size(); i++) {
      sum += sizes.get(i);
    }
    return sum;
  }

  @Test
  void theLastFramesWithinTheRingAreExact() {
    SentFrameSizes sent = new SentFrameSizes();
    assertEquals(0, sent.ofLast(3), "nothing recorded");
    Random random = new Random(11);
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 5 * SentFrameSizes.CAPACITY; i++) {
      int size = random.nextInt(70_000);
      sent.add(size);
      sizes.add(size);
      for (int k : new int[] {0, 1, 2, 17, i, i + 1, i + 5, SentFrameSizes.CAPACITY - 1}) {
        if (k < SentFrameSizes.CAPACITY) {
          assertEquals(k <= 0 ? 0 : sumOfLast(sizes, k), sent.ofLast(k), "k=" + k + " i=" + i);
        }
      }
    }
  }

  @Test
  void aBacklogBeyondTheRingIsScaledFromTheNewestFrames() {
    SentFrameSizes sent = new SentFrameSizes();
    for (int i = 0; i < 3 * SentFrameSizes.CAPACITY; i++) {
      sent.add(1_000);
    }
    assertEquals(2_500L * 1_000, sent.ofLast(2_500));
    assertEquals(3L * SentFrameSizes.CAPACITY * 1_000, sent.ofLast(10 * SentFrameSizes.CAPACITY),
        "never more than everything recorded");
  }
}
