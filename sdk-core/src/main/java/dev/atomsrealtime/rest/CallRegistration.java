package dev.atomsrealtime.rest;

import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a call token is minted for ({@code POST /conversation/register-call}): the agent, the mode
 * and the prompt variables. A token fixes all three for the session it opens. Immutable.
 *
 * <pre>{@code
 * CallRegistration call = CallRegistration.builder("agent-123")
 *     .mode(Mode.CHAT)
 *     .variable("customer_name", "Ada")
 *     .build();
 * }</pre>
 */
public final class CallRegistration {
  private final String agentId;
  private final Mode mode;
  private final Map<String, Object> variables;

  private CallRegistration(Builder b) {
    this.agentId = b.agentId;
    this.mode = b.mode;
    this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(b.variables));
  }

  /**
   * Starts a registration for {@code agentId}.
   *
   * @param agentId the agent the token will open a session with
   * @return a builder
   * @throws IllegalArgumentException if {@code agentId} is empty
   */
  public static Builder builder(String agentId) {
    return new Builder(agentId);
  }

  /**
   * The registration a session with {@code options} needs: its agent, mode and variables.
   *
   * @param options the session's options
   * @return the registration
   * @throws IllegalArgumentException if the options name no agent
   */
  public static CallRegistration of(SessionOptions options) {
    if (options.agentId() == null) {
      throw new IllegalArgumentException(
          "minting a call token needs an agent id: set SessionOptions.agentId(...)");
    }
    return builder(options.agentId()).mode(options.mode()).variables(options.variables()).build();
  }

  /**
   * The agent.
   *
   * @return the agent id
   */
  public String agentId() {
    return agentId;
  }

  /**
   * The mode the token opens.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * The prompt variables (string, number or boolean values), in insertion order.
   *
   * @return the variables, unmodifiable
   */
  public Map<String, Object> variables() {
    return variables;
  }

  @Override
  public String toString() {
    return "CallRegistration[agentId=" + agentId + ", mode=" + mode + ", variables="
        + variables.keySet() + "]";
  }

  /** Builder for {@link CallRegistration}. Not thread-safe. */
  public static final class Builder {
    private final String agentId;
    private Mode mode = Mode.WEBCALL;
    private final Map<String, Object> variables = new LinkedHashMap<>();

    private Builder(String agentId) {
      Objects.requireNonNull(agentId, "agentId");
      if (agentId.trim().isEmpty()) {
        throw new IllegalArgumentException("agentId must not be empty");
      }
      this.agentId = agentId;
    }

    /**
     * The mode (default {@link Mode#WEBCALL}).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Adds a prompt variable.
     *
     * @param name the variable's name
     * @param value a string, number or boolean
     * @return this builder
     * @throws IllegalArgumentException if the value is of another type
     */
    public Builder variable(String name, Object value) {
      Objects.requireNonNull(name, "name");
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "variable '" + name + "' must be a string, number or boolean");
      }
      variables.put(name, value);
      return this;
    }

    /**
     * Adds every variable of {@code all}.
     *
     * @param all variables (string, number or boolean values)
     * @return this builder
     */
    public Builder variables(Map<String, Object> all) {
      for (Map.Entry<String, Object> e : all.entrySet()) {
        variable(e.getKey(), e.getValue());
      }
      return this;
    }

    /**
     * Builds the registration.
     *
     * @return the registration
     */
    public CallRegistration build() {
      return new CallRegistration(this);
    }
  }
}
