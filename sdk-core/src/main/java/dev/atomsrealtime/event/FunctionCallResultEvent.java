package dev.atomsrealtime.event;

/**
 * {@code function_call.result}: the answer to a {@link FunctionCallEvent}.
 *
 * @param callId the {@code call_id} of the call being answered
 * @param output the result, at most 65536 bytes of UTF-8
 */
public record FunctionCallResultEvent(String callId, String output) implements ClientEvent {
  /** The wire {@code type} of this event, {@code "function_call.result"}. */
  public static final String TYPE = "function_call.result";

  /** The largest output the server accepts, in UTF-8 bytes. */
  public static final int MAX_OUTPUT_BYTES = 65_536;

  @Override
  public String type() {
    return TYPE;
  }
}
