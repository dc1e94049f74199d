package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mask keys {@link ClientFrames} takes from its random source, in order, and payloads that
 * start inside their backing array.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientFramesKeyTest {
  /** Fills every request with 1, 2, 3, ... (a byte counter that continues across calls). */
  private static final class CountingRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private int next = 1;

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (0x80 | next++); // high bits set: a sign-extension slip shows
      }
    }
  }

  private static byte[] key(ByteBuffer wire) {
    byte[] key = new byte[4];
    for (int i = 0; i < 4; i++) {
      key[i] = wire.get(2 + i);
    }
    return key;
  }

  private static byte[] unmasked(ByteBuffer wire, int length) {
    byte[] key = key(wire);
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (wire.get(6 + i) ^ key[i & 3]);
    }
    return out;
  }

  @Test
  void eachFramesKeyIsTheNextFourRandomBytesInOrder() {
    ClientFrames frames = new ClientFrames(new CountingRandom());
    for (int f = 0; f < 20; f++) { // past one draw of 16 keys
      byte[] payload = {0, 0, 0, 0, 0};
      ByteBuffer wire = frames.frame(0x1, true, ByteBuffer.wrap(payload));
      int first = 1 + 4 * f;
      byte[] expected = new byte[4];
      for (int i = 0; i < 4; i++) {
        expected[i] = (byte) (0x80 | (first + i));
      }
      assertArrayEquals(expected, key(wire), "key of frame " + f);
      // A zero payload masked is the key repeated.
      byte[] masked = new byte[5];
      for (int i = 0; i < 5; i++) {
        masked[i] = wire.get(6 + i);
      }
      assertArrayEquals(new byte[] {expected[0], expected[1], expected[2], expected[3],
          expected[0]}, masked, "payload of frame " + f);
    }
  }

  @Test
  void aSliceWithAnOffsetAndPositionFramesOnlyItsRemainingBytes() {
    byte[] backing = new byte[64];
    for (int i = 0; i < backing.length; i++) {
      backing[i] = (byte) i;
    }
    ByteBuffer slice = ByteBuffer.wrap(backing, 5, 40).slice(); // array offset 5
    slice.position(3).limit(20); // bytes 8 .. 24 of the backing array
    ClientFrames frames = new ClientFrames(new CountingRandom());
    ByteBuffer wire = frames.frame(0x2, true, slice);
    assertEquals(6 + 17, wire.remaining());
    assertEquals(17, wire.get(1) & 0x7F);
    assertArrayEquals(Arrays.copyOfRange(backing, 8, 25), unmasked(wire, 17));
    assertEquals(3, slice.position(), "the payload is left as it was");
  }

  @Test
  void aDirectBufferFramesTheSameBytes() {
    ByteBuffer direct = ByteBuffer.allocateDirect(30);
    for (int i = 0; i < 30; i++) {
      direct.put((byte) (100 + i));
    }
    direct.position(4);
    ByteBuffer wire = new ClientFrames(new CountingRandom()).frame(0x2, true, direct);
    byte[] expected = new byte[26];
    for (int i = 0; i < 26; i++) {
      expected[i] = (byte) (104 + i);
    }
    assertArrayEquals(expected, unmasked(wire, 26));
  }

  @Test
  void theFallbackMaskXorsTheKeyRepeatedOverEveryLength() {
    int key = 0x81A2C3E4;
    byte[] keyBytes = {(byte) 0x81, (byte) 0xA2, (byte) 0xC3, (byte) 0xE4};
    for (int length : new int[] {0, 1, 7, 8, 9, 16, 23}) {
      byte[] data = new byte[length + 3];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 7);
      }
      byte[] before = data.clone();
      ClientFrames.mask(ByteBuffer.wrap(data), 3, length, key);
      for (int i = 0; i < 3; i++) {
        assertEquals(before[i], data[i], "bytes before the offset are untouched");
      }
      for (int i = 0; i < length; i++) {
        assertEquals((byte) (before[3 + i] ^ keyBytes[i & 3]), data[3 + i],
            "byte " + i + " of " + length);
      }
    }
  }
}
