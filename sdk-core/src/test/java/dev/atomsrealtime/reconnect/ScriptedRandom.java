package dev.atomsrealtime.reconnect;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.DoubleSupplier;

/** Returns scripted values from {@link #getAsDouble()}; fails if asked for more. */
final class ScriptedRandom implements DoubleSupplier {
  private final Deque<Double> doubles = new ArrayDeque<>();

  ScriptedRandom(double... values) {
    for (double v : values) {
      doubles.add(v);
    }
  }

  @Override
  public double getAsDouble() {
    Double next = doubles.poll();
    if (next == null) {
      throw new AssertionError("the policy asked for more random values than were scripted");
    }
    return next;
  }

  int remaining() {
    return doubles.size();
  }
}
