package dev.atomsrealtime.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The load harness's marker at the start of each 20 ms chunk: send time ({@code System.nanoTime}
 * of the sending process), sequence number and a magic word, little-endian. The rest of the chunk
 * is silence. Both processes run on one Linux machine, where {@code nanoTime} is {@code
 * CLOCK_MONOTONIC} and so shared across processes; {@link LoadHarness} checks that before it
 * measures.
 */
final class ChunkHeader {
  static final int BYTES = 24;
  static final long MAGIC = 0x4E45_4253_4D4F_5441L; // "ATOMSBEN" read little-endian

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ChunkHeader() {}

  static void write(byte[] chunk, long sentNanos, long seq) {
    LONG.set(chunk, 0, sentNanos);
    LONG.set(chunk, 8, seq);
    LONG.set(chunk, 16, MAGIC);
  }

  /** Whether {@code length} bytes at {@code offset} start with a header. */
  static boolean present(byte[] buffer, int offset, int length) {
    return length >= BYTES && (long) LONG.get(buffer, offset + 16) == MAGIC;
  }

  static long sentNanos(byte[] buffer, int offset) {
    return (long) LONG.get(buffer, offset);
  }

  static long seq(byte[] buffer, int offset) {
    return (long) LONG.get(buffer, offset + 8);
  }
}
