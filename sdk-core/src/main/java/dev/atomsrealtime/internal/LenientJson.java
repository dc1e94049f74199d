package dev.atomsrealtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The JSON mapper of the REST client and the tool runtime: unknown properties are ignored (the
 * service adds fields over time), so responses and tool arguments bind to the parts a class
 * declares. Thread-safe: configured once.
 */
public final class LenientJson {
  /** The shared mapper; do not reconfigure it. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private LenientJson() {}

  /** {@code text} as a tree, or a missing node if it is empty or not JSON. */
  public static JsonNode readOrMissing(String text) {
    if (text == null || text.trim().isEmpty()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MissingNode.getInstance() : node;
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  /** {@code node}'s text if it is a value node, else null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : null;
  }
}
