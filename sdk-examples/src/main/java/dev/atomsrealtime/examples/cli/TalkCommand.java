package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.Mode;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.DiscardingAudioSink;
import dev.atomsrealtime.audio.Duplex;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.RealTimeAudioSink;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.audio.WavFileSink;
import dev.atomsrealtime.audio.WavFileSource;
import dev.atomsrealtime.audio.javasound.JavaSoundDevice;
import dev.atomsrealtime.audio.javasound.JavaSoundDevices;
import dev.atomsrealtime.audio.javasound.JavaSoundAudioSink;
import dev.atomsrealtime.audio.javasound.JavaSoundAudioSource;
import dev.atomsrealtime.recording.CallRecorder;
import dev.atomsrealtime.testkit.SimulatedAgent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atoms talk}: a voice conversation. */
@Command(
    name = "talk",
    mixinStandardHelpOptions = true,
    description = {
      "Hold a voice conversation with an agent.",
      "",
      "Without --agent-id or --url it talks to an embedded simulated agent on loopback: no key,"
          + " no network. --demo plays a scripted conversation (a request, then a barge-in);"
          + " --in plays a WAV file; otherwise the default microphone is used. Agent audio goes"
          + " to --out (a WAV file, written at real time) or to the default speaker.",
      "Ctrl-C ends the session gracefully."
    })
final class TalkCommand implements Callable<Integer> {
  @Mixin ServerTarget.Options server = new ServerTarget.Options();

  @Option(names = "--in", paramLabel = "FILE.wav", description = "Play this WAV as the user's voice "
      + "(PCM 16-bit, mono or stereo, 8-48 kHz).")
  Path in;

  @Option(names = "--demo", description = "Use the bundled scripted conversation as the user's "
      + "voice: a request, then a barge-in while the agent answers.")
  boolean demo;

  @Option(names = "--out", paramLabel = "FILE.wav", description = "Write the agent's voice to this "
      + "WAV file (at real time, as a speaker would play it).")
  Path out;

  @Option(names = "--mic", paramLabel = "NAME", description = "Microphone: a device name, a unique "
      + "part of it, or its index from 'atoms devices'.")
  String mic;

  @Option(names = "--speaker", paramLabel = "NAME", description = "Speaker: a device name, a "
      + "unique part of it, or its index from 'atoms devices'.")
  String speaker;

  @Option(names = "--full-duplex", description = "Keep the microphone live while the agent speaks "
      + "(headsets). Default for file output.")
  boolean fullDuplex;

  @Option(names = "--half-duplex", description = "Gate the microphone while the agent speaks "
      + "(open speakers). Default with a speaker.")
  boolean halfDuplex;

  @Option(names = "--chunk-ms", defaultValue = "20", description = "Audio chunk size in ms "
      + "(default ${DEFAULT-VALUE}).")
  int chunkMillis;

  @Option(names = "--max-seconds", defaultValue = "600", description = "End the call after this "
      + "many seconds (default ${DEFAULT-VALUE}).")
  int maxSeconds;

  @Option(names = "--quiet-ms", defaultValue = "2500", description = "With a file or demo input: "
      + "end once the input is over and the agent has been quiet this long (default "
      + "${DEFAULT-VALUE}).")
  int quietMillis;

  @Option(names = "--plain", description = "Print status changes as lines, never redraw.")
  boolean plain;

  @Option(names = "--record", paramLabel = "DIR", description = "Record the call into DIR: "
      + "call-<time>.wav (stereo: left you as sent, right the agent as played) and "
      + "call-<time>.json (the turns with their offsets in the recording and their latency).")
  Path recordDir;

  private CallRecorder recorder;

  private final PrintStream stdout;
  private final Map<String, String> env;
  private final JavaSoundDevices devices;

  TalkCommand(PrintStream stdout, Map<String, String> env, JavaSoundDevices devices) {
    this.stdout = stdout;
    this.env = env;
    this.devices = devices;
  }

