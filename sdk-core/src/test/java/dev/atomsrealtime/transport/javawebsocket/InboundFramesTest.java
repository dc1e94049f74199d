package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.ContinuousFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.TextFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which inbound frames take the byte path, which go to the library, and the close frame kept
 * while this side is closing.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InboundFramesTest {
  private final List<String> texts = new ArrayList<>();
  private final InboundFrames frames = new InboundFrames(
      (utf8, offset, length) -> texts.add(new String(utf8, offset, length, StandardCharsets.UTF_8)));
  private final WebSocketImpl open = connection(ReadyState.OPEN);
  private final WebSocketImpl closing = connection(ReadyState.CLOSING);

  private static WebSocketImpl connection(ReadyState state) {
    WebSocketImpl conn = mock(WebSocketImpl.class);
    when(conn.getReadyState()).thenReturn(state);
    return conn;
  }

  private static <T extends org.java_websocket.framing.FramedataImpl1> T frame(T f, String payload,
      boolean fin) {
    f.setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
    f.setFin(fin);
    return f;
  }

  @Test
  void aWholeTextFrameGoesStraightToTheHandler() {
    assertTrue(frames.handle(open, frame(new TextFrame(), "{\"a\":1}", true)));
    assertEquals(List.of("{\"a\":1}"), texts);
  }

  @Test
  void thePayloadsOffsetAndPositionAreHonoured() {
    byte[] backing = "xx{\"b\":2}yy".getBytes(StandardCharsets.UTF_8);
    TextFrame sliced = new TextFrame();
    sliced.setPayload(ByteBuffer.wrap(backing, 2, 7).slice()); // array offset 2, position 0
    sliced.setFin(true);
    TextFrame positioned = new TextFrame();
    positioned.setPayload(ByteBuffer.wrap(backing, 2, 7)); // array offset 0, position 2
    positioned.setFin(true);
    assertTrue(frames.handle(open, sliced));
    assertTrue(frames.handle(open, positioned));
    assertEquals(List.of("{\"b\":2}", "{\"b\":2}"), texts);
  }

  @Test
  void aDirectPayloadTakesTheLibrarysPath() {
    TextFrame f = new TextFrame();
    ByteBuffer direct = ByteBuffer.allocateDirect(2);
    direct.put((byte) '{').put((byte) '}').flip();
    f.setPayload(direct);
    f.setFin(true);
    assertFalse(frames.handle(open, f));
    assertEquals(List.of(), texts);
  }

  @Test
  void fragmentedMessagesTakeTheLibrarysPathToTheEnd() {
    assertFalse(frames.handle(open, frame(new TextFrame(), "{\"a\":", false)));
    assertFalse(frames.handle(open, frame(new PingFrame(), "", true)), "control frames pass");
    assertFalse(frames.handle(open, frame(new ContinuousFrame(), "1", false)));
    assertFalse(frames.handle(open, frame(new ContinuousFrame(), "}", true)));
    assertEquals(List.of(), texts);
    assertTrue(frames.handle(open, frame(new TextFrame(), "{}", true)), "the next one is whole");
    assertEquals(List.of("{}"), texts);
  }

  @Test
  void aTextFrameInsideAFragmentedBinaryMessageIsTheLibrarysToo() {
    // Not valid on the wire; the library reports it. The byte path never takes it.
    assertFalse(frames.handle(open, frame(new BinaryFrame(), "ab", false)));
    assertFalse(frames.handle(open, frame(new TextFrame(), "{}", true)));
    assertEquals(List.of(), texts);
  }

  @Test
  void theFinalContinuationEndsTheFragmentedMessage() {
    assertFalse(frames.handle(open, frame(new TextFrame(), "{\"a\":", false)));
    assertFalse(frames.handle(open, frame(new ContinuousFrame(), "1}", true)));
    assertTrue(frames.handle(open, frame(new TextFrame(), "{}", true)));
    assertFalse(frames.handle(open, frame(new BinaryFrame(), "ab", false)));
    assertFalse(frames.handle(open, frame(new ContinuousFrame(), "cd", true)));
    assertTrue(frames.handle(open, frame(new TextFrame(), "{\"b\":2}", true)));
    assertEquals(List.of("{}", "{\"b\":2}"), texts);
  }

  @Test
  void theClosingAnswerIsKeptAndNothingAfterItProcessed() {
    CloseFrame close = new CloseFrame();
    close.setCode(1000);
    assertNull(frames.closeAnswer());
    assertTrue(frames.handle(closing, close));
    assertSame(close, frames.closeAnswer());
    assertTrue(frames.handle(closing, frame(new TextFrame(), "{}", true)), "swallowed");
    assertTrue(frames.handle(open, frame(new BinaryFrame(), "x", true)), "swallowed");
    assertEquals(List.of(), texts);
  }

  @Test
  void aCloseFrameWhileOpenIsTheLibrarys() {
    CloseFrame close = new CloseFrame();
    close.setCode(1001);
    assertFalse(frames.handle(open, close));
    assertNull(frames.closeAnswer());
    assertTrue(frames.handle(open, frame(new TextFrame(), "{}", true)));
    Framedata ping = frame(new PingFrame(), "", true);
    assertFalse(frames.handle(closing, ping), "only a close frame is kept while closing");
  }
}
