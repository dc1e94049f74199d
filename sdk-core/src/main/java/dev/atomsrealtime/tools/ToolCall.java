package dev.atomsrealtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;

/** One {@code function_call} a handler answers. Immutable. */
public final class ToolCall {
  private final String callId;
  private final String name;
  private final JsonNode arguments;
  private final Duration deadline;

  /**
   * @param callId the call's id
   * @param name the tool's name
   * @param arguments the arguments as the agent sent them
   * @param deadline how long the handler has, from the call's arrival
   */
  public ToolCall(String callId, String name, JsonNode arguments, Duration deadline) {
    this.callId = Objects.requireNonNull(callId, "callId");
    this.name = Objects.requireNonNull(name, "name");
    this.arguments = Objects.requireNonNull(arguments, "arguments").deepCopy();
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /**
   * The id the result answers.
   *
   * @return the call id
   */
  public String callId() {
    return callId;
  }

  /**
   * The tool's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The arguments as the agent sent them.
   *
   * @return a copy of the JSON object
   */
  public JsonNode arguments() {
    return arguments.deepCopy();
  }

  /**
   * How long the handler has, counted from the call's arrival: the tool's {@code timeout_ms}
   * less the margin ({@link ClientTools.Builder#deadlineMargin}). After it the agent gets a
   * {@link ToolErrorType#TIMEOUT} output and the handler is interrupted.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "ToolCall[callId=" + callId + ", name=" + name + "]";
  }
}
