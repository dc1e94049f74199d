package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atoms chat}: a text conversation in chat mode. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with an agent in text (chat mode). Type a line and press Enter; /quit or end of"
          + " input ends the session.",
      "Without --agent-id or --url it talks to the embedded simulated agent."
    })
final class ChatCommand implements Callable<Integer> {
  @Mixin ServerTarget.Options server = new ServerTarget.Options();

  @Option(names = "--reply-wait-ms", defaultValue = "2500", description = "How long to wait for "
      + "more of a reply when the agent sends no end-of-reply marker (default ${DEFAULT-VALUE}).")
  int replyWaitMillis;

  private final InputStream stdin;
  private final PrintStream stdout;
  private final Map<String, String> env;

  ChatCommand(InputStream stdin, PrintStream stdout, Map<String, String> env) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Semaphore replyEnded = new Semaphore(0);
    SessionListener listener = new SessionListener() {
      @Override
      public void onEvent(AtomsSession s, ServerEvent e) {
        if (e instanceof TranscriptEvent t && t.role() != Role.USER) {
          stdout.println("agent: " + t.text());
        } else if (e instanceof AgentStopTalkingEvent) {
          replyEnded.release();
        } else if (e instanceof ErrorEvent err) {
          // Not the end of the reply: a fatal error is followed by the server closing, and the
          // session's end (with its cause, for the exit code) must be seen before input ends.
          stdout.println("atoms: server error " + err.code() + ": " + err.message());
        }
      }

      @Override
      public void onClosed(AtomsSession s, SessionEnd end) {
        replyEnded.release(1000);
      }
    };
    SimulatedAgent agent = SimulatedAgent.builder().build();
    try (ServerTarget target = ServerTarget.resolve(server, env, agent)) {
      stdout.println("atoms: connecting to " + target.description);
      AtomsSession session = target.client.newSession(
          target.sessionOptions(server, Mode.CHAT).build(), listener);
      try {
        session.connect().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        stdout.println("atoms: could not start the session: " + cause.getMessage());
        return ExitCodes.forConnectFailure(cause);
      } catch (TimeoutException e) {
        stdout.println("atoms: no answer from the server within 30 s");
        session.close();
        return ExitCodes.UNREACHABLE;
      }
      stdout.println("atoms: connected; type a message (/quit to end)");
      BufferedReader reader = new BufferedReader(new InputStreamReader(stdin,
          StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (line.equals("/quit")) {
          break;
        }
        if (line.isEmpty()) {
          continue;
        }
        try {
          session.sendText(line);
        } catch (IllegalStateException e) {
          break;
        }
        // A reply ends with agent_stop_talking, or after a quiet period when there is none.
        replyEnded.tryAcquire(replyWaitMillis, TimeUnit.MILLISECONDS);
        replyEnded.drainPermits();
      }
      SessionEnd end = session.closeAsync().get(10, TimeUnit.SECONDS);
      if (end.cause() != null) {
        stdout.println("atoms: the session failed: " + end.cause().getMessage());
        return ExitCodes.forSessionFailure(end.cause());
      }
      stdout.println("atoms: session ended");
      return ExitCodes.OK;
    }
  }
}
