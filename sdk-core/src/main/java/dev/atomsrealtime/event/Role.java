package dev.atomsrealtime.event;

import java.util.Locale;

/** Who spoke a transcript: the user or the agent. */
public enum Role {
  /** The person talking to the agent. */
  USER,
  /** The agent; the wire calls it {@code assistant} or {@code agent}. */
  AGENT,
  /** A role this SDK does not know; the event keeps the wire text in {@code rawRole}. */
  UNKNOWN;

  /**
   * Maps a wire role ({@code user}, {@code assistant}, {@code agent}) to a {@code Role}.
   *
   * @param wire the role as sent on the wire
   * @return the role
   */
  public static Role fromWire(String wire) {
    if (wire == null) {
      return UNKNOWN;
    }
    switch (wire.toLowerCase(Locale.ROOT)) {
      case "user":
        return USER;
      case "assistant":
      case "agent":
        return AGENT;
      default:
        return UNKNOWN;
    }
  }

  /** {@return the wire spelling this SDK sends for the role ({@code user} or {@code assistant})} */
  public String wireName() {
    return this == USER ? "user" : this == AGENT ? "assistant" : "unknown";
  }
}
