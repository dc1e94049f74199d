package dev.atomsrealtime.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes client events to JSON text frames and decodes server frames to events (both directions
 * for both sides, so the test server shares it).
 *
 * <p>The audio events are the hot path and bypass Jackson's data binding: an append frame is
 * assembled from constant bytes plus the JDK's (intrinsified) base64; a delta frame in the form
 * servers send is decoded straight from the frame's bytes with no scan at all, and any other delta
 * is located by a small top-level scan first. Everything else goes
 * through a private {@link ObjectMapper} tree, which keeps the tolerant decoding rules readable.
 *
 * <p>Thread-safe and stateless; one shared instance ({@link #INSTANCE}) is enough.
 */
public final class EventCodec {
  /** The shared instance. Holds only immutable configuration. */
  public static final EventCodec INSTANCE = new EventCodec();

  private static final byte[] APPEND_PREFIX =
      "{\"type\":\"input_audio_buffer.append\",\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DELTA_PREFIX =
      "{\"type\":\"output_audio.delta\",\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE_KEY = "type".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUDIO_KEY = "audio".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DELTA_TYPE =
      OutputAudioDeltaEvent.TYPE.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] APPEND_TYPE =
      InputAudioBufferAppendEvent.TYPE.getBytes(StandardCharsets.US_ASCII);

  /** Every wire type this codec decodes to a known server event, aliases included. */
  public static final Set<String> SERVER_TYPES =
      Set.of(
          SessionCreatedEvent.TYPE,
          OutputAudioDeltaEvent.TYPE,
          AgentStartTalkingEvent.TYPE,
          "agent.start_talking",
          AgentStopTalkingEvent.TYPE,
          "agent.stop_talking",
          InterruptionEvent.TYPE,
          TranscriptDeltaEvent.TYPE,
          "transcript_delta",
          TranscriptEvent.TYPE,
          SessionUpdatedEvent.TYPE,
          FunctionCallEvent.TYPE,
          SessionClosedEvent.TYPE,
          ErrorEvent.TYPE);

  private final ObjectMapper mapper;

  private EventCodec() {
    JsonFactory factory =
        JsonFactory.builder()
            // Agent audio and tool outputs can be large; nesting is bounded to stop hostile input.
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(256)
                    .build())
            .build();
    // A frame is one JSON object: anything after it makes the frame malformed (the fast path for
    // audio frames refuses it too, so both paths agree).
    this.mapper =
        new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  // ---------------------------------------------------------------------------------------------
  // Client events: encode (SDK side) and decode (test server side)

  /**
   * Encodes {@code input_audio_buffer.append} for {@code length} bytes of PCM as a UTF-8 text
   * frame.
   */
  public byte[] encodeAudioAppend(byte[] pcm, int offset, int length) {
    return encodeAudioFrame(APPEND_PREFIX, pcm, offset, length);
  }

  /** Encodes {@code output_audio.delta} (used by test servers) as a UTF-8 text frame. */
  public byte[] encodeAudioDelta(byte[] pcm, int offset, int length) {
    return encodeAudioFrame(DELTA_PREFIX, pcm, offset, length);
  }

  private static byte[] encodeAudioFrame(byte[] prefix, byte[] pcm, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, pcm.length);
    int b64Length = 4 * ((length + 2) / 3);
    byte[] frame = new byte[prefix.length + b64Length + SUFFIX.length];
    // The JDK's (intrinsified) encoder takes a whole source array and writes from index 0 of the
    // destination: encode into the frame itself, then slide the text behind the prefix
    // (arraycopy handles the overlap). The frame is the only allocation.
    byte[] source = offset == 0 && length == pcm.length ? pcm : RangeScratch.copy(pcm, offset,
        length);
    int written = BASE64.encode(source, frame);
    System.arraycopy(frame, 0, frame, prefix.length, written);
    System.arraycopy(prefix, 0, frame, 0, prefix.length);
    System.arraycopy(SUFFIX, 0, frame, prefix.length + written, SUFFIX.length);
    return frame;
  }

  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  /**
   * A per-thread array for encoding a range of a larger array (the JDK encoder only takes whole
   * arrays). Senders use one chunk size, so the array is reused; nothing is shared between
   * threads.
   */
  private static final class RangeScratch {
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    static byte[] copy(byte[] pcm, int offset, int length) {
      byte[] s = SCRATCH.get();
      if (s == null || s.length != length) {
        s = new byte[length];
        if (length <= 64 * 1024) {
          SCRATCH.set(s);
        }
      }
      System.arraycopy(pcm, offset, s, 0, length);
      return s;
    }
  }

  /** Encodes any client event as a UTF-8 JSON text frame. */
  public byte[] encode(ClientEvent event) {
    if (event instanceof InputAudioBufferAppendEvent append) {
      byte[] pcm = append.audioCopy();
      return encodeAudioAppend(pcm, 0, pcm.length);
    }
    ObjectNode node = mapper.createObjectNode();
    node.put("type", event.type());
    if (event instanceof InputTextSendEvent text) {
      node.put("text", text.text());
    } else if (event instanceof SessionUpdateEvent update) {
      var tools = node.putArray("tools");
      for (ToolDefinition tool : update.tools()) {
        ObjectNode t = tools.addObject();
        t.put("type", "function");
        t.put("name", tool.name());
        t.put("description", tool.description());
        t.set("parameters", parseObject(tool.parametersJson(), "tool parameters"));
        t.put("timeout_ms", tool.timeoutMillis());
        t.put("expectsResponse", tool.expectsResponse());
      }
    } else if (event instanceof FunctionCallResultEvent result) {
      node.put("call_id", result.callId());
      node.put("output", result.output());
    } else if (event instanceof UnknownClientEvent unknown) {
      return unknown.rawJson().getBytes(StandardCharsets.UTF_8);
    }
    // InputAudioBufferCommitEvent and SessionCloseEvent carry only their type.
    return writeBytes(node);
  }

  /**
   * Decodes a client frame (what a server receives). Unknown types become {@link
   * UnknownClientEvent}.
   *
   * @throws InvalidFrameException if the frame is not a JSON object or a known event is malformed
   */
  public ClientEvent decodeClient(byte[] utf8, int offset, int length) {
    TopLevelScan scan = TopLevelScan.scan(utf8, offset, length, AUDIO_KEY);
    if (scan != null && scan.typeEquals(APPEND_TYPE) && scan.valuePlain()) {
      return InputAudioBufferAppendEvent.wrapping(decodeBase64(utf8, scan, "?", length));
    }
    JsonNode node = readObject(utf8, offset, length);
    String type = text(node, "type");
    try {
      switch (type == null ? "" : type) {
        case InputAudioBufferAppendEvent.TYPE:
          return InputAudioBufferAppendEvent.wrapping(base64Field(node, "audio"));
        case InputAudioBufferCommitEvent.TYPE:
          return new InputAudioBufferCommitEvent();
        case InputTextSendEvent.TYPE:
          return new InputTextSendEvent(requiredText(node, "text"));
        case SessionUpdateEvent.TYPE:
          return new SessionUpdateEvent(tools(node));
        case FunctionCallResultEvent.TYPE:
          return new FunctionCallResultEvent(
              requiredText(node, "call_id"), requiredText(node, "output"));
        case SessionCloseEvent.TYPE:
          return new SessionCloseEvent();
        default:
          return new UnknownClientEvent(
              type == null ? "" : type, new String(utf8, offset, length, StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(type, length, "malformed " + type + " event: " + e.getMessage(), e);
    }
  }

  /** Decodes a client text frame. */
  public ClientEvent decodeClient(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return decodeClient(utf8, 0, utf8.length);
  }

  private List<ToolDefinition> tools(JsonNode node) {
    JsonNode array = node.get("tools");
    List<ToolDefinition> tools = new ArrayList<>();
    if (array == null || array.isNull()) {
      return tools;
    }
    if (!array.isArray()) {
      throw new IllegalArgumentException("tools must be an array");
    }
    for (JsonNode t : array) {
      ToolDefinition.Builder b = ToolDefinition.builder(requiredText(t, "name"));
      String description = text(t, "description");
      if (description != null) {
        b.description(description);
      }
      JsonNode params = t.get("parameters");
      if (params != null && params.isObject()) {
        b.parametersJson(params.toString());
      }
      JsonNode timeout = t.get("timeout_ms");
      if (timeout != null && timeout.canConvertToInt()) {
        b.timeoutMillis(timeout.intValue());
      }
      JsonNode expects = t.get("expectsResponse");
      if (expects != null && expects.isBoolean()) {
        b.expectsResponse(expects.booleanValue());
      }
      tools.add(b.build());
    }
    return tools;
  }

  // ---------------------------------------------------------------------------------------------
  // Server events: decode (SDK side) and encode (test server side)

  /**
   * Decodes a server text frame.
   *
   * @throws InvalidFrameException if the frame cannot be decoded; the session reports it and
   *     carries on
   */
  public ServerEvent decodeServer(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return decodeServer(utf8, 0, utf8.length);
  }

  /**
   * Decodes a server binary frame holding UTF-8 JSON. Invalid UTF-8 is refused.
   *
   * @throws InvalidFrameException if the frame cannot be decoded
   */
  public ServerEvent decodeServer(ByteBuffer utf8) {
    int length = utf8.remaining();
    try {
      // Validate UTF-8 strictly (a String conversion would silently replace bad bytes).
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(utf8.duplicate());
    } catch (CharacterCodingException e) {
      throw invalid(null, length, "binary frame is not valid UTF-8", e);
    }
    byte[] bytes;
    int offset;
    if (utf8.hasArray()) {
      bytes = utf8.array();
      offset = utf8.arrayOffset() + utf8.position();
    } else {
      bytes = new byte[length];
      utf8.duplicate().get(bytes);
      offset = 0;
    }
    return decodeServer(bytes, offset, length);
  }

  /**
   * Decodes a server frame held as UTF-8 bytes.
   *
   * @throws InvalidFrameException if the frame cannot be decoded
   */
  public ServerEvent decodeServer(byte[] utf8, int offset, int length) {
    byte[] canonical = canonicalDeltaAudio(utf8, offset, length);
    if (canonical != null) {
      return OutputAudioDeltaEvent.wrapping(canonical);
    }
    TopLevelScan scan = TopLevelScan.scan(utf8, offset, length, AUDIO_KEY);
    if (scan != null && scan.typeEquals(DELTA_TYPE) && scan.valuePlain()) {
      return OutputAudioDeltaEvent.wrapping(
          decodeBase64(utf8, scan, OutputAudioDeltaEvent.TYPE, length));
    }
    JsonNode node = readObject(utf8, offset, length);
    String type = text(node, "type");
    try {
      return decodeServerNode(node, type, utf8, offset, length);
    } catch (IllegalArgumentException e) {
      throw invalid(type, length, "malformed " + type + " event: " + e.getMessage(), e);
    }
  }

  private ServerEvent decodeServerNode(
      JsonNode node, String type, byte[] utf8, int offset, int length) {
    switch (type == null ? "" : type) {
      case SessionCreatedEvent.TYPE:
        return new SessionCreatedEvent(
            requiredText(node, "session_id"),
            text(node, "call_id"),
            intField(node, "sample_rate", 24_000),
            intField(node, "channels", 1));
      case OutputAudioDeltaEvent.TYPE:
        return OutputAudioDeltaEvent.wrapping(base64Field(node, "audio"));
      case AgentStartTalkingEvent.TYPE:
      case "agent.start_talking":
        return new AgentStartTalkingEvent(text(node, "timestamp"));
      case AgentStopTalkingEvent.TYPE:
      case "agent.stop_talking":
        return new AgentStopTalkingEvent(text(node, "timestamp"));
      case InterruptionEvent.TYPE:
        return new InterruptionEvent();
      case TranscriptDeltaEvent.TYPE:
      case "transcript_delta":
        {
          String role = text(node, "role");
          return new TranscriptDeltaEvent(Role.fromWire(role), role, textOrEmpty(node, "text"));
        }
      case TranscriptEvent.TYPE:
        {
          String role = text(node, "role");
          return new TranscriptEvent(Role.fromWire(role), role, textOrEmpty(node, "text"));
        }
      case SessionUpdatedEvent.TYPE:
        return new SessionUpdatedEvent(toolNames(node.get("tools")));
      case FunctionCallEvent.TYPE:
        {
          JsonNode args = node.get("arguments");
          String argsJson;
          if (args == null || args.isNull()) {
            argsJson = "{}";
          } else if (args.isObject()) {
            argsJson = args.toString();
          } else if (args.isTextual()) {
            // Tolerate arguments sent as a JSON string holding an object.
            argsJson = parseObject(args.textValue(), "arguments").toString();
          } else {
            throw new IllegalArgumentException("arguments must be a JSON object");
          }
          return new FunctionCallEvent(
              requiredText(node, "call_id"), requiredText(node, "name"), argsJson);
        }
      case SessionClosedEvent.TYPE:
        {
          String reason = text(node, "reason");
          return new SessionClosedEvent(reason == null ? "" : reason);
        }
      case ErrorEvent.TYPE:
        return decodeError(node);
      default:
        return new UnknownServerEvent(
            type == null ? "" : type, new String(utf8, offset, length, StandardCharsets.UTF_8));
    }
  }

  private static ErrorEvent decodeError(JsonNode node) {
    String code = scalarText(node.get("code"));
    String message = scalarText(node.get("message"));
    JsonNode nested = node.get("error");
    if (nested != null && nested.isObject()) {
      if (code == null) {
        code = scalarText(nested.get("code"));
      }
      if (message == null) {
        message = scalarText(nested.get("message"));
      }
    } else if (nested != null && nested.isTextual() && message == null) {
      message = nested.textValue();
    }
    return new ErrorEvent(code == null ? "unknown" : code, message == null ? "" : message);
  }

  private static List<String> toolNames(JsonNode tools) {
    List<String> names = new ArrayList<>();
    if (tools != null && tools.isArray()) {
      for (JsonNode t : tools) {
        if (t.isTextual()) {
          names.add(t.textValue());
        } else if (t.isObject() && t.get("name") != null && t.get("name").isTextual()) {
          names.add(t.get("name").textValue());
        }
      }
    }
    return names;
  }

  /** Encodes a server event as JSON text (used by test servers). */
  public String encodeServer(ServerEvent event) {
    if (event instanceof OutputAudioDeltaEvent delta) {
      byte[] pcm = delta.audioCopy();
      return new String(encodeAudioDelta(pcm, 0, pcm.length), StandardCharsets.US_ASCII);
    }
    if (event instanceof UnknownServerEvent unknown) {
      return unknown.rawJson();
    }
    ObjectNode node = mapper.createObjectNode();
    node.put("type", event.type());
    if (event instanceof SessionCreatedEvent e) {
      node.put("session_id", e.sessionId());
      node.put("call_id", e.callId());
      node.put("sample_rate", e.sampleRateHz());
      node.put("channels", e.channels());
    } else if (event instanceof AgentStartTalkingEvent e) {
      putIfNotNull(node, "timestamp", e.timestamp());
    } else if (event instanceof AgentStopTalkingEvent e) {
      putIfNotNull(node, "timestamp", e.timestamp());
    } else if (event instanceof TranscriptDeltaEvent e) {
      node.put("role", e.rawRole() != null ? e.rawRole() : e.role().wireName());
      node.put("text", e.text());
    } else if (event instanceof TranscriptEvent e) {
      node.put("role", e.rawRole() != null ? e.rawRole() : e.role().wireName());
      node.put("text", e.text());
    } else if (event instanceof SessionUpdatedEvent e) {
      var tools = node.putArray("tools");
      e.tools().forEach(tools::add);
    } else if (event instanceof FunctionCallEvent e) {
      node.put("call_id", e.callId());
      node.put("name", e.name());
      node.set("arguments", parseObject(e.argumentsJson(), "arguments"));
    } else if (event instanceof SessionClosedEvent e) {
      node.put("reason", e.reason());
    } else if (event instanceof ErrorEvent e) {
      node.put("code", e.code());
      node.put("message", e.message());
    }
    return new String(writeBytes(node), StandardCharsets.UTF_8);
  }

  /** Builds a JSON object text from a map (used by test servers to script raw frames). */
  public String toJson(Map<String, ?> fields) {
    try {
      return mapper.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Serialises prompt variables as a JSON object (for the {@code variables} query parameter). */
  public String variablesJson(Map<String, Object> variables) {
    return toJson(variables);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private byte[] writeBytes(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      mapper.writeTree(gen, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private JsonNode parseObject(String json, String what) {
    try {
      JsonNode node = mapper.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private JsonNode readObject(byte[] utf8, int offset, int length) {
    JsonNode node;
    try {
      node = mapper.readTree(utf8, offset, length);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : "";
      throw invalid(null, length, "frame is not valid JSON: " + firstLine(detail), e);
    }
    if (node == null || !node.isObject()) {
      throw invalid(null, length, "frame is not a JSON object", null);
    }
    return node;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  /**
   * The PCM of a delta frame in the exact form servers send, {@code
   * {"type":"output_audio.delta","audio":"<base64>"}}, or null for any other frame. The value is
   * not scanned first: the base64 decoder rejects every byte outside its alphabet (quotes,
   * backslashes, control and non-ASCII bytes), so if the bytes between the prefix and the final
   * {@code "}} decode, they are the whole string and the frame is exactly that object. Anything
   * else (other key order, whitespace, extra keys, bad base64) returns null and takes the general
   * path, which also produces the error.
   */
  private static byte[] canonicalDeltaAudio(byte[] utf8, int offset, int length) {
    int end = offset + length;
    int start = offset + DELTA_PREFIX.length;
    if (length < DELTA_PREFIX.length + SUFFIX.length
        || utf8[end - 1] != '}' || utf8[end - 2] != '"'
        || !Arrays.equals(utf8, offset, start, DELTA_PREFIX, 0, DELTA_PREFIX.length)) {
      return null;
    }
    try {
      ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(utf8, start, end - 2 - start));
      return decoded.remaining() == decoded.array().length ? decoded.array()
          : Arrays.copyOfRange(decoded.array(), decoded.arrayOffset() + decoded.position(),
              decoded.arrayOffset() + decoded.limit());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] decodeBase64(byte[] utf8, TopLevelScan scan, String type, int length) {
    try {
      ByteBuffer decoded =
          Base64.getDecoder()
              .decode(ByteBuffer.wrap(utf8, scan.valueStart, scan.valueEnd - scan.valueStart));
      if (decoded.arrayOffset() == 0
          && decoded.position() == 0
          && decoded.remaining() == decoded.array().length) {
        return decoded.array();
      }
      byte[] out = new byte[decoded.remaining()];
      decoded.get(out);
      return out;
    } catch (IllegalArgumentException e) {
      throw invalid(type, length, "audio is not valid base64: " + e.getMessage(), e);
    }
  }

  private static byte[] base64Field(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a base64 string");
    }
    try {
      return Base64.getDecoder().decode(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + field + "' is not valid base64: " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String textOrEmpty(JsonNode node, String field) {
    String value = text(node, field);
    return value == null ? "" : value;
  }

  private static String scalarText(JsonNode value) {
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      return value.asText();
    }
    throw new IllegalArgumentException("'" + field + "' must be a string");
  }

  private static int intField(JsonNode node, String field, int defaultValue) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    if (value.canConvertToInt() && value.isIntegralNumber()) {
      return value.intValue();
    }
    if (value.isTextual()) {
      try {
        return Integer.parseInt(value.textValue().trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("'" + field + "' must be an integer");
  }

  private static void putIfNotNull(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static InvalidFrameException invalid(
      String type, int length, String message, Throwable cause) {
    String where = type == null ? "" : " (type " + type + ")";
    return new InvalidFrameException(
        message + where + ", frame of " + length + " bytes", type, length, withoutInput(cause));
  }

  /**
   * The cause to report, holding no reference to the frame. Jackson's exceptions keep the parser
   * that threw them, and the parser keeps the whole input it was given: an application that keeps
   * the report (a log, a list of errors) would pin a frame of any size. They are replaced by a
   * plain copy with the same message and stack trace.
   */
  private static Throwable withoutInput(Throwable cause) {
    if (cause instanceof JsonProcessingException jpe) {
      Throwable copy =
          new IOException(
              jpe.getClass().getName() + ": " + jpe.getOriginalMessage(),
              withoutInput(jpe.getCause()));
      copy.setStackTrace(jpe.getStackTrace());
      return copy;
    }
    if (cause instanceof IllegalArgumentException iae
        && iae.getCause() instanceof JsonProcessingException) {
      Throwable copy = new IllegalArgumentException(iae.getMessage(), withoutInput(iae.getCause()));
      copy.setStackTrace(iae.getStackTrace());
      return copy;
    }
    return cause;
  }
}
