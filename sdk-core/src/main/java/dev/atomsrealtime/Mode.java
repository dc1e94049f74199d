package dev.atomsrealtime;

/** What a session carries. */
public enum Mode {
  /** Audio in and out (the default). */
  WEBCALL("webcall"),
  /** Text only: the agent answers {@code input_text.send} with transcripts. */
  CHAT("chat");

  private final String wireName;

  Mode(String wireName) {
    this.wireName = wireName;
  }

  /** {@return the value of the {@code mode} query parameter} */
  public String wireName() {
    return wireName;
  }
}
