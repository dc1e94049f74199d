package dev.atomsrealtime.audio.javasound.fake;

/** How a fake line behaves once its device "disappears". */
public enum Failure {
  /** Keeps working. */
  NONE,
  /** read/write return 0 at once, forever; the line stays open. */
  RETURN_ZERO,
  /** read/write block until the line is closed; the position stops moving. */
  BLOCK,
  /** The line closes itself; read/write return 0. */
  CLOSE_UNDERNEATH,
  /** read/write throw IllegalStateException. */
  THROW
}
