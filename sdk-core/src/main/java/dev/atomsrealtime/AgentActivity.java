package dev.atomsrealtime;

/**
 * Whether the agent is speaking, as the user experiences it: from the moment a reply starts
 * ({@code agent_start_talking}, or its first audio) until it is over for the listener. A reply is
 * over when the server said the agent stopped and the attached speaker has played everything it
 * was given, or at once when the user interrupts or the connection is lost. Without attached
 * audio, {@code agent_start_talking} and {@code agent_stop_talking} alone decide.
 *
 * <p>One component of the session owns this state; the half-duplex microphone gate and the turn
 * latency metrics read it from there. Observe it with {@link AtomsSession#agentActivity()} and
 * {@link SessionListener#onAgentActivityChanged}.
 */
public enum AgentActivity {
  /** The agent is silent: the user has the floor. */
  LISTENING,
  /** The agent is speaking: a reply is being received or played. */
  AGENT_SPEAKING
}
