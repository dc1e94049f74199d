package dev.atomsrealtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.event.FunctionCallEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.tools.ClientTools;
import dev.atomsrealtime.tools.ToolCall;
import dev.atomsrealtime.tools.ToolErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a session's {@code function_call}s with the handlers of its {@link ClientTools}: binds
 * the arguments, runs the handler on the tools' executor, and sends {@code function_call.result}
 * before the deadline, on the client's scheduler; or an error output (see {@link ClientTools}).
 * Each call is answered at most once: by its handler, its deadline, or not at all when its
 * connection ends first (the handler is then interrupted).
 *
 * <p>Threads: {@link #called} runs in the session's context; handlers on the executor; deadlines on
 * the scheduler. Running calls are in a concurrent map; each call's "answered" flag decides races.
 */
final class ToolRunner {
  private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
  private static final int MAX_MESSAGE_CHARS = 500;

  /** Sends a result on {@code connection} if it is still the session's current one. */
  interface Sender {
    void send(Object connection, byte[] frame);
  }

  private final long sessionId;
  private final ClientResources resources;
  private final Sender sender;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private volatile ClientTools tools;

  ToolRunner(long sessionId, ClientResources resources, Sender sender) {
    this.sessionId = sessionId;
    this.resources = resources;
    this.sender = sender;
  }

  /** The handlers from now on; null: the application answers calls itself. */
  void use(ClientTools tools) {
    this.tools = tools;
  }

  /** Context: the agent called a tool on {@code connection}. */
  void called(FunctionCallEvent event, Object connection) {
    ClientTools set = tools;
    if (set == null) {
      return;
    }
    ClientTools.Tool tool = set.tool(event.name());
    if (tool == null) {
      log.warn("session {}: the agent called tool {} (call {}), which has no handler", sessionId,
          event.name(), event.callId());
      sender.send(connection, result(event.callId(), error(ToolErrorType.UNKNOWN_TOOL,
          event.name(), "no handler for tool '" + event.name() + "'")));
      return;
    }
    Duration deadline = set.deadlineOf(tool.definition());
    JsonNode args = LenientJson.readOrMissing(event.argumentsJson());
    ToolCall call = new ToolCall(event.callId(), event.name(),
        args.isObject() ? args : LenientJson.MAPPER.createObjectNode(), deadline);
    Running r = new Running(call, tool.definition().expectsResponse(), connection);
    r.task = new FutureTask<>(() -> r.answer(run(tool, call)), null);
    running.put(call.callId(), r);
    log.debug("session {}: running tool {} (call {})", sessionId, call.name(), call.callId());
    if (r.expectsResponse) {
      r.timer = resources.scheduler().schedule(() -> {
        if (r.answer(error(ToolErrorType.TIMEOUT, call.name(),
            "no result within " + deadline.toMillis() + " ms"))) {
          log.warn("session {}: tool {} (call {}) timed out after {} ms; interrupting it",
              sessionId, call.name(), call.callId(), deadline.toMillis());
          r.task.cancel(true);
        }
      }, deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    Executor executor = set.executor() != null ? set.executor() : resources.blocking();
    try {
      executor.execute(r.task);
    } catch (RejectedExecutionException e) {
      r.answer(error(ToolErrorType.HANDLER_FAILED, call.name(), "the tool executor refused it"));
    }
  }

  /** Context: {@code connection} ended (null: the session ended); its calls are abandoned. */
  void connectionEnded(Object connection) {
    for (Running r : running.values()) {
      if ((connection == null || r.connection == connection) && r.abandon()) {
        log.info("session {}: tool {} (call {}) cancelled: its connection ended", sessionId,
            r.call.name(), r.call.callId());
      }
    }
  }

  /** Executor: runs the handler; the output to send (the handler's or an error output). */
  private String run(ClientTools.Tool tool, ToolCall call) {
    Object arguments;
    try {
      arguments = tool.argumentType() == JsonNode.class ? call.arguments()
          : LenientJson.MAPPER.treeToValue(call.arguments(), tool.argumentType());
    } catch (Exception e) {
      return error(ToolErrorType.INVALID_ARGUMENTS, call.name(), "the arguments do not bind to "
          + tool.argumentType().getSimpleName() + ": " + firstLine(e.getMessage()));
    }
    Object result;
    try {
      result = tool.handler().handle(arguments, call);
    } catch (Throwable t) {
      if (!(t instanceof InterruptedException)) {
        log.warn("session {}: tool {} (call {}) failed: {}", sessionId, call.name(),
            call.callId(), t.getClass().getName());
      }
      return error(ToolErrorType.HANDLER_FAILED, call.name(),
          t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
    String output;
    try {
      output = result instanceof String s ? s : LenientJson.MAPPER.writeValueAsString(result);
    } catch (Exception e) {
      return error(ToolErrorType.HANDLER_FAILED, call.name(),
          "the result could not be written as JSON: " + firstLine(e.getMessage()));
    }
    int bytes = output.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > FunctionCallResultEvent.MAX_OUTPUT_BYTES) {
      log.warn("session {}: tool {} (call {}) returned {} bytes, over the limit of {}; not sent",
          sessionId, call.name(), call.callId(), bytes, FunctionCallResultEvent.MAX_OUTPUT_BYTES);
      return error(ToolErrorType.OUTPUT_TOO_LARGE, call.name(), "the output was " + bytes
          + " UTF-8 bytes; at most " + FunctionCallResultEvent.MAX_OUTPUT_BYTES + " are accepted");
    }
    return output;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The error output, in its one shape: {@code {"error":{"type","tool","message"}}}. */
  static String error(ToolErrorType type, String tool, String message) {
    String m = message.length() > MAX_MESSAGE_CHARS
        ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
    ObjectNode root = LenientJson.MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("type", type.wireName());
    error.put("tool", tool);
    error.put("message", m);
    return root.toString();
  }

  private static byte[] result(String callId, String output) {
    return EventCodec.INSTANCE.encode(new FunctionCallResultEvent(callId, output));
  }

  /** One call in flight. */
  private final class Running {
    final ToolCall call;
    final boolean expectsResponse;
    final Object connection;
    final AtomicBoolean answered = new AtomicBoolean();
    volatile FutureTask<Void> task;
    volatile ScheduledFuture<?> timer;

    Running(ToolCall call, boolean expectsResponse, Object connection) {
      this.call = call;
      this.expectsResponse = expectsResponse;
      this.connection = connection;
    }

    /** Sends {@code output} unless the call was answered or abandoned; whether it did. */
    boolean answer(String output) {
      if (!finish()) {
        return false;
      }
      if (expectsResponse) {
        sender.send(connection, result(call.callId(), output));
        log.debug("session {}: answered tool {} (call {})", sessionId, call.name(),
            call.callId());
      }
      return true;
    }

    /** Interrupts the handler and sends nothing; whether the call was still open. */
    boolean abandon() {
      if (!finish()) {
        return false;
      }
      task.cancel(true);
      return true;
    }

    private boolean finish() {
      if (!answered.compareAndSet(false, true)) {
        return false;
      }
      running.remove(call.callId(), this);
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
  }
}
