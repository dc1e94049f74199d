package dev.atomsrealtime.examples;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's quick start: connect, stream PCM, receive the agent's audio and transcripts,
 * close. Run with {@code ATOMS_API_KEY} set: {@code QuickStart <base-url> <agent-id> <file.wav>}.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws Exception {
    byte[] reply = run(URI.create(args[0]), System.getenv("ATOMS_API_KEY"), args[1],
        Path.of(args[2]));
    System.out.println("received " + reply.length + " bytes of agent audio");
  }

  // --- quick start ---
  public static byte[] run(URI baseUrl, String apiKey, String agentId, Path userWav)
      throws Exception {
    ByteArrayOutputStream agentAudio = new ByteArrayOutputStream();
    CountDownLatch replied = new CountDownLatch(1);

    SessionListener listener = new SessionListener() {
      @Override
      public void onEvent(AtomsSession session, ServerEvent event) {
        if (event instanceof OutputAudioDeltaEvent delta) {
          // Agent speech: PCM 16-bit little-endian mono at the negotiated rate.
          byte[] pcm = delta.audioCopy();
          agentAudio.write(pcm, 0, pcm.length);
        } else if (event instanceof TranscriptEvent t) {
          System.out.println(t.role() + ": " + t.text());
        } else if (event instanceof AgentStopTalkingEvent) {
          replied.countDown();
        }
      }

      @Override
      public void onClosed(AtomsSession session, SessionEnd end) {
        System.out.println("session ended: code " + end.closeCode() + ", " + end.closedReason());
      }
    };

    try (AtomsClient client = AtomsClient.builder().apiKey(apiKey).baseUrl(baseUrl).build()) {
      AtomsSession session = client.newSession(
          SessionOptions.builder().agentId(agentId).sampleRateHz(24_000).build(), listener);
      SessionInfo info = session.connect().get(10, TimeUnit.SECONDS);

      // Stream the user's audio in 20 ms chunks at the rate the server chose.
      PcmFormat format = PcmFormat.pcm16Mono(info.sampleRateHz());
      byte[] pcm = Wav.read(userWav).convertTo(format).pcm();
      int chunkBytes = format.bytesForMillis(20);
      for (int offset = 0; offset < pcm.length; offset += chunkBytes) {
        session.sendAudio(pcm, offset, Math.min(chunkBytes, pcm.length - offset));
        Thread.sleep(20); // a live source paces itself; a file has to be paced
      }
      // Keep streaming silence while the agent answers, so it hears the turn end.
      byte[] silence = new byte[chunkBytes];
      for (int i = 0; i < 1_000 && !replied.await(20, TimeUnit.MILLISECONDS); i++) {
        session.sendAudio(silence);
      }
      session.close(); // graceful: session.close, then the server's session.closed
    }
    return agentAudio.toByteArray();
  }
  // --- end of quick start ---
}
