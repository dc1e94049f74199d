package dev.atomsrealtime.bench;

import java.util.Arrays;

/** A growable list of nanosecond samples with percentiles. Not thread-safe. */
final class LongSamples {
  private long[] values = new long[1024];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  void addAll(LongSamples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  long countAbove(long threshold) {
    long n = 0;
    for (int i = 0; i < size; i++) {
      if (values[i] > threshold) {
        n++;
      }
    }
    return n;
  }

  /** Nearest-rank percentile (0..100) of the samples, or -1 when there are none. */
  long percentile(double p) {
    if (size == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  long max() {
    long max = -1;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, values[i]);
    }
    return max;
  }
}
