/**
 * Test support for applications built on the Atoms SDK: {@link
 * dev.atomsrealtime.testkit.FakeAtomsServer}, a real Atoms realtime server on the loopback
 * interface that validates handshakes like the gateway, opens sessions, records what the client
 * sends and lets a test (or a {@link dev.atomsrealtime.testkit.ServerBehavior}) script the agent's
 * side, including failures: refused handshakes, fatal errors, abrupt drops and silent servers.
 * {@link dev.atomsrealtime.testkit.SimulatedAgent} is a ready-made behaviour that plays a whole
 * voice agent (turn detection, spoken replies, barge-in, chat) and records what it sent. {@link
 * dev.atomsrealtime.testkit.ManualScheduler} is a virtual clock and scheduler to give the client
 * ({@code AtomsClient.Builder.scheduler(manual, manual)}), so that timeouts, keepalive, reconnect
 * backoff and audio timing run when the test moves time.
 *
 * <p>This package depends on no test framework; use it from JUnit, TestNG or a plain {@code main}.
 * Waits are always bounded and fail with {@link dev.atomsrealtime.testkit.AwaitTimeoutException}.
 * Nothing here prints credentials: handshake records redact them in {@code toString()}, and logs
 * (SLF4J, DEBUG) name event types only, never audio.
 *
 * <p>On the module path this is the automatic module {@code dev.atomsrealtime.testkit}; the fake
 * server's REST listener uses the JDK's HTTP server, so a test module also {@code requires
 * jdk.httpserver}.
 */
package dev.atomsrealtime.testkit;
