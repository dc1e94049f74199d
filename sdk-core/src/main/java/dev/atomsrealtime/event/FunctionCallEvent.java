package dev.atomsrealtime.event;

/**
 * {@code function_call}: the agent calls a client tool. Run it off the listener thread if it is
 * slow, and answer with {@code sendFunctionResult(callId, output)} before the tool's timeout.
 *
 * @param callId the id to answer with
 * @param name the tool name
 * @param argumentsJson the arguments, a JSON object as text ({@code {}} when absent)
 */
public record FunctionCallEvent(String callId, String name, String argumentsJson)
    implements ServerEvent {
  /** The wire {@code type} of this event, {@code "function_call"}. */
  public static final String TYPE = "function_call";

  @Override
  public String type() {
    return TYPE;
  }
}
