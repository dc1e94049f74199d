package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.internal.AndroidApiGuarded;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Masking through a {@code VarHandle} long view of the byte array: the fastest form on the JVM,
 * but Android has such views from API 33 only. {@link ClientFrames} loads this class only after
 * {@link #works()} said yes, and masks through the frame's buffer otherwise.
 */
@AndroidApiGuarded
final class VarHandleMask {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private VarHandleMask() {}

  /** Whether this platform has the view (probes it once; false on Android below API 33). */
  static boolean works() {
    try {
      byte[] probe = new byte[8];
      mask(probe, 0, 8, 0x01020304);
      return probe[0] == 1 && probe[7] == 4;
    } catch (LinkageError | UnsupportedOperationException e) {
      return false;
    }
  }

  /** XORs {@code length} bytes at {@code offset} with the key repeated, 8 bytes per step. */
  static void mask(byte[] data, int offset, int length, int key) {
    long wide = ((long) key << 32) | (key & 0xFFFFFFFFL);
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      LONGS.set(data, offset + i, (long) LONGS.get(data, offset + i) ^ wide);
    }
    for (; i < length; i++) {
      data[offset + i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
    }
  }
}
