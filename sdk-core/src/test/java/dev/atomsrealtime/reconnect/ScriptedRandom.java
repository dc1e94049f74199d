package dev.atomsrealtime.reconnect;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/** Returns scripted values from {@link #nextDouble()}; fails if asked for more or for bits. */
final class ScriptedRandom implements RandomGenerator {
  private final Deque<Double> doubles = new ArrayDeque<>();

  ScriptedRandom(double... values) {
    for (double v : values) {
      doubles.add(v);
    }
  }

  @Override
  public double nextDouble() {
    Double next = doubles.poll();
    if (next == null) {
      throw new AssertionError("the policy asked for more random values than were scripted");
    }
    return next;
  }

  @Override
  public long nextLong() {
    throw new AssertionError("the policy is expected to use nextDouble() only");
  }

  int remaining() {
    return doubles.size();
  }
}
