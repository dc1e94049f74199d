package dev.atomsrealtime.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.atomsrealtime.internal.LenientJson;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A client tool the agent may call, declared with {@code session.update}. Build with
 * {@link #builder(String)}.
 *
 * <pre>{@code
 * ToolDefinition weather = ToolDefinition.builder("get_weather")
 *     .description("Current weather for a city")
 *     .parametersJson("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")
 *     .timeoutMillis(5_000)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ToolDefinition {
  /** Default time the server waits for a result. */
  public static final int DEFAULT_TIMEOUT_MILLIS = 15_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String name;
  private final String description;
  private final String parametersJson;
  private final int timeoutMillis;
  private final boolean expectsResponse;

  private ToolDefinition(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.parametersJson = b.parametersJson;
    this.timeoutMillis = b.timeoutMillis;
    this.expectsResponse = b.expectsResponse;
  }

  /**
   * Starts a tool named {@code name} (letters, digits, {@code _} and {@code -}, 1-64 chars).
   *
   * @param name the name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The tool's name, as the agent calls it.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * What the tool does, for the agent.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /** {@return the JSON Schema of the arguments, as JSON object text} */
  public String parametersJson() {
    return parametersJson;
  }

  /**
   * How long the server waits for the result, in milliseconds.
   *
   * @return the timeout in milliseconds
   */
  public int timeoutMillis() {
    return timeoutMillis;
  }

  /** {@return whether the agent waits for a {@code function_call.result}} */
  public boolean expectsResponse() {
    return expectsResponse;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ToolDefinition t
        && name.equals(t.name)
        && description.equals(t.description)
        && parametersJson.equals(t.parametersJson)
        && timeoutMillis == t.timeoutMillis
        && expectsResponse == t.expectsResponse;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, description, parametersJson, timeoutMillis, expectsResponse);
  }

  @Override
  public String toString() {
    return "ToolDefinition[name=" + name + ", timeoutMillis=" + timeoutMillis
        + ", expectsResponse=" + expectsResponse + "]";
  }

  /** Builder for {@link ToolDefinition}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private String parametersJson = "{\"type\":\"object\",\"properties\":{}}";
    private int timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
    private boolean expectsResponse = true;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "tool name must be 1-64 letters, digits, '_' or '-', got '" + name + "'");
      }
      this.name = name;
    }

    /**
     * What the tool does, for the agent.
     *
     * @param description the description
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * The JSON Schema of the arguments, as a JSON object. Parsed by {@link #build()}, which
     * refuses text that is not a JSON object.
     *
     * @param parametersJson the parameters' JSON schema, a JSON object
     * @return this builder
     */
    public Builder parametersJson(String parametersJson) {
      this.parametersJson = Objects.requireNonNull(parametersJson, "parametersJson");
      return this;
    }

    /**
     * How long the server waits for the result: 1000 to 60000 ms (default 15000).
     *
     * @param timeoutMillis the timeout in milliseconds
     * @return this builder
     */
    public Builder timeoutMillis(int timeoutMillis) {
      if (timeoutMillis < 1_000 || timeoutMillis > 60_000) {
        throw new IllegalArgumentException(
            "timeoutMillis must be 1000..60000, got " + timeoutMillis);
      }
      this.timeoutMillis = timeoutMillis;
      return this;
    }

    /**
     * Whether the agent waits for a result (default true).
     *
     * @param expectsResponse the expects response
     * @return this builder
     */
    public Builder expectsResponse(boolean expectsResponse) {
      this.expectsResponse = expectsResponse;
      return this;
    }

    /**
     * Builds the definition.
     *
     * @return the definition
     * @throws IllegalArgumentException if {@code parametersJson} is not a JSON object
     */
    public ToolDefinition build() {
      JsonNode schema;
      try {
        schema = LenientJson.MAPPER.readTree(parametersJson);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("parametersJson of tool '" + name
            + "' is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (schema == null || !schema.isObject()) {
        throw new IllegalArgumentException(
            "parametersJson of tool '" + name + "' must be a JSON object");
      }
      return new ToolDefinition(this);
    }
  }
}
