package dev.atomsrealtime.examples.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON messages of a telephony media stream in the form Twilio Media Streams documents (and
 * other providers copy): from the phone side {@code connected}, {@code start} (with {@code
 * streamSid}, {@code mediaFormat} and {@code customParameters}), {@code media} (base64 audio),
 * {@code mark} (a mark we sent has been played), {@code dtmf} and {@code stop}; to it {@code
 * media}, {@code mark} and {@code clear}. Parsing is lenient: unknown fields and events are
 * ignored.
 */
final class MediaStreamMessages {
  static final ObjectMapper JSON = new ObjectMapper();

  private MediaStreamMessages() {}

  /** A parsed message from the phone side; {@code event} is empty when the text is not JSON. */
  record Inbound(String event, JsonNode root) {
    String streamSid() {
      JsonNode sid = root.path("streamSid");
      return sid.isTextual() ? sid.asText() : root.path("start").path("streamSid").asText("");
    }

    /** {@code media.payload} decoded; empty if absent or not base64. */
    byte[] payload() {
      try {
        return Base64.getDecoder().decode(root.path("media").path("payload").asText(""));
      } catch (IllegalArgumentException e) {
        return new byte[0];
      }
    }

    /** Whether the media is the caller's side (a stream with both tracks also sends ours). */
    boolean inboundTrack() {
      String track = root.path("media").path("track").asText("inbound");
      return track.isEmpty() || track.equals("inbound") || track.equals("inbound_track");
    }

    String markName() {
      return root.path("mark").path("name").asText("");
    }

    /** {@code start.mediaFormat.encoding}, e.g. {@code audio/x-mulaw}. */
    String encoding() {
      return root.path("start").path("mediaFormat").path("encoding").asText("audio/x-mulaw");
    }

    int sampleRateHz() {
      return root.path("start").path("mediaFormat").path("sampleRate").asInt(8000);
    }

    /** {@code start.customParameters} as prompt variables (strings, numbers, booleans). */
    Map<String, Object> customParameters() {
      Map<String, Object> out = new LinkedHashMap<>();
      root.path("start").path("customParameters").fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        if (v.isNumber()) {
          out.put(e.getKey(), v.numberValue());
        } else if (v.isBoolean()) {
          out.put(e.getKey(), v.booleanValue());
        } else if (v.isValueNode()) {
          out.put(e.getKey(), v.asText());
        }
      });
      return out;
    }
  }

  static Inbound parse(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      return new Inbound(root.path("event").asText(""), root);
    } catch (java.io.IOException | RuntimeException e) {
      return new Inbound("", JSON.createObjectNode());
    }
  }

  static String media(String streamSid, byte[] audio, int length) {
    ObjectNode m = JSON.createObjectNode();
    m.put("event", "media");
    m.put("streamSid", streamSid);
    byte[] exact = length == audio.length ? audio : java.util.Arrays.copyOf(audio, length);
    m.putObject("media").put("payload", Base64.getEncoder().encodeToString(exact));
    return m.toString();
  }

  static String mark(String streamSid, String name) {
    ObjectNode m = JSON.createObjectNode();
    m.put("event", "mark");
    m.put("streamSid", streamSid);
    m.putObject("mark").put("name", name);
    return m.toString();
  }

  static String clear(String streamSid) {
    ObjectNode m = JSON.createObjectNode();
    m.put("event", "clear");
    m.put("streamSid", streamSid);
    return m.toString();
  }
}
