package dev.atomsrealtime.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Builds masked client frames (RFC 6455 section 5.2) in one allocation, masking eight bytes per
 * step. The library masks one byte per step through {@code ByteBuffer} calls, which costs several
 * microseconds per audio frame on the sending thread.
 *
 * <p>Masking uses a {@code VarHandle} long view of the array where the platform has one (every
 * JVM; Android from API 33, see {@link VarHandleMask}) and the frame buffer's absolute {@code
 * getLong}/{@code putLong} elsewhere; both give the same bytes.
 *
 * <p>Masking keys come from a {@link SecureRandom} (the RFC asks for a strong source of entropy),
 * drawn 64 bytes at a time. One instance per connection; thread-safe.
 */
final class ClientFrames {
  private static final int KEYS_PER_DRAW = 16;
  /** Whether {@link VarHandleMask} can be used here; decided once. */
  static final boolean VAR_HANDLE_MASK = probeVarHandleMask();

  private final SecureRandom random;
  private final byte[] keys = new byte[KEYS_PER_DRAW * 4]; // guarded by this
  private int nextKey = KEYS_PER_DRAW; // guarded by this

  ClientFrames(SecureRandom random) {
    this.random = random;
  }

  /**
   * One final, masked frame carrying {@code payload}'s remaining bytes (left unchanged).
   *
   * @param opcode the frame's 4-bit opcode
   */
  ByteBuffer frame(int opcode, boolean fin, ByteBuffer payload) {
    int length = payload.remaining();
    int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
    int header = 2 + lengthBytes + 4;
    byte[] out = new byte[header + length];
    out[0] = (byte) ((fin ? 0x80 : 0) | (opcode & 0x0F));
    int p = 2;
    if (lengthBytes == 0) {
      out[1] = (byte) (0x80 | length);
    } else if (lengthBytes == 2) {
      out[1] = (byte) (0x80 | 126);
      out[p++] = (byte) (length >>> 8);
      out[p++] = (byte) length;
    } else {
      out[1] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out[p++] = (byte) ((long) length >>> shift);
      }
    }
    int key = nextKey();
    out[p++] = (byte) (key >>> 24);
    out[p++] = (byte) (key >>> 16);
    out[p++] = (byte) (key >>> 8);
    out[p++] = (byte) key;
    if (payload.hasArray()) {
      System.arraycopy(payload.array(), payload.arrayOffset() + payload.position(), out, p,
          length);
    } else {
      payload.duplicate().get(out, p, length);
    }
    if (VAR_HANDLE_MASK) {
      VarHandleMask.mask(out, p, length, key);
      return ByteBuffer.wrap(out);
    }
    ByteBuffer wire = ByteBuffer.wrap(out);
    mask(wire, p, length, key);
    return wire;
  }

  private static boolean probeVarHandleMask() {
    try {
      return VarHandleMask.works();
    } catch (LinkageError e) { // the class itself cannot be loaded on this platform
      return false;
    }
  }

  /**
   * XORs {@code length} bytes of {@code frame} at {@code offset} with the key repeated, 8 bytes
   * per step through the buffer's absolute big-endian {@code getLong}/{@code putLong} (on every
   * Android level): the fallback where {@link VarHandleMask} is not available. The buffer is the
   * one the frame is returned in, so masking allocates nothing. Its position and limit are not
   * used.
   */
  static void mask(ByteBuffer frame, int offset, int length, int key) {
    long wide = ((long) key << 32) | (key & 0xFFFFFFFFL);
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      frame.putLong(offset + i, frame.getLong(offset + i) ^ wide);
    }
    for (; i < length; i++) {
      int at = offset + i;
      frame.put(at, (byte) (frame.get(at) ^ (key >>> (24 - 8 * (i & 3)))));
    }
  }

  private synchronized int nextKey() {
    if (nextKey == KEYS_PER_DRAW) {
      random.nextBytes(keys);
      nextKey = 0;
    }
    int k = nextKey++ * 4;
    return (keys[k] & 0xFF) << 24 | (keys[k + 1] & 0xFF) << 16 | (keys[k + 2] & 0xFF) << 8
        | keys[k + 3] & 0xFF;
  }
}
