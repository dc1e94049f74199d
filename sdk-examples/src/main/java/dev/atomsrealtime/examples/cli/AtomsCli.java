package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.javasound.JavaSoundDevices;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code atoms} command-line tool: talk to an agent by voice, chat in text, list sound
 * devices, read a call's log. Exit codes: 0 ok, 2 bad arguments, 3 credential refused, 4 server unreachable, 5 server
 * error, 6 audio problem, 7 connection lost during the call, 1 anything else.
 */
@Command(
    name = "atoms",
    mixinStandardHelpOptions = true,
    version = "atoms 0.1.0",
    description = "Talk to an Atoms voice agent from the command line.",
    subcommands = {TalkCommand.class, ChatCommand.class, DevicesCommand.class,
        CallLogCommand.class, BridgeCommand.class})
public final class AtomsCli implements java.util.concurrent.Callable<Integer> {
  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Show the SDK's debug log on stderr.")
  boolean verbose;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("atoms: choose a command: talk, chat, devices, call-log or"
        + " bridge (see 'atoms --help')");
    return ExitCodes.USAGE;
  }

  /** Runs the CLI and returns its exit code (the testable entry point). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
      Map<String, String> env) {
    return run(args, stdin, stdout, stderr, env, JavaSoundDevices.system(),
        new java.util.concurrent.CountDownLatch(1));
  }

  /** {@link #run(String[], InputStream, PrintStream, PrintStream, Map)} with given devices. */
  static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
      Map<String, String> env, JavaSoundDevices devices) {
    return run(args, stdin, stdout, stderr, env, devices, new java.util.concurrent.CountDownLatch(1));
  }

  /** With {@code stop}: counting it down ends a long-running command ({@code bridge}). */
  static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
      Map<String, String> env, JavaSoundDevices devices,
      java.util.concurrent.CountDownLatch stop) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
      }
    }
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == TalkCommand.class) {
          return cls.cast(new TalkCommand(stdout, env, devices));
        }
        if (cls == ChatCommand.class) {
          return cls.cast(new ChatCommand(stdin, stdout, env));
        }
        if (cls == DevicesCommand.class) {
          return cls.cast(new DevicesCommand(stdout, devices));
        }
        if (cls == CallLogCommand.class) {
          return cls.cast(new CallLogCommand(stdout, env));
        }
        if (cls == BridgeCommand.class) {
          return cls.cast(new BridgeCommand(stdout, env, stop));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cli = new CommandLine(new AtomsCli(), factory);
    cli.setOut(new java.io.PrintWriter(stdout, true));
    cli.setErr(new java.io.PrintWriter(stderr, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ServerTarget.UsageException) {
        stderr.println("atoms: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      if (e instanceof AudioException) {
        stderr.println("atoms: " + e.getMessage());
        return ExitCodes.AUDIO;
      }
      stderr.println("atoms: unexpected error: " + e);
      if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "").equals("debug")) {
        e.printStackTrace(stderr);
      }
      return ExitCodes.UNEXPECTED;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      stderr.println("atoms: " + e.getMessage());
      stderr.println("(see 'atoms " + (e.getCommandLine().getCommandName().equals("atoms") ? ""
          : e.getCommandLine().getCommandName() + " ") + "--help')");
      return ExitCodes.USAGE;
    });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    int code = run(args, System.in, System.out, System.err, System.getenv());
    System.exit(code);
  }
}
