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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The JSON plumbing of the codec: one configured {@link ObjectMapper}, reading a frame into a tree,
 * writing a tree as UTF-8, the tolerant field accessors the wire table's decoders use, and the
 * {@link InvalidFrameException} reports. Base64 is always {@code java.util.Base64}, never Jackson's.
 *
 * <p>Thread-safe: the mapper is configured once and only used for reading and writing trees.
 */
final class CodecJson {
  private static final ObjectMapper MAPPER = newMapper();

  private CodecJson() {}

  private static ObjectMapper newMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            // Agent audio and tool outputs can be large; nesting is bounded to stop hostile input.
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(256)
                    .build())
            .build();
    // A frame is one JSON object: anything after it makes the frame malformed (the audio fast
    // path refuses it too, so both paths agree).
    return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** A new object node whose first field is {@code type}. */
  static ObjectNode newFrame(String type) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", type);
    return node;
  }

  /**
   * Reads a frame that must be one JSON object.
   *
   * @throws InvalidFrameException if it is not valid JSON or not an object
   */
  static JsonNode readObject(byte[] utf8, int offset, int length) {
    // Jackson decodes a field name only the first time it meets it: its name cache pads a name's
    // last four bytes with 0xFF, so a name holding invalid 0xFF bytes can match one seen before
    // and never be decoded. Validating first keeps "invalid UTF-8 is refused" true.
    if (!isValidUtf8(ByteBuffer.wrap(utf8, offset, length))) {
      throw invalid(null, length, "frame is not valid UTF-8", null);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(utf8, offset, length);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : "";
      throw invalid(null, length, "frame is not valid JSON: " + firstLine(detail), e);
    }
    if (node == null || !node.isObject()) {
      throw invalid(null, length, "frame is not a JSON object", null);
    }
    return node;
  }

  /** Whether the remaining bytes of {@code utf8} are strictly valid UTF-8 (its position kept). */
  static boolean isValidUtf8(ByteBuffer utf8) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(utf8.duplicate());
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Parses a JSON object held in a string (tool parameters, function arguments).
   *
   * @throws IllegalArgumentException if it is not valid JSON or not an object
   */
  static JsonNode parseObject(String json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a tree as UTF-8 JSON. */
  static byte[] writeBytes(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
      MAPPER.writeTree(gen, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes a map of plain values as a JSON object. */
  static String toJson(Map<String, ?> fields) {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode as JSON: " + e.getOriginalMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tolerant field access: a decoder throws IllegalArgumentException for a malformed event

  /** The field's text, or null when it is missing or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  static String textOrEmpty(JsonNode node, String field) {
    String value = text(node, field);
    return value == null ? "" : value;
  }

  /** A scalar's text (numbers and booleans as written), or null for null, missing or containers. */
  static String scalarText(JsonNode value) {
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  /** A string (or a number, as text) that must be present. */
  static String requiredText(JsonNode node, String field) {
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

  /** An integer, also accepted as a string of digits; {@code defaultValue} when missing. */
  static int intField(JsonNode node, String field, int defaultValue) {
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

  /** A base64 string decoded with {@code java.util.Base64}. */
  static byte[] base64Field(JsonNode node, String field) {
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

  static void putIfNotNull(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  /** A report naming the type (when known) and the frame's size, never its content. */
  static InvalidFrameException invalid(String type, int length, String message, Throwable cause) {
    String where = type == null ? "" : " (type " + type + ")";
    return new InvalidFrameException(
        message + where + ", frame of " + length + " bytes", type, length, withoutInput(cause));
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
