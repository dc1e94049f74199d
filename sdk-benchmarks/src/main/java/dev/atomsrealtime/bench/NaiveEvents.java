package dev.atomsrealtime.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The records a user writes for the audio events when binding JSON with Jackson by hand, audio as
 * a base64 {@code String} (the shape platform guides show).
 */
final class NaiveEvents {
  private NaiveEvents() {}

  @JsonPropertyOrder({"type", "audio"})
  record AppendEvent(String type, String audio) {}

  @JsonPropertyOrder({"type", "audio"})
  record DeltaEvent(String type, String audio) {}
}
