package dev.atomsrealtime.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.ConnectionException;
import dev.atomsrealtime.ServerErrorException;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.testing.ThreadLeakExtension;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ServerBehavior;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exit codes the README documents that {@link AtomsCliTest} does not reach: 5 (server error),
 * 7 (connection lost during the call) and 1 (anything else), each end to end against a local
 * server, plus the mapping they come from.
 */
@ExtendWith(ThreadLeakExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AtomsCliExitCodesTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int chat(FakeAtomsServer server, InputStream stdin) {
    return AtomsCli.run(new String[] {"chat", "--url", server.uri().toString(), "--agent-id", "a",
            "--reply-wait-ms", "2000"}, stdin,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("ATOMS_API_KEY", "sk_test"));
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  private static InputStream lines(String text) {
    return new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A server that reacts to the user's first line with {@code action}. */
  private static FakeAtomsServer serverThat(java.util.function.Consumer<FakeConnection> action) {
    return FakeAtomsServer.builder().behavior(new ServerBehavior() {
      @Override
      public boolean onClientEvent(FakeConnection connection, ClientEvent event) {
        if (event instanceof InputTextSendEvent) {
          action.accept(connection);
          return true;
        }
        return false;
      }
    }).build().start();
  }

  @Test
  void aServerErrorDuringTheCallExitsWith5() {
    try (FakeAtomsServer server =
        serverThat(c -> c.sendErrorAndClose("internal_error", "the worker failed"))) {
      int code = chat(server, lines("hello\n"));
      assertEquals(5, code, printed());
      assertTrue(printed().contains("the session failed"), printed());
    }
  }

  @Test
  void aConnectionLostDuringTheCallExitsWith7() {
    try (FakeAtomsServer server = serverThat(FakeConnection::drop)) {
      int code = chat(server, lines("hello\n"));
      assertEquals(7, code, printed());
      assertTrue(printed().contains("the session failed"), printed());
    }
  }

  @Test
  void anUnexpectedFailureExitsWith1() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("stdin is gone");
      }
    };
    try (FakeAtomsServer server = FakeAtomsServer.builder().build().start()) {
      int code = chat(server, broken);
      assertEquals(1, code, printed());
      assertTrue(printed().contains("atoms: unexpected error: java.io.IOException: stdin is gone"),
          printed());
    }
  }

  @Test
  void theMappingBehindTheCodes() {
    ServerErrorException serverError =
        new ServerErrorException(new ErrorEvent("internal_error", "x"), 4000);
    ConnectionException lost = new ConnectionException("lost", true, null);
    assertEquals(5, ExitCodes.forSessionFailure(serverError));
    assertEquals(5, ExitCodes.forConnectFailure(serverError));
    assertEquals(7, ExitCodes.forSessionFailure(lost));
    assertEquals(4, ExitCodes.forConnectFailure(lost), "before the call: unreachable");
    assertEquals(1, ExitCodes.forConnectFailure(new IllegalStateException("bug")));
  }
}
