/** An application module that uses the SDK from the module path. */
module dev.atomsrealtime.modulecheck {
  requires dev.atomsrealtime;
  requires dev.atomsrealtime.testkit;
  // The testkit is an automatic module, which names no module it needs; its fake server's REST
  // listener uses the JDK's HTTP server, so a module-path user resolves it (as the testkit's
  // documentation says).
  requires jdk.httpserver;
}
