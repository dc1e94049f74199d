package dev.atomsrealtime.internal;

import static dev.atomsrealtime.internal.CodecJson.base64Field;
import static dev.atomsrealtime.internal.CodecJson.intField;
import static dev.atomsrealtime.internal.CodecJson.parseObject;
import static dev.atomsrealtime.internal.CodecJson.putIfNotNull;
import static dev.atomsrealtime.internal.CodecJson.requiredText;
import static dev.atomsrealtime.internal.CodecJson.scalarText;
import static dev.atomsrealtime.internal.CodecJson.text;
import static dev.atomsrealtime.internal.CodecJson.textOrEmpty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every wire type the codec knows, one row each: the event class, the wire name, the other
 * spellings accepted on decode, how to decode it from the frame's JSON object and how to encode it.
 * Adding an event is adding its record to {@code ServerEvent} or {@code ClientEvent} and one row
 * here (a test checks that the permitted subclasses and the rows match). Types not in a table
 * decode to the unknown event of that side, which keeps the raw JSON.
 *
 * <p>Thread-safe: the tables are immutable.
 */
final class WireTypes {
  private WireTypes() {}

  /** Decodes an event from its frame's JSON object; IllegalArgumentException when malformed. */
  @FunctionalInterface
  interface Decoder<E> {
    E decode(JsonNode frame);
  }

  /** Encodes an event as a UTF-8 JSON frame whose {@code type} is the row's wire name. */
  @FunctionalInterface
  interface Encoder<E> {
    byte[] encode(E event, String wireName);
  }

  /** Writes an event's fields into its frame, whose {@code type} is already written. */
  @FunctionalInterface
  interface Fields<E> {
    void write(E event, ObjectNode frame);
  }

  /** One wire type. */
  record Row<E>(
      Class<E> javaType,
      String wireName,
      List<String> aliases,
      Decoder<? extends E> decoder,
      Encoder<E> encoder) {

    /** Encodes {@code event}, which must be a {@link #javaType}. */
    byte[] encodeEvent(Object event) {
      return encoder.encode(javaType.cast(event), wireName);
    }
  }

  static final Table<ServerEvent> SERVER =
      new Table<>(
          row(SessionCreatedEvent.class, SessionCreatedEvent.TYPE, Collections.<String>emptyList(),
              n -> new SessionCreatedEvent(requiredText(n, "session_id"), text(n, "call_id"),
                  intField(n, "sample_rate", 24_000), intField(n, "channels", 1)),
              fields((e, n) -> n.put("session_id", e.sessionId()).put("call_id", e.callId())
                  .put("sample_rate", e.sampleRateHz()).put("channels", e.channels()))),
          row(OutputAudioDeltaEvent.class, OutputAudioDeltaEvent.TYPE, Collections.<String>emptyList(),
              n -> OutputAudioDeltaEvent.wrapping(base64Field(n, "audio")),
              (e, type) -> audioFrame(AudioFrames.DELTA, e.audioCopy())),
          row(AgentStartTalkingEvent.class, AgentStartTalkingEvent.TYPE,
              Collections.singletonList("agent.start_talking"),
              n -> new AgentStartTalkingEvent(text(n, "timestamp")),
              fields((e, n) -> putIfNotNull(n, "timestamp", e.timestamp()))),
          row(AgentStopTalkingEvent.class, AgentStopTalkingEvent.TYPE,
              Collections.singletonList("agent.stop_talking"),
              n -> new AgentStopTalkingEvent(text(n, "timestamp")),
              fields((e, n) -> putIfNotNull(n, "timestamp", e.timestamp()))),
          row(InterruptionEvent.class, InterruptionEvent.TYPE, Collections.<String>emptyList(),
              n -> new InterruptionEvent(), fields((e, n) -> { })),
          row(TranscriptDeltaEvent.class, TranscriptDeltaEvent.TYPE, Collections.singletonList("transcript_delta"),
              n -> new TranscriptDeltaEvent(Role.fromWire(text(n, "role")), text(n, "role"),
                  textOrEmpty(n, "text")),
              fields((e, n) -> writeTurn(n, e.role(), e.rawRole(), e.text()))),
          row(TranscriptEvent.class, TranscriptEvent.TYPE, Collections.<String>emptyList(),
              n -> new TranscriptEvent(Role.fromWire(text(n, "role")), text(n, "role"),
                  textOrEmpty(n, "text")),
              fields((e, n) -> writeTurn(n, e.role(), e.rawRole(), e.text()))),
          row(SessionUpdatedEvent.class, SessionUpdatedEvent.TYPE, Collections.<String>emptyList(),
              n -> new SessionUpdatedEvent(toolNames(n.get("tools"))),
              fields((e, n) -> e.tools().forEach(n.putArray("tools")::add))),
          row(FunctionCallEvent.class, FunctionCallEvent.TYPE, Collections.<String>emptyList(),
              n -> new FunctionCallEvent(requiredText(n, "call_id"), requiredText(n, "name"),
                  argumentsJson(n.get("arguments"))),
              fields((e, n) -> n.put("call_id", e.callId()).put("name", e.name())
                  .set("arguments", parseObject(e.argumentsJson(), "arguments")))),
          row(SessionClosedEvent.class, SessionClosedEvent.TYPE, Collections.<String>emptyList(),
              n -> new SessionClosedEvent(textOrEmpty(n, "reason")),
              fields((e, n) -> n.put("reason", e.reason()))),
          row(ErrorEvent.class, ErrorEvent.TYPE, Collections.<String>emptyList(),
              WireTypes::decodeError,
              fields((e, n) -> n.put("code", e.code()).put("message", e.message()))));

