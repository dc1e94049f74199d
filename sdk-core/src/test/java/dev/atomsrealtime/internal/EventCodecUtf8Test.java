package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invalid UTF-8 in a field name is refused even when a valid name that looks the same to the
 * parser's name cache was decoded before (a fuzzing finding: the cache pads the last four bytes of
 * a name with 0xFF, so {@code "\xFF\xFFab"} and {@code "ab"} were one name once {@code "ab"} had
 * been seen, and the invalid bytes were never decoded).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventCodecUtf8Test {
  private static final EventCodec CODEC = EventCodec.INSTANCE;

  private static byte[] frame(String before, byte[] raw, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(raw);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void anInvalidNameAliasingASeenNameIsRefusedInServerFrames() {
    byte[] valid = "{\"type\":\"session.created\",\"session_id\":\"s\",\"qz\":1}"
        .getBytes(StandardCharsets.UTF_8);
    assertInstanceOf(SessionCreatedEvent.class, CODEC.decodeServer(valid, 0, valid.length));
    byte[] aliased = frame("{\"type\":\"session.created\",\"session_id\":\"s\",\"",
        new byte[] {(byte) 0xFF, (byte) 0xFF, 'q', 'z'}, "\":1}");
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> CODEC.decodeServer(aliased, 0, aliased.length));
    assertEquals(aliased.length, e.frameChars());
  }

  @Test
  void theFuzzingFindingIsRefusedInClientFrames() {
    byte[] valid = ("{\"type\":\"session.update\",\"tools\":[{\"name\":\"a\","
        + "\"p`rameters\":[]}]}").getBytes(StandardCharsets.UTF_8);
    assertInstanceOf(SessionUpdateEvent.class, CODEC.decodeClient(valid, 0, valid.length));
    byte[] finding = frame("{\"type\":\"session.update\",\"tools\":[{\"name\":\"a\",\"p`ramete",
        new byte[] {(byte) 0xFF}, "rs\":[]}]}");
    assertThrows(InvalidFrameException.class,
        () -> CODEC.decodeClient(finding, 0, finding.length));
  }

  @Test
  void invalidUtf8ElsewhereIsRefusedThroughEveryEntryPoint() {
    byte[] bad = frame("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"",
        new byte[] {(byte) 0xC3}, "\"}");
    assertThrows(InvalidFrameException.class, () -> CODEC.decodeServer(bad, 0, bad.length));
    assertThrows(InvalidFrameException.class, () -> CODEC.decodeServer(ByteBuffer.wrap(bad)));
    assertThrows(InvalidFrameException.class, () -> CODEC.decodeClient(bad, 0, bad.length));
  }
}
