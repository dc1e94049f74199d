package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The codec's JSON plumbing: tolerant field access, reports, and the defaults of decoding. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CodecJsonTest {

  private static JsonNode json(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return CodecJson.readObject(b, 0, b.length);
  }

  @Test
  void sessionCreatedWithoutRateOrChannelsTakesTheProtocolDefaults() {
    SessionCreatedEvent e = (SessionCreatedEvent) EventCodec.INSTANCE.decodeServer(
        "{\"type\":\"session.created\",\"session_id\":\"s\"}");
    assertEquals(new SessionCreatedEvent("s", null, 24_000, 1), e);
    SessionCreatedEvent given = (SessionCreatedEvent) EventCodec.INSTANCE.decodeServer(
        "{\"type\":\"session.created\",\"session_id\":7,\"call_id\":\"c\",\"sample_rate\":\"16000\","
            + "\"channels\":2}");
    assertEquals(new SessionCreatedEvent("7", "c", 16_000, 2), given);
    InvalidFrameException noId = assertThrows(InvalidFrameException.class,
        () -> EventCodec.INSTANCE.decodeServer("{\"type\":\"session.created\"}"));
    assertEquals("session.created", noId.frameType());
    assertTrue(noId.getMessage().contains("missing 'session_id'"), noId.getMessage());
  }

  @Test
  void textAccessors() {
    JsonNode n = json("{\"s\":\"v\",\"n\":1,\"z\":null}");
    assertEquals("v", CodecJson.text(n, "s"));
    assertNull(CodecJson.text(n, "n"));
    assertNull(CodecJson.text(n, "missing"));
    assertEquals("v", CodecJson.textOrEmpty(n, "s"));
    assertEquals("", CodecJson.textOrEmpty(n, "n"));
  }

  @Test
  void scalarTextKeepsNumbersAndBooleansAsWritten() {
    JsonNode n = json("{\"f\":12.5,\"b\":true,\"s\":\"x\",\"z\":null,\"o\":{},\"a\":[]}");
    assertEquals("12.5", CodecJson.scalarText(n.get("f")));
    assertEquals("true", CodecJson.scalarText(n.get("b")));
    assertEquals("x", CodecJson.scalarText(n.get("s")));
    assertNull(CodecJson.scalarText(n.get("z")));
    assertNull(CodecJson.scalarText(n.get("o")));
    assertNull(CodecJson.scalarText(n.get("a")));
    assertNull(CodecJson.scalarText(null));
  }

  @Test
  void requiredText() {
    JsonNode n = json("{\"s\":\"v\",\"n\":42,\"b\":false,\"z\":null}");
    assertEquals("v", CodecJson.requiredText(n, "s"));
    assertEquals("42", CodecJson.requiredText(n, "n"));
    assertEquals("missing 'z'", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.requiredText(n, "z")).getMessage());
    assertEquals("missing 'q'", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.requiredText(n, "q")).getMessage());
    assertEquals("'b' must be a string", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.requiredText(n, "b")).getMessage());
  }

  @Test
  void intFieldAcceptsIntegersAndDigitStrings() {
    JsonNode n = json("{\"i\":16000,\"s\":\" 42 \",\"f\":1.5,\"big\":10000000000,\"t\":\"x\","
        + "\"b\":true,\"z\":null,\"neg\":-3}");
    assertEquals(16000, CodecJson.intField(n, "i", 7));
    assertEquals(42, CodecJson.intField(n, "s", 7));
    assertEquals(-3, CodecJson.intField(n, "neg", 7));
    assertEquals(7, CodecJson.intField(n, "missing", 7));
    assertEquals(7, CodecJson.intField(n, "z", 7));
    for (String bad : new String[] {"f", "big", "t", "b"}) {
      assertEquals("'" + bad + "' must be an integer", assertThrows(
          IllegalArgumentException.class, () -> CodecJson.intField(n, bad, 7)).getMessage());
    }
  }

  @Test
  void base64Field() {
    JsonNode n = json("{\"a\":\"AAEC\",\"bad\":\"A\",\"n\":1}");
    assertArrayEquals(new byte[] {0, 1, 2}, CodecJson.base64Field(n, "a"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CodecJson.base64Field(n, "bad")).getMessage().startsWith("'bad' is not valid base64"));
    assertEquals("'n' must be a base64 string", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.base64Field(n, "n")).getMessage());
    assertEquals("'m' must be a base64 string", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.base64Field(n, "m")).getMessage());
  }

  @Test
  void putIfNotNullAndNewFrame() {
    ObjectNode n = CodecJson.newFrame("t");
    CodecJson.putIfNotNull(n, "a", null);
    CodecJson.putIfNotNull(n, "b", "x");
    assertEquals("{\"type\":\"t\",\"b\":\"x\"}",
        new String(CodecJson.writeBytes(n), StandardCharsets.UTF_8));
  }

  @Test
  void readObjectRefusesWhatIsNotOneObject() {
    for (String s : new String[] {"[1]", "null", "1", "\"s\"", "", "{}{}", "{} x"}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      InvalidFrameException e = assertThrows(InvalidFrameException.class,
          () -> CodecJson.readObject(b, 0, b.length), s);
      assertTrue(e.getMessage().endsWith(", frame of " + b.length + " bytes"), e.getMessage());
      assertNull(e.frameType());
      assertEquals(b.length, e.frameChars());
    }
    byte[] padded = "[{}]".getBytes(StandardCharsets.UTF_8);
    assertTrue(CodecJson.readObject(padded, 1, 2).isObject(), "only the given range is read");
  }

  @Test
  void parseErrorsAreOneShortLineWithoutTheInput() {
    String token = "x".repeat(400);
    byte[] b = ("{\"a\":" + token + "}").getBytes(StandardCharsets.UTF_8);
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> CodecJson.readObject(b, 0, b.length));
    assertTrue(e.getMessage().startsWith("frame is not valid JSON: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("..."), e.getMessage());
    assertTrue(e.getMessage().length() < 160 + 80, e.getMessage());
    // The cause is a plain copy: no parser (and so no frame) is reachable from the report.
    Throwable cause = e.getCause();
    assertInstanceOf(IOException.class, cause);
    assertFalse(cause instanceof JsonProcessingException);
    assertTrue(cause.getMessage().startsWith("com.fasterxml.jackson.core."), cause.getMessage());
    assertTrue(cause.getStackTrace().length > 0);
  }

  @Test
  void reportsNameTheTypeWhenKnown() {
    InvalidFrameException e = CodecJson.invalid("transcript", 12, "malformed", null);
    assertEquals("malformed (type transcript), frame of 12 bytes", e.getMessage());
    assertEquals("transcript", e.frameType());
    assertNull(e.getCause());
    IllegalStateException other = new IllegalStateException("x");
    assertSame(other, CodecJson.invalid(null, 1, "m", other).getCause());
  }

  @Test
  void aMalformedKnownEventKeepsAPlainCause() {
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> EventCodec.INSTANCE.decodeServer("{\"type\":\"function_call\",\"call_id\":\"c\","
            + "\"name\":\"n\",\"arguments\":\"{not json\"}"));
    assertEquals(FunctionCallEvent.TYPE, e.frameType());
    assertTrue(e.getMessage().startsWith("malformed function_call event: arguments is not valid"),
        e.getMessage());
    Throwable cause = e.getCause();
    assertInstanceOf(IllegalArgumentException.class, cause);
    assertInstanceOf(IOException.class, cause.getCause());
    assertFalse(cause.getCause() instanceof JsonProcessingException, "no parser kept");
  }

  @Test
  void parseObjectAndToJson() {
    assertTrue(CodecJson.parseObject("{\"a\":1}", "args").has("a"));
    assertEquals("args must be a JSON object", assertThrows(IllegalArgumentException.class,
        () -> CodecJson.parseObject("[]", "args")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CodecJson.parseObject("{", "args")).getMessage().startsWith("args is not valid JSON"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1);
    m.put("b", "x");
    assertEquals("{\"a\":1,\"b\":\"x\"}", CodecJson.toJson(m));
    m.put("c", new Object());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodecJson.toJson(m))
        .getMessage().startsWith("cannot encode as JSON"));
  }
}
