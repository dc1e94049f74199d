package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.event.UnknownClientEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventCodecTest {
  private final EventCodec codec = EventCodec.INSTANCE;
  private final ObjectMapper json = new ObjectMapper();

  private static byte[] pcm(int bytes, long seed) {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void appendFrameIsExactJsonWithStandardBase64() throws Exception {
    byte[] pcm = pcm(4800, 1);
    byte[] frame = codec.encodeAudioAppend(pcm, 0, pcm.length);
    JsonNode node = json.readTree(frame);
    assertEquals("input_audio_buffer.append", node.get("type").asText());
    assertEquals(Base64.getEncoder().encodeToString(pcm), node.get("audio").asText());
    assertEquals(2, node.size());
  }

  @Test
  void appendFrameEncodesOnlyTheGivenRange() throws Exception {
    byte[] pcm = pcm(1000, 2);
    byte[] frame = codec.encodeAudioAppend(pcm, 100, 322);
    String audio = json.readTree(frame).get("audio").asText();
    assertArrayEquals(Arrays.copyOfRange(pcm, 100, 422), Base64.getDecoder().decode(audio));
  }

  @Test
  void deltaDecodesToTheExactPcmOnTheFastPath() {
    byte[] pcm = pcm(4801, 3); // odd length is legal on the wire
    String frame = "{\"type\":\"output_audio.delta\",\"audio\":\""
        + Base64.getEncoder().encodeToString(pcm) + "\"}";
    OutputAudioDeltaEvent delta = assertInstanceOf(OutputAudioDeltaEvent.class,
        codec.decodeServer(frame));
    assertArrayEquals(pcm, delta.audioCopy());
  }

  @Test
  void deltaWithOtherFieldOrderWhitespaceAndExtraFieldsDecodes() {
    byte[] pcm = pcm(960, 4);
    String b64 = Base64.getEncoder().encodeToString(pcm);
    String frame = " {\n \"audio\" : \"" + b64 + "\", \"extra\": {\"nested\": [1, \"a\\\"b\"]},"
        + " \"n\": 3.5, \"ok\": true, \"type\" : \"output_audio.delta\" } ";
    OutputAudioDeltaEvent delta = assertInstanceOf(OutputAudioDeltaEvent.class,
        codec.decodeServer(frame));
    assertArrayEquals(pcm, delta.audioCopy());
  }

  @Test
  void deltaWithEscapedSlashFallsBackToTheFullParser() {
    byte[] pcm = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}; // base64 "////"
    String frame = "{\"type\":\"output_audio.delta\",\"audio\":\"\\/\\/\\/\\/\"}";
    OutputAudioDeltaEvent delta = assertInstanceOf(OutputAudioDeltaEvent.class,
        codec.decodeServer(frame));
    assertArrayEquals(pcm, delta.audioCopy());
  }

  @Test
  void deltaWithInvalidBase64IsReportedNotDelivered() {
    String frame = "{\"type\":\"output_audio.delta\",\"audio\":\"@@@notbase64\"}";
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> codec.decodeServer(frame));
    assertEquals("output_audio.delta", e.frameType());
    assertTrue(e.getMessage().contains("base64"), e.getMessage());
    assertTrue(!e.getMessage().contains("@@@"), "the message must not echo audio");
  }

  @Test
  void everyServerEventDecodes() {
    assertEquals(new SessionCreatedEvent("s1", "CALL-1700000000000-abc123", 16000, 1),
        codec.decodeServer("{\"type\":\"session.created\",\"session_id\":\"s1\","
            + "\"call_id\":\"CALL-1700000000000-abc123\",\"sample_rate\":16000,\"channels\":1}"));
    assertEquals(new AgentStartTalkingEvent("2026-01-01T10:00:00"),
        codec.decodeServer("{\"type\":\"agent_start_talking\",\"timestamp\":\"2026-01-01T10:00:00\"}"));
    assertEquals(new AgentStopTalkingEvent(null),
        codec.decodeServer("{\"type\":\"agent_stop_talking\"}"));
    assertEquals(new InterruptionEvent(), codec.decodeServer("{\"type\":\"interruption\"}"));
    assertEquals(new TranscriptDeltaEvent(Role.USER, "user", "hel"),
        codec.decodeServer("{\"type\":\"transcript.delta\",\"role\":\"user\",\"text\":\"hel\"}"));
    assertEquals(new TranscriptEvent(Role.AGENT, "assistant", "Hi there"),
        codec.decodeServer("{\"type\":\"transcript\",\"role\":\"assistant\",\"text\":\"Hi there\"}"));
    assertEquals(new SessionUpdatedEvent(List.of("get_weather", "book")),
        codec.decodeServer("{\"type\":\"session.updated\",\"tools\":[\"get_weather\",\"book\"]}"));
    FunctionCallEvent call = (FunctionCallEvent) codec.decodeServer(
        "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"get_weather\","
            + "\"arguments\":{\"city\":\"Paris\"}}");
    assertEquals("c1", call.callId());
    assertEquals("get_weather", call.name());
    assertEquals("{\"city\":\"Paris\"}", call.argumentsJson());
    assertEquals(new SessionClosedEvent("ended"),
        codec.decodeServer("{\"type\":\"session.closed\",\"reason\":\"ended\"}"));
    assertEquals(new ErrorEvent("no_session", "send session first"),
        codec.decodeServer("{\"type\":\"error\",\"code\":\"no_session\","
            + "\"message\":\"send session first\"}"));
  }

  @Test
  void tolerantSpellingsAndRoles() {
    assertInstanceOf(AgentStartTalkingEvent.class,
        codec.decodeServer("{\"type\":\"agent.start_talking\"}"));
    assertInstanceOf(AgentStopTalkingEvent.class,
        codec.decodeServer("{\"type\":\"agent.stop_talking\",\"timestamp\":\"x\"}"));
    TranscriptDeltaEvent delta = (TranscriptDeltaEvent) codec.decodeServer(
        "{\"type\":\"transcript_delta\",\"role\":\"agent\",\"text\":\"So\"}");
    assertEquals(Role.AGENT, delta.role());
    assertEquals("agent", delta.rawRole());
    TranscriptEvent odd = (TranscriptEvent) codec.decodeServer(
        "{\"type\":\"transcript\",\"role\":\"system\",\"text\":\"x\"}");
    assertEquals(Role.UNKNOWN, odd.role());
  }

  @Test
  void nestedErrorObjectIsTheFallback() {
    assertEquals(new ErrorEvent("worker_not_ready", "no worker"),
        codec.decodeServer("{\"type\":\"error\",\"error\":{\"code\":\"worker_not_ready\","
            + "\"message\":\"no worker\"}}"));
    // Flat fields win over nested ones.
    assertEquals(new ErrorEvent("a", "flat"),
        codec.decodeServer("{\"type\":\"error\",\"code\":\"a\",\"message\":\"flat\","
            + "\"error\":{\"code\":\"b\",\"message\":\"nested\"}}"));
    // Numeric codes (HTTP statuses) become strings.
    assertEquals(new ErrorEvent("503", ""),
        codec.decodeServer("{\"type\":\"error\",\"code\":503}"));
    assertTrue(((ErrorEvent) codec.decodeServer("{\"type\":\"error\",\"code\":\"503\"}"))
        .isRetryable());
    assertEquals(new ErrorEvent("unknown", ""), codec.decodeServer("{\"type\":\"error\"}"));
  }

  @Test
  void unknownTypesKeepTheRawJsonAndUnknownFieldsAreIgnored() {
    String raw = "{\"type\":\"agent.thinking\",\"level\":3}";
    assertEquals(new UnknownServerEvent("agent.thinking", raw), codec.decodeServer(raw));
    String noType = "{\"hello\":1}";
    assertEquals(new UnknownServerEvent("", noType), codec.decodeServer(noType));
    assertEquals(new InterruptionEvent(),
        codec.decodeServer("{\"type\":\"interruption\",\"turn\":7,\"x\":{\"y\":[]}}"));
  }

  @Test
  void binaryFramesHoldingUtf8JsonDecode() {
    String text = "{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"caf\u00e9 \u2615\"}";
    ServerEvent e = codec.decodeServer(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals(new TranscriptEvent(Role.USER, "user", "caf\u00e9 \u2615"), e);
  }

  @Test
  void malformedFramesAreReportedWithContext() {
    InvalidFrameException notJson = assertThrows(InvalidFrameException.class,
        () -> codec.decodeServer("{not json"));
    assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
    assertNull(notJson.frameType());
    assertThrows(InvalidFrameException.class, () -> codec.decodeServer("[1,2]"));
    assertThrows(InvalidFrameException.class, () -> codec.decodeServer(""));
    InvalidFrameException badUtf8 = assertThrows(InvalidFrameException.class,
        () -> codec.decodeServer(ByteBuffer.wrap(new byte[] {'{', (byte) 0xC3, '}'})));
    assertTrue(badUtf8.getMessage().contains("UTF-8"));
    InvalidFrameException missing = assertThrows(InvalidFrameException.class,
        () -> codec.decodeServer("{\"type\":\"session.created\"}"));
    assertEquals("session.created", missing.frameType());
  }

  @Test
  void deeplyNestedJsonIsRefusedNotCrashing() {
    String deep = "{\"type\":\"x\",\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThrows(InvalidFrameException.class, () -> codec.decodeServer(deep));
  }

  @Test
  void clientEventsRoundTrip() {
    ToolDefinition tool = ToolDefinition.builder("get_weather").description("Weather")
        .parametersJson("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")
        .timeoutMillis(5000).expectsResponse(false).build();
    List<ClientEvent> all = List.of(
        InputAudioBufferAppendEvent.of(pcm(640, 5)),
        new InputAudioBufferCommitEvent(),
        new InputTextSendEvent("Book a table \"now\""),
        new SessionUpdateEvent(List.of(tool)),
        new FunctionCallResultEvent("c1", "{\"temp\":21}"),
        new SessionCloseEvent());
    for (ClientEvent e : all) {
      byte[] frame = codec.encode(e);
      assertEquals(e, codec.decodeClient(frame, 0, frame.length), e.type());
    }
  }

  @Test
  void toolDeclarationUsesTheWireFieldNames() throws Exception {
    ToolDefinition tool = ToolDefinition.builder("book").build();
    JsonNode t = json.readTree(codec.encode(new SessionUpdateEvent(List.of(tool))))
        .get("tools").get(0);
    assertEquals("function", t.get("type").asText());
    assertEquals(15000, t.get("timeout_ms").asInt());
    assertTrue(t.get("expectsResponse").asBoolean());
    assertTrue(t.get("parameters").isObject());
  }

  @Test
  void unknownClientFramesAreKept() {
    String raw = "{\"type\":\"something.new\"}";
    assertEquals(new UnknownClientEvent("something.new", raw), codec.decodeClient(raw));
  }

  @Test
  void unknownEventsEncodeAsTheirRawJson() {
    String raw = "{\"type\":\"x.y\", \"n\": [1]}";
    assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8),
        codec.encode(new UnknownClientEvent("x.y", raw)));
    assertEquals(raw, codec.encodeServer(new UnknownServerEvent("x.y", raw)));
  }

  @Test
  void plainMapsBecomeJsonObjects() throws Exception {
    java.util.Map<String, Object> variables = new java.util.LinkedHashMap<>();
    variables.put("name", "Ana \"A\"");
    variables.put("age", 7);
    variables.put("vip", true);
    assertEquals("{\"name\":\"Ana \\\"A\\\"\",\"age\":7,\"vip\":true}",
        codec.variablesJson(variables));
    assertEquals(json.readTree("{\"errors\":[\"Invalid agent id\"]}"),
        json.readTree(codec.toJson(java.util.Map.of("errors", List.of("Invalid agent id")))));
  }

  /**
   * The wire tables are the codec's whole knowledge of types: each sealed hierarchy's permitted
   * subclasses are exactly the table's classes plus the unknown event, every row's wire name is
   * its class's {@code TYPE}, and every wire name and alias decodes to that row's class.
   */
  @Test
  void sealedServerEventsEqualTheServerTable() {
    checkTableMatches(ServerEvent.class, UnknownServerEvent.class, WireTypes.SERVER);
    Set<String> names = new HashSet<>();
    for (WireTypes.Row<? extends ServerEvent> row : WireTypes.SERVER.rows()) {
      names.add(row.wireName());
      names.addAll(row.aliases());
      for (String name : names(row)) {
        assertEquals(row.javaType(), decodeMinimal(name).getClass(), name);
      }
    }
    assertEquals(names, EventCodec.SERVER_TYPES);
    assertEquals(Set.of("agent.start_talking", "agent.stop_talking", "transcript_delta"),
        aliasesOf(WireTypes.SERVER), "the aliases PROTOCOL.md section 2 lists");
  }

  @Test
  void sealedClientEventsEqualTheClientTable() {
    checkTableMatches(ClientEvent.class, UnknownClientEvent.class, WireTypes.CLIENT);
    for (WireTypes.Row<? extends ClientEvent> row : WireTypes.CLIENT.rows()) {
      String frame = row.javaType() == InputAudioBufferAppendEvent.class
          ? "{\"type\":\"" + row.wireName() + "\",\"audio\":\"AAA=\"}"
          : row.javaType() == InputTextSendEvent.class
              ? "{\"type\":\"" + row.wireName() + "\",\"text\":\"t\"}"
              : row.javaType() == FunctionCallResultEvent.class
                  ? "{\"type\":\"" + row.wireName() + "\",\"call_id\":\"c\",\"output\":\"o\"}"
                  : "{\"type\":\"" + row.wireName() + "\"}";
      assertEquals(row.javaType(), codec.decodeClient(frame).getClass(), row.wireName());
    }
    assertEquals(Set.of(), aliasesOf(WireTypes.CLIENT));
  }

  private static <T> void checkTableMatches(
      Class<T> sealed, Class<? extends T> unknown, WireTypes.Table<T> table) {
    Set<Class<?>> permitted = new HashSet<>(Arrays.asList(sealed.getPermittedSubclasses()));
    Set<Class<?>> rows = new HashSet<>();
    for (WireTypes.Row<? extends T> row : table.rows()) {
      assertTrue(rows.add(row.javaType()), "two rows for " + row.javaType());
      assertEquals(typeConstant(row.javaType()), row.wireName(), row.javaType() + " TYPE");
      assertEquals(row, table.forClass(row.javaType()));
    }
    rows.add(unknown);
    assertEquals(permitted, rows, "permitted subclasses of " + sealed.getSimpleName());
  }

  private static String typeConstant(Class<?> c) {
    try {
      return (String) c.getField("TYPE").get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(c + " lacks a TYPE constant", e);
    }
  }

  private static List<String> names(WireTypes.Row<?> row) {
    List<String> names = new java.util.ArrayList<>(row.aliases());
    names.add(row.wireName());
    return names;
  }

  private static Set<String> aliasesOf(WireTypes.Table<?> table) {
    Set<String> aliases = new HashSet<>();
    table.rows().forEach(r -> aliases.addAll(r.aliases()));
    return aliases;
  }

  @Test
  void everyServerEventRoundTripsThroughTheTestServerEncoder() {
    List<ServerEvent> all = List.of(
        new SessionCreatedEvent("s", "CALL-1-abcdef", 24000, 1),
        OutputAudioDeltaEvent.of(pcm(33, 6)),
        new AgentStartTalkingEvent("t"), new AgentStopTalkingEvent(null),
        new InterruptionEvent(), new TranscriptDeltaEvent(Role.AGENT, "assistant", "a"),
        new TranscriptEvent(Role.USER, "user", "b"), new SessionUpdatedEvent(List.of("x")),
        new FunctionCallEvent("c", "n", "{\"a\":1}"), new SessionClosedEvent("ended"),
        new ErrorEvent("internal_error", "boom"));
    for (ServerEvent e : all) {
      assertEquals(e, codec.decodeServer(codec.encodeServer(e)), e.type());
    }
  }

  private ServerEvent decodeMinimal(String type) {
    switch (type) {
      case "session.created":
        return codec.decodeServer("{\"type\":\"session.created\",\"session_id\":\"s\"}");
      case "output_audio.delta":
        return codec.decodeServer("{\"type\":\"output_audio.delta\",\"audio\":\"AAA=\"}");
      case "function_call":
        return codec.decodeServer("{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"n\"}");
      default:
        return codec.decodeServer("{\"type\":\"" + type + "\"}");
    }
  }

  /** Frames that start and end like the canonical delta but are something else. */
  @Test
  void framesThatOnlyLookCanonicalTakeTheGeneralPath() {
    String prefix = "{\"type\":\"output_audio.delta\",\"audio\":\"";
    byte[] pcm = {1, 2, 3, 4, 5, 6};
    String b64 = Base64.getEncoder().encodeToString(pcm);
    // The canonical form itself.
    assertArrayEquals(pcm, deltaPcm(prefix + b64 + "\"}"));
    // Another key after the audio: its quotes end the span, which is then no base64.
    assertArrayEquals(pcm, deltaPcm(prefix + b64 + "\",\"item_id\":\"AAAA\"}"));
    // An escaped character inside the value.
    String escaped = b64.substring(0, 2) + "\\u00" + Integer.toHexString(b64.charAt(2))
        + b64.substring(3);
    assertArrayEquals(pcm, deltaPcm(prefix + escaped + "\"}"));
    // A value that holds a quote-comma sequence, so the frame is not one string: invalid.
    assertThrows(InvalidFrameException.class,
        () -> codec.decodeServer(bytes(prefix + b64 + "\",\"" + b64 + "\"}"), 0,
            bytes(prefix + b64 + "\",\"" + b64 + "\"}").length));
    // Not base64: reported by the general path.
    assertThrows(InvalidFrameException.class, () -> {
      byte[] f = bytes(prefix + "not*base64" + "\"}");
      codec.decodeServer(f, 0, f.length);
    });
    // The frame inside a larger array, at an offset.
    byte[] frame = bytes(prefix + b64 + "\"}");
    byte[] padded = new byte[frame.length + 10];
    System.arraycopy(frame, 0, padded, 5, frame.length);
    padded[4] = '"';
    padded[padded.length - 5] = '}';
    OutputAudioDeltaEvent delta = assertInstanceOf(OutputAudioDeltaEvent.class,
        codec.decodeServer(padded, 5, frame.length));
    assertArrayEquals(pcm, delta.audioCopy());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] deltaPcm(String frame) {
    byte[] f = bytes(frame);
    ServerEvent fromBytes = codec.decodeServer(f, 0, f.length);
    assertEquals(codec.decodeServer(frame), fromBytes, "the bytes and String paths agree");
    return assertInstanceOf(OutputAudioDeltaEvent.class, fromBytes).audioCopy();
  }
}
