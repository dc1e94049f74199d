package dev.atomsrealtime.tools;

/**
 * Runs one client tool: takes the call's arguments (a JSON tree, or bound to a class with
 * Jackson) and returns the output the agent gets. Runs on the tool executor ({@link
 * ClientTools.Builder#executor}), never on a socket or listener thread, so it may block; it is
 * interrupted when its deadline passes or the session ends, and should then stop.
 *
 * @param <A> the type the arguments are bound to
 */
@FunctionalInterface
public interface ToolHandler<A> {

  /**
   * Runs the tool.
   *
   * @param arguments the call's arguments
   * @param call the call (its id, tool name and raw arguments)
   * @return the output: a {@link String} is sent as it is; any other value is written as JSON
   *     (a record, a map, a {@code JsonNode}, a number); null is sent as {@code null}
   * @throws Exception any failure, which the agent gets as an error output ({@link ClientTools})
   */
  Object handle(A arguments, ToolCall call) throws Exception;
}
