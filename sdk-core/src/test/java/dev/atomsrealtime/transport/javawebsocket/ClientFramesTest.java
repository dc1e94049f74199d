package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.Role;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.TextFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frames built by {@link ClientFrames}, read back by the library's own server-side parser. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientFramesTest {
  private final Random random = new Random(42);

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static List<Framedata> parseAsServer(ByteBuffer wire) throws Exception {
    Draft_6455 server = new Draft_6455();
    server.setParseMode(Role.SERVER);
    return server.translateFrame(wire);
  }

  @Test
  void everyLengthEncodingRoundTripsThroughTheLibrarysParser() throws Exception {
    ClientFrames frames = new ClientFrames(new SecureRandom());
    for (int n : new int[] {0, 1, 7, 8, 9, 125, 126, 127, 1_283, 65_535, 65_536, 70_001}) {
      byte[] payload = bytes(n);
      ByteBuffer source = ByteBuffer.wrap(payload);
      ByteBuffer wire = frames.frame(0x2, true, source);
      assertEquals(0, source.position(), "the payload is left as it was");
      int header = 2 + (n <= 125 ? 0 : n <= 65_535 ? 2 : 8) + 4;
      assertEquals(header + n, wire.remaining(), "size of a " + n + "-byte frame");
      assertEquals(0x80, wire.get(1) & 0x80, "client frames are masked");
      List<Framedata> parsed = parseAsServer(wire);
      assertEquals(1, parsed.size());
      Framedata f = parsed.get(0);
      assertEquals(Opcode.BINARY, f.getOpcode());
      assertTrue(f.isFin());
      ByteBuffer got = f.getPayloadData();
      byte[] out = new byte[got.remaining()];
      got.get(out);
      assertArrayEquals(payload, out, n + "-byte payload");
    }
  }

  @Test
  void theDraftBuildsTheSameFramesAsTheLibraryLessTheMaskingKey() throws Exception {
    ClientDraft ours = new ClientDraft((b, o, l) -> { });
    ours.setParseMode(Role.CLIENT);
    Draft_6455 library = new Draft_6455();
    library.setParseMode(Role.CLIENT);
    TextFrame text = new TextFrame();
    text.setPayload(ByteBuffer.wrap(
        "{\"type\":\"input_audio_buffer.append\"}".getBytes(StandardCharsets.UTF_8)));
    BinaryFrame binary = new BinaryFrame();
    binary.setPayload(ByteBuffer.wrap(bytes(300)));
    PingFrame ping = new PingFrame();
    for (Framedata frame : List.of(text, binary, ping)) {
      byte[] a = unmasked(ours.createBinaryFrame(frame));
      byte[] b = unmasked(library.createBinaryFrame(frame));
      assertArrayEquals(b, a, frame.getOpcode() + " frame");
    }
  }

  /** The frame with its masking key zeroed and its payload unmasked. */
  private static byte[] unmasked(ByteBuffer frame) {
    byte[] b = new byte[frame.remaining()];
    frame.duplicate().get(b);
    int len7 = b[1] & 0x7F;
    int keyAt = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
    int key = (b[keyAt] & 0xFF) << 24 | (b[keyAt + 1] & 0xFF) << 16 | (b[keyAt + 2] & 0xFF) << 8
        | b[keyAt + 3] & 0xFF;
    for (int i = keyAt + 4, k = 0; i < b.length; i++, k++) {
      b[i] ^= (byte) (key >>> (24 - 8 * (k & 3)));
    }
    Arrays.fill(b, keyAt, keyAt + 4, (byte) 0);
    return b;
  }

  @Test
  void wideMaskingMatchesBytewiseMaskingAtEveryOffsetAndLength() {
    for (int offset = 0; offset < 16; offset++) {
      for (int length = 0; length < 40; length++) {
        byte[] data = bytes(offset + length + 3);
        int key = random.nextInt();
        byte[] expected = data.clone();
        for (int i = 0; i < length; i++) {
          expected[offset + i] ^= (byte) (key >>> (24 - 8 * (i % 4)));
        }
        byte[] viaVarHandle = data.clone();
        ClientFrames.mask(ByteBuffer.wrap(data), offset, length, key);
        assertArrayEquals(expected, data, "buffer, offset " + offset + ", length " + length);
        VarHandleMask.mask(viaVarHandle, offset, length, key);
        assertArrayEquals(expected, viaVarHandle,
            "VarHandle, offset " + offset + ", length " + length);
      }
    }
  }

  @Test
  void framesAreMaskedThroughTheVarHandleViewOnTheJvm() {
    assertTrue(ClientFrames.VAR_HANDLE_MASK, "Java 17 runtimes have byte-array VarHandle views");
  }

  @Test
  void maskingKeysChangeFromFrameToFrame() {
    ClientFrames frames = new ClientFrames(new SecureRandom());
    Set<Integer> keys = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ByteBuffer wire = frames.frame(0x1, true, ByteBuffer.allocate(0));
      keys.add(wire.getInt(2));
    }
    assertTrue(keys.size() > 95, keys.size() + " distinct keys in 100 frames");
  }
}
