package dev.atomsrealtime.examples;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.WavFileSink;
import dev.atomsrealtime.examples.bridge.PhoneBridge;
import dev.atomsrealtime.recording.CallRecorder;
import dev.atomsrealtime.recording.RecordedTurn;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's shorter examples, compiled with the project: a test checks that each block marked
 * {@code <!-- example:NAME -->} in README.md is the region between the {@code readme:NAME}
 * markers here, verbatim (less the indentation), and runs them against the fake server.
 */
public final class ReadmeExamples {
  private ReadmeExamples() {}

  /** A phone leg in G.711: the codes go in and come out as they are on the line. */
  public static int telephony(AtomsClient client, byte[] muLawFromThePhone, byte[] muLawToThePhone)
      throws Exception {
    // readme:telephony:begin
    AtomsSession session = client.newSession(
        SessionOptions.builder().agentId("support").sampleRateHz(8_000).build(),
        new SessionListener() {});
    PcmPushSource caller = PcmPushSource.create(PcmFormat.muLaw(8_000), 1_000);
    PcmPullSink agent = PcmPullSink.create(PcmFormat.muLaw(8_000), 200);
    session.attachAudio(caller, agent);
    session.connect().get();
    caller.push(muLawFromThePhone);                            // 160 bytes = 20 ms
    int n = agent.poll(muLawToThePhone, 0, 160);               // codes, ready for the line
    // readme:telephony:end
    session.close();
    return n;
  }

  /** Recording a call, with the agent's voice going to a speaker and a file at once. */
  public static SessionAudio recording(AtomsSession session, AudioSource microphone,
      AudioSink speaker, Path dir) throws Exception {
    // readme:recording:begin
    CallRecorder recorder = CallRecorder.inDirectory(dir, "call-42"); // call-42.wav + .json
    SessionAudio audio = session.attachAudio(microphone, speaker, AudioOptions.builder()
        .tap(recorder)                                          // the stereo call + transcript
        .alsoPlayTo(WavFileSink.create(dir.resolve("agent-only.wav"))) // a second sink
        .build());
    // ... the call ...
    session.close();
    recorder.awaitFinished(Duration.ofSeconds(5));
    for (RecordedTurn turn : recorder.turns()) {
      System.out.printf("%s %.0f-%.0f ms%s: %s%n", turn.role(), turn.startMillis(),
          turn.endMillis(), turn.interrupted() ? " (interrupted)" : "", turn.text());
    }
    // readme:recording:end
    return audio;
  }

  /** A phone bridge in a few lines. */
  public static PhoneBridge bridge(AtomsClient client, int port) throws Exception {
    // readme:bridge:begin
    PhoneBridge bridge = new PhoneBridge(new InetSocketAddress(port), client,
        SessionOptions.builder().agentId("support").build());
    bridge.startAndWait();          // each media stream on ws://host:port gets its own session
    // readme:bridge:end
    return bridge;
  }
}
