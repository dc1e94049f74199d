package dev.atomsrealtime.audio;

/** How the microphone and the speaker share the conversation (echo strategy). */
public enum Duplex {
  /**
   * Microphone always live. Use with a headset or platform echo cancellation; otherwise the agent
   * hears itself and interrupts itself.
   */
  FULL,
  /**
   * Microphone gated from {@code agent_start_talking} until local playback has drained plus a
   * short tail; silence is sent meanwhile. Barge-in by voice is not possible while the agent
   * speaks. Use on open speakers without echo cancellation.
   */
  HALF
}
