package dev.atomsrealtime.intruder;

/** Uses an internal class of the core: the module descriptor does not export it here. */
public final class Intruder {
  private Intruder() {}

  /** Refers to the internal codec. */
  public static Object codec() {
    return dev.atomsrealtime.internal.EventCodec.class;
  }
}
