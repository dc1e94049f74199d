package dev.atomsrealtime.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atomsrealtime.event.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Client tools with their handlers: declare them with {@code AtomsSession.declareTools(tools)}
 * and the session answers every {@code function_call} itself.
 *
 * <pre>{@code
 * record Order(String orderId) {}
 *
 * ClientTools tools = ClientTools.builder()
 *     .tool(ToolDefinition.builder("lookup_order")
 *             .description("Look up an order by id.")
 *             .parametersJson("{\"type\":\"object\",\"properties\":"
 *                 + "{\"orderId\":{\"type\":\"string\"}},\"required\":[\"orderId\"]}")
 *             .timeoutMillis(5_000)
 *             .build(),
 *         Order.class, (order, call) -> orders.status(order.orderId()))
 *     .build();
 * session.declareTools(tools).toCompletableFuture().join(); // the server acknowledged them
 * }</pre>
 *
 * <h2>What the session does with a call</h2>
 *
 * <ol>
 *   <li>Binds the arguments (a JSON object) to the handler's argument class with Jackson (unknown
 *       fields ignored), or hands the tree itself ({@code JsonNode}).
 *   <li>Runs the handler on the {@linkplain Builder#executor executor} (by default the client's
 *       blocking pool, {@code atoms-blocking-N}), never on a socket or listener thread.
 *   <li>Answers with {@code function_call.result} before the tool's {@code timeout_ms}: the
 *       handler has the timeout less a {@linkplain Builder#deadlineMargin margin}, timed on the
 *       client's scheduler and clock. Late, it is interrupted and the agent gets an error output.
 *   <li>For a tool declared with {@code expectsResponse(false)} the handler runs and nothing is
 *       sent.
 * </ol>
 *
 * <p>A handler that throws, runs out of time, is missing (the agent called a tool not in this set,
 * such as one configured on the dashboard), cannot bind the arguments, or returns more than 65,536
 * UTF-8 bytes produces an error output instead, in one shape ({@link ToolErrorType}):
 *
 * <pre>{@code
 * {"error": {"type": "timeout", "tool": "lookup_order", "message": "no result within 4500 ms"}}
 * }</pre>
 *
 * <p>An oversized output is never sent. A call whose connection ends before it is answered (the
 * session closes or reconnects: the server session that asked is gone) has its handler interrupted
 * and gets no answer. Each call and each failure is logged (tool name and call id, never the
 * arguments or outputs). The set is immutable and may serve any number of sessions.
 */
public final class ClientTools {
  /** The default margin kept between a handler's deadline and the tool's timeout. */
  public static final Duration DEFAULT_DEADLINE_MARGIN = Duration.ofMillis(500);

  private final Map<String, Tool> tools;
  private final Executor executor;
  private final Duration deadlineMargin;

  private ClientTools(Builder b) {
    this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(b.tools));
    this.executor = b.executor;
    this.deadlineMargin = b.deadlineMargin;
  }

  /**
   * A builder for a tool set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The definitions, in the order added: what {@code session.update} declares.
   *
   * @return the definitions, unmodifiable
   */
  public List<ToolDefinition> definitions() {
    List<ToolDefinition> out = new ArrayList<>();
    for (Tool t : tools.values()) {
      out.add(t.definition());
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The tool named {@code name}.
   *
   * @param name a tool name
   * @return the tool, or null if none has that name
   */
  public Tool tool(String name) {
    return tools.get(name);
  }

  /**
   * Where handlers run.
   *
   * @return the executor, or null for the client's blocking pool
   */
  public Executor executor() {
    return executor;
  }

  /**
   * How long before a tool's timeout its handler's deadline falls.
   *
   * @return the margin
   */
  public Duration deadlineMargin() {
    return deadlineMargin;
  }

  /**
   * The deadline of a handler of {@code definition}: its timeout less the margin, but at least
   * half the timeout.
   *
   * @param definition a tool's definition
   * @return the deadline, from the call's arrival
   */
  public Duration deadlineOf(ToolDefinition definition) {
    long timeout = definition.timeoutMillis();
    return Duration.ofMillis(Math.max(timeout / 2, timeout - deadlineMargin.toMillis()));
  }

  @Override
  public String toString() {
    return "ClientTools" + tools.keySet();
  }

  /** One registered tool: its definition, the class its arguments bind to, and its handler. */
  public static final class Tool {
    private final ToolDefinition definition;
    private final Class<?> argumentType;
    private final ToolHandler<Object> handler;

    @SuppressWarnings("unchecked")
    private Tool(ToolDefinition definition, Class<?> argumentType, ToolHandler<?> handler) {
      this.definition = definition;
      this.argumentType = argumentType;
      this.handler = (ToolHandler<Object>) handler;
    }

    /**
     * The definition.
     *
     * @return the definition
     */
    public ToolDefinition definition() {
      return definition;
    }

    /**
     * The class the arguments are bound to ({@code JsonNode} for the tree itself).
     *
     * @return the class
     */
    public Class<?> argumentType() {
      return argumentType;
    }

    /**
     * The handler, taking arguments of {@link #argumentType()}.
     *
     * @return the handler
     */
    public ToolHandler<Object> handler() {
      return handler;
    }
  }

  /** Builder for {@link ClientTools}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private Executor executor;
    private Duration deadlineMargin = DEFAULT_DEADLINE_MARGIN;

    private Builder() {}

    /**
     * Adds a tool whose handler takes the arguments as a JSON tree.
     *
     * @param definition the tool
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if a tool of that name was added already
     */
    public Builder tool(ToolDefinition definition, ToolHandler<JsonNode> handler) {
      return tool(definition, JsonNode.class, handler);
    }

    /**
     * Adds a tool whose handler takes the arguments bound to {@code argumentType} (a record or
     * class Jackson can create; unknown fields are ignored).
     *
     * @param definition the tool
     * @param argumentType the class the arguments are bound to
     * @param handler its handler
     * @param <A> the argument type
     * @return this builder
     * @throws IllegalArgumentException if a tool of that name was added already
     */
    public <A> Builder tool(ToolDefinition definition, Class<A> argumentType,
        ToolHandler<? super A> handler) {
      Objects.requireNonNull(definition, "definition");
      Objects.requireNonNull(argumentType, "argumentType");
      Objects.requireNonNull(handler, "handler");
      if (tools.containsKey(definition.name())) {
        throw new IllegalArgumentException("two tools are named '" + definition.name() + "'");
      }
      tools.put(definition.name(), new Tool(definition, argumentType, handler));
      return this;
    }

    /**
     * Where handlers run (default: the client's blocking pool, a cached pool of {@code
     * atoms-blocking-N} threads). Handlers of one session may run at the same time.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How long before each tool's {@code timeout_ms} the session gives up on a handler and
     * answers with a timeout error, so the answer reaches the server in time (default {@link
     * #DEFAULT_DEADLINE_MARGIN}). The deadline is never less than half the timeout.
     *
     * @param margin the margin, zero or more
     * @return this builder
     */
    public Builder deadlineMargin(Duration margin) {
      if (margin.isNegative()) {
        throw new IllegalArgumentException("deadlineMargin must not be negative");
      }
      this.deadlineMargin = margin;
      return this;
    }

    /**
     * Builds the set.
     *
     * @return the tools
     * @throws IllegalStateException if no tool was added
     */
    public ClientTools build() {
      if (tools.isEmpty()) {
        throw new IllegalStateException("add at least one tool");
      }
      return new ClientTools(this);
    }
  }
}
