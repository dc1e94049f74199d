/** An application module that uses the SDK from the module path. */
module dev.atomsrealtime.modulecheck {
  requires dev.atomsrealtime;
  requires dev.atomsrealtime.testkit;
}
