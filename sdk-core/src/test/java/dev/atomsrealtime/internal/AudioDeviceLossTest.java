package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.TranscriptEvent;
import dev.atomsrealtime.testing.RecordingListener;
import dev.atomsrealtime.testing.ScriptedClient;
import dev.atomsrealtime.testing.ScriptedTransports.Scripted;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A device lost mid-call (the README: "a device unplugged mid-call ends capture or playback with
 * AudioDeviceLostException, reported through SessionListener.onAudioError"): a microphone and a
 * speaker that work, then fail the way a device driver does, while the session stays open.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AudioDeviceLossTest {
  private static final Duration WAIT = ScriptedClient.WAIT;
  private static final PcmFormat FMT = PcmFormat.pcm16Mono(16_000);

  private final ScriptedClient scripted = new ScriptedClient();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void close() {
    scripted.close();
  }

  /** Works for {@code goodReads} chunks, then is "unplugged". */
  static final class LosingMicrophone implements AudioSource {
    private final CountDownLatch allowLoss = new CountDownLatch(1);
    private int reads;

    @Override
    public PcmFormat open(PcmFormat requested) {
      return FMT;
    }

    @Override
    public PcmFormat format() {
      return FMT;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (reads++ == 0) {
        java.util.Arrays.fill(buffer, offset, offset + length, (byte) 1);
        return length;
      }
      try {
        allowLoss.await(10, TimeUnit.SECONDS); // the device works until the test unplugs it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new AudioException("Microphone lost: the device was unplugged");
    }

    @Override
    public void close() {
      allowLoss.countDown();
    }
  }

  /** Plays the first write, then is "unplugged". */
  static final class LosingSpeaker implements AudioSink {
    private int writes;

    @Override
    public PcmFormat open(PcmFormat requested) {
      return FMT;
    }

    @Override
    public PcmFormat format() {
      return FMT;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      if (writes++ > 0) {
        throw new AudioException("Speaker lost: the device was unplugged");
      }
    }

    @Override
    public void flush() {}

    @Override
    public void drain() {}

    @Override
    public long framesPlayed() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static String delta(int bytes) {
    return "{\"type\":\"output_audio.delta\",\"audio\":\""
        + Base64.getEncoder().encodeToString(new byte[bytes]) + "\"}";
  }

  @Test
  void aDeviceLostMidCallIsReportedThroughOnAudioErrorAndTheCallGoesOn() throws Exception {
    AtomsSession s = scripted.session(SessionOptions.builder().sampleRateHz(16_000), listener);
    LosingMicrophone mic = new LosingMicrophone();
    SessionAudio audio = s.attachAudio(mic, new LosingSpeaker());
    Scripted t = scripted.open(s, listener);
    t.receive("{\"type\":\"agent_start_talking\"}", delta(640), delta(640), delta(640));
    mic.allowLoss.countDown();
    assertTrue(audio.awaitSourceEnded(WAIT), "capture ended");
    List<AudioException> errors = listener.awaitAudioErrors(2, WAIT);
    assertTrue(errors.stream().anyMatch(e -> e.getMessage().startsWith("Microphone lost")),
        errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.getMessage().startsWith("Speaker lost")),
        errors.toString());
    // The session itself is unharmed.
    assertEquals(SessionState.OPEN, s.state());
    t.receive("{\"type\":\"transcript\",\"role\":\"user\",\"text\":\"still here\"}");
    assertEquals("still here", listener.awaitEvent(TranscriptEvent.class, WAIT).text());
  }
}