  @Override
  public Integer call() throws Exception {
    if (demo && in != null) {
      throw new ServerTarget.UsageException("--demo and --in both choose the input; pick one");
    }
    if (fullDuplex && halfDuplex) {
      throw new ServerTarget.UsageException("--full-duplex and --half-duplex exclude each other");
    }
    if (in != null && !Files.isRegularFile(in)) {
      throw new ServerTarget.UsageException("--in: no such file: " + in);
    }
    if (chunkMillis < 10 || chunkMillis > 100) {
      throw new ServerTarget.UsageException("--chunk-ms must be 10..100, got " + chunkMillis);
    }
    if (recordDir != null) {
      if (Files.exists(recordDir) && !Files.isDirectory(recordDir)) {
        throw new ServerTarget.UsageException("--record: not a directory: " + recordDir);
      }
      Files.createDirectories(recordDir);
      recorder = CallRecorder.inDirectory(recordDir, "call-" + java.time.LocalDateTime.now()
          .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    boolean live = !plain && System.console() != null;
    ConsoleUi ui = new ConsoleUi(stdout, live);

    // Devices are resolved before connecting, so a missing one costs no call.
    AudioSource source = openSource();
    boolean toSpeaker = out == null;
    AudioSink sink;
    try {
      sink = openSink(ui);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    Duplex duplex = halfDuplex ? Duplex.HALF
        : fullDuplex ? Duplex.FULL
        : toSpeaker && sinkIsSpeaker ? Duplex.HALF : Duplex.FULL;

    SimulatedAgent agent = SimulatedAgent.builder().greeting(null).endCallAfterReplies(
        demo ? 1 : Integer.MAX_VALUE).build();
    try (ServerTarget target = ServerTarget.resolve(server, env, agent)) {
      ui.say("connecting to " + target.description);
      AtomsSession session = target.client.newSession(
          target.sessionOptions(server, Mode.WEBCALL).build(), ui);
      AudioOptions.Builder audioOptions = AudioOptions.builder().chunkMillis(chunkMillis)
          .duplex(duplex);
      if (recorder != null) {
        audioOptions.tap(recorder);
      }
      SessionAudio audio = session.attachAudio(source, sink, audioOptions.build());
      ui.attach(audio);
      AtomicBoolean finished = new AtomicBoolean();
      Thread hook = new Thread(() -> {
        if (!finished.get()) {
          ui.say("ending the session (Ctrl-C)");
          session.close();
          audio.close();
          ui.finishLine();
        }
      }, "atoms-cli-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      ScheduledExecutorService ticker = null;
      try {
        try {
          session.connect().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          ui.finishLine();
          stdout.println("atoms: could not start the session: " + cause.getMessage());
          audio.close();
          return ExitCodes.forConnectFailure(cause);
        } catch (TimeoutException e) {
          ui.finishLine();
          stdout.println("atoms: no answer from the server within 30 s");
          session.close();
          audio.close();
          return ExitCodes.UNREACHABLE;
        }
        if (live) {
          ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "atoms-cli-status");
            t.setDaemon(true);
            return t;
          });
          ticker.scheduleAtFixedRate(ui::redraw, 200, 200, TimeUnit.MILLISECONDS);
        }
        waitForEnd(session, audio, ui);
        session.close();
        audio.close();
      } finally {
        finished.set(true);
        if (ticker != null) {
          ticker.shutdownNow();
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      ui.finishLine();
      return report(ui, audio);
    }
  }

  private boolean sinkIsSpeaker;

  private AudioSource openSource() throws Exception {
    if (demo) {
      return WavFileSource.builder(new ByteArrayInputStream(demoConversation()), "demo").build();
    }
    if (in != null) {
      Wav.read(in); // refuse an unsupported file now, with its reason, before connecting
      return WavFileSource.of(in);
    }
    // Resolve the device now, so a missing one is reported before any call is made.
    if (devices.captureDevices().isEmpty()) {
      throw new AudioException("no microphone found (javax.sound offers no capture device);"
          + " use --in FILE.wav or --demo to talk without one");
    }
    JavaSoundAudioSource.Builder b = JavaSoundAudioSource.builder().devices(devices);
    if (mic != null) {
      b.device(pick(mic, true));
    }
    return b.build();
  }

  /** A device by index (digits) or by name or unique part of it. */
  private JavaSoundDevice pick(String nameOrIndex, boolean capture) {
    if (nameOrIndex.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(nameOrIndex);
      return capture ? devices.captureDevice(index) : devices.playbackDevice(index);
    }
    return capture ? devices.captureDevice(nameOrIndex) : devices.playbackDevice(nameOrIndex);
  }

  private AudioSink openSink(ConsoleUi ui) {
    if (out != null) {
      return RealTimeAudioSink.wrap(WavFileSink.create(out));
    }
    if (devices.playbackDevices().isEmpty()) {
      if (speaker != null) {
        throw new AudioException("no speaker found (javax.sound offers no playback device)");
      }
      ui.say("no speaker found; the agent's voice is not played (use --out FILE.wav to keep it)");
      return RealTimeAudioSink.wrap(new DiscardingAudioSink());
    }
    JavaSoundAudioSink.Builder b = JavaSoundAudioSink.builder().devices(devices);
    if (speaker != null) {
      b.device(pick(speaker, false));
    }
    sinkIsSpeaker = true;
    return b.build();
  }

  /** The scripted demo: a request, a pause, then a barge-in while the agent answers. */
  static byte[] demoConversation() throws java.io.IOException {
    PcmFormat fmt = PcmFormat.pcm16Mono(24_000);
    WavData request = SimulatedAgent.bundledUserUtterance().convertTo(fmt);
    WavData bargeIn = SimulatedAgent.bundledBargeIn().convertTo(fmt);
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    pcm.write(request.pcm());
    pcm.write(new byte[fmt.bytesForMillis(800)]);
    pcm.write(bargeIn.pcm());
    ByteArrayOutputStream wav = new ByteArrayOutputStream();
    Wav.write(wav, fmt, pcm.toByteArray());
    return wav.toByteArray();
  }

  private void waitForEnd(AtomsSession session, SessionAudio audio, ConsoleUi ui)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    boolean fromFile = demo || in != null;
    while (!ui.awaitClosed(100, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline) {
        ui.say("reached --max-seconds; ending the session");
        return;
      }
      if (ui.audioFailed()) {
        ui.say("audio stopped; ending the session");
        return;
      }
      if (fromFile && audio.awaitSourceEnded(java.time.Duration.ZERO) && !ui.agentSpeaking()
          && ui.millisSinceAgentActivity() > quietMillis
          && audio.awaitPlaybackIdle(java.time.Duration.ZERO)) {
        ui.say("input finished and the agent is quiet; ending the session");
        return;
      }
    }
  }

  private int report(ConsoleUi ui, SessionAudio audio) throws InterruptedException {
    ui.awaitClosed(5, TimeUnit.SECONDS);
    SessionEnd end = ui.end();
    stdout.println();
    stdout.println("--- transcript ---");
    String text = ui.transcript().render();
    stdout.println(text.isEmpty() ? "(nothing was said)" : text);
    stdout.println("--- latency per agent turn (from the end of user speech) ---");
    if (ui.metrics().isEmpty()) {
      stdout.println("(no agent turns)");
    }
    for (TurnMetrics m : ui.metrics()) {
      stdout.println(m.summary());
    }
    AudioStats s = audio.stats();
    stdout.println("--- audio ---");
    stdout.printf("sent %d chunks (%d silent); received %d agent deltas; played %d ms of agent "
            + "audio; discarded %d ms at interruptions; dropped %d stale deltas%n",
        s.chunksSent(), s.silentChunksSent(), s.deltasReceived(),
        audio.sessionFormat() == null ? 0 : audio.sessionFormat().millisForBytes(
            s.deltaBytesPlayed()),
        audio.sessionFormat() == null ? 0 : audio.sessionFormat().millisForBytes(
            s.bytesDiscardedByInterruption()),
        s.staleDeltasDropped());
    if (out != null) {
      stdout.println("agent audio written to " + out);
    }
    if (recorder != null) {
      if (recorder.awaitFinished(java.time.Duration.ofSeconds(5))) {
        stdout.println("call recorded to " + recorder.wavFile() + " and "
            + recorder.transcriptFile());
      } else {
        stdout.println("atoms: the call recording did not finish in time");
      }
    }
    if (end == null) {
      stdout.println("atoms: the session did not finish closing in time");
      return ExitCodes.UNEXPECTED;
    }
    if (end.cause() != null) {
      stdout.println("atoms: the session failed: " + end.cause().getMessage());
      return ExitCodes.forSessionFailure(end.cause());
    }
    if (ui.audioFailed()) {
      return ExitCodes.AUDIO;
    }
    stdout.println("atoms: session ended (" + (end.closedReason() != null
        ? end.closedReason() : "closed") + ", code " + end.closeCode() + ")");
    return ExitCodes.OK;
  }
}
