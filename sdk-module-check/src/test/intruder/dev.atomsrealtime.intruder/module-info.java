/** An application module that reaches for the SDK's internals; it must not compile. */
module dev.atomsrealtime.intruder {
  requires dev.atomsrealtime;
}
