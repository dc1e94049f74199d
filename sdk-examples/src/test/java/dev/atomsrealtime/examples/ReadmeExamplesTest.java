package dev.atomsrealtime.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.G711;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.examples.bridge.PhoneBridge;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's examples are {@link ReadmeExamples} verbatim, and they run. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReadmeExamplesTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"telephony", "recording", "bridge"})
  void theReadmeBlockIsTheExampleVerbatim(String name) throws Exception {
    ReadmeBlocks.assertVerbatim(name, "ReadmeExamples.java");
  }

  @Test
  void theTelephonyExampleSendsTheCallersAudioDecoded() throws Exception {
    try (FakeAtomsServer server = FakeAtomsServer.builder().build().start();
        AtomsClient client = AtomsClient.builder().apiKey("sk_readme").baseUrl(server.uri())
            .build()) {
      byte[] codes = new byte[160];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) (i * 3);
      }
      assertEquals(0, ReadmeExamples.telephony(client, codes, new byte[160]));
      FakeConnection conn = server.awaitConnection(WAIT);
      byte[] expected = new byte[320];
      G711.muLawToPcm16(codes, 0, 160, expected, 0);
      assertArrayEquals(expected,
          conn.awaitReceived(InputAudioBufferAppendEvent.class, WAIT).audioCopy());
    }
  }

  @Test
  void theRecordingExampleWritesTheCallTheTranscriptAndTheSecondSink(@TempDir Path dir)
      throws Exception {
    try (FakeAtomsServer server = FakeAtomsServer.builder().build().start();
        AtomsClient client = AtomsClient.builder().apiKey("sk_readme").baseUrl(server.uri())
            .build()) {
      AtomsSession session = client.newSession(SessionOptions.builder().agentId("a")
          .sampleRateHz(16_000).build(), new SessionListener() {});
      session.connect().get(5, TimeUnit.SECONDS);
      PcmFormat fmt = PcmFormat.pcm16Mono(16_000);
      PcmPushSource mic = PcmPushSource.create(fmt, 1_000);
      ReadmeExamples.recording(session, mic, PcmPullSink.create(fmt, 200), dir);
      assertEquals(PcmFormat.pcm16(16_000, 2), Wav.read(dir.resolve("call-42.wav")).format());
      assertTrue(Files.readString(dir.resolve("call-42.json")).contains("\"complete\" : true"));
      assertEquals(fmt, Wav.read(dir.resolve("agent-only.wav")).format());
    }
  }

  @Test
  void theBridgeExampleListens() throws Exception {
    try (AtomsClient client = AtomsClient.builder().apiKey("sk_readme").build()) {
      PhoneBridge bridge = ReadmeExamples.bridge(client, 0);
      assertTrue(bridge.getPort() > 0);
      bridge.shutdown();
    }
  }
}