  static final Table<ClientEvent> CLIENT =
      new Table<>(
          row(InputAudioBufferAppendEvent.class, InputAudioBufferAppendEvent.TYPE, Collections.<String>emptyList(),
              n -> InputAudioBufferAppendEvent.wrapping(base64Field(n, "audio")),
              (e, type) -> audioFrame(AudioFrames.APPEND, e.audioCopy())),
          row(InputAudioBufferCommitEvent.class, InputAudioBufferCommitEvent.TYPE, Collections.<String>emptyList(),
              n -> new InputAudioBufferCommitEvent(), fields((e, n) -> { })),
          row(InputTextSendEvent.class, InputTextSendEvent.TYPE, Collections.<String>emptyList(),
              n -> new InputTextSendEvent(requiredText(n, "text")),
              fields((e, n) -> n.put("text", e.text()))),
          row(SessionUpdateEvent.class, SessionUpdateEvent.TYPE, Collections.<String>emptyList(),
              n -> new SessionUpdateEvent(tools(n.get("tools"))),
              fields((e, n) -> writeTools(n, e.tools()))),
          row(FunctionCallResultEvent.class, FunctionCallResultEvent.TYPE, Collections.<String>emptyList(),
              n -> new FunctionCallResultEvent(requiredText(n, "call_id"),
                  requiredText(n, "output")),
              fields((e, n) -> n.put("call_id", e.callId()).put("output", e.output()))),
          row(SessionCloseEvent.class, SessionCloseEvent.TYPE, Collections.<String>emptyList(),
              n -> new SessionCloseEvent(), fields((e, n) -> { })));

  /** The rows of one direction, looked up by wire name (aliases included) and by class. */
  static final class Table<T> {
    private final List<Row<? extends T>> rows;
    private final Map<String, Row<? extends T>> byWireName = new LinkedHashMap<>();
    private final Map<Class<?>, Row<? extends T>> byClass = new LinkedHashMap<>();

    @SafeVarargs
    Table(Row<? extends T>... rows) {
      this.rows = Collections.unmodifiableList(Arrays.asList(rows.clone()));
      for (Row<? extends T> row : rows) {
        if (byClass.put(row.javaType(), row) != null) {
          throw new IllegalStateException("two rows for " + row.javaType());
        }
        for (String name : names(row)) {
          if (byWireName.put(name, row) != null) {
            throw new IllegalStateException("two rows for the wire name " + name);
          }
        }
      }
    }

    private static List<String> names(Row<?> row) {
      List<String> names = new ArrayList<>(row.aliases());
      names.add(0, row.wireName());
      return names;
    }

    List<Row<? extends T>> rows() {
      return rows;
    }

    /** The row of a wire name or alias, or null for a type this table does not know. */
    Row<? extends T> forWireName(String type) {
      return byWireName.get(type);
    }

    /** The row of an event's class, or null (the unknown event). */
    Row<? extends T> forClass(Class<?> javaType) {
      return byClass.get(javaType);
    }

    /** Every wire name and alias. */
    Set<String> wireNames() {
      return Collections.unmodifiableSet(new LinkedHashSet<>(byWireName.keySet()));
    }
  }

  private static <E> Row<E> row(Class<E> javaType, String wireName, List<String> aliases,
      Decoder<? extends E> decoder, Encoder<E> encoder) {
    return new Row<>(javaType, wireName, aliases, decoder, encoder);
  }

  /** An encoder writing {@code type} and then the event's fields. */
  private static <E> Encoder<E> fields(Fields<E> fields) {
    return (event, wireName) -> {
      ObjectNode frame = CodecJson.newFrame(wireName);
      fields.write(event, frame);
      return CodecJson.writeBytes(frame);
    };
  }

  private static byte[] audioFrame(AudioFrames kind, byte[] pcm) {
    return kind.encode(pcm, 0, pcm.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Fields shared by several rows, or too long for one

  private static void writeTurn(ObjectNode frame, Role role, String rawRole, String text) {
    frame.put("role", rawRole != null ? rawRole : role.wireName());
    frame.put("text", text);
  }

  private static ErrorEvent decodeError(JsonNode frame) {
    String code = scalarText(frame.get("code"));
    String message = scalarText(frame.get("message"));
    JsonNode nested = frame.get("error");
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

  /** Function arguments: an object, or a string holding one (tolerated); none is {@code {}}. */
  private static String argumentsJson(JsonNode args) {
    if (args == null || args.isNull()) {
      return "{}";
    }
    if (args.isObject()) {
      return args.toString();
    }
    if (args.isTextual()) {
      return parseObject(args.textValue(), "arguments").toString();
    }
    throw new IllegalArgumentException("arguments must be a JSON object");
  }

  /** Tool names acknowledged by {@code session.updated}: strings, or objects with a name. */
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

  private static void writeTools(ObjectNode frame, List<ToolDefinition> tools) {
    var array = frame.putArray("tools");
    for (ToolDefinition tool : tools) {
      ObjectNode t = array.addObject();
      t.put("type", "function");
      t.put("name", tool.name());
      t.put("description", tool.description());
      t.set("parameters", parseObject(tool.parametersJson(), "tool parameters"));
      t.put("timeout_ms", tool.timeoutMillis());
      t.put("expectsResponse", tool.expectsResponse());
    }
  }

  private static List<ToolDefinition> tools(JsonNode array) {
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
}
