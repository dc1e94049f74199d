package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.Duplex;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.TurnMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The microphone level is measured only when someone reads it or turn metrics need it. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CaptureStageLevelTest {
  private static final PcmFormat FORMAT = PcmFormat.pcm16Mono(16_000);
  private final long[] now = {1_000_000_000L};
  private final List<byte[]> sent = new ArrayList<>();

  private CaptureStage stage(TurnMetricsRecorder metrics) {
    ChunkSender sender = (pcm, offset, length) -> {
      sent.add(java.util.Arrays.copyOfRange(pcm, offset, offset + length));
      return ChunkSender.Result.SENT;
    };
    return new CaptureStage(FORMAT, FORMAT, AudioOptions.defaults(),
        new CaptureGate(Duplex.FULL, 0, null, () -> now[0]), sender, new AudioCounters(), metrics,
        new AudioTaps(java.util.Collections.emptyList(), e -> { }), () -> now[0]);
  }

  /** One 20 ms chunk of a full-scale square wave (0 dBFS). */
  private static byte[] loudChunk() {
    byte[] pcm = new byte[FORMAT.bytesForMillis(20)];
    for (int i = 0; i < pcm.length; i += 2) {
      short s = (i / 2) % 2 == 0 ? Short.MAX_VALUE : -Short.MAX_VALUE;
      pcm[i] = (byte) s;
      pcm[i + 1] = (byte) (s >> 8);
    }
    return pcm;
  }

  private static void push(CaptureStage stage, byte[] chunk) {
    stage.pull((buffer, offset, length) -> {
      System.arraycopy(chunk, 0, buffer, offset, length);
      return length;
    });
  }

  @Test
  void withoutTurnMetricsTheLevelIsMeasuredFromTheFirstReadOn() {
    CaptureStage stage = stage(null);
    push(stage, loudChunk());
    assertEquals(-120.0, stage.micLevelDbfs(), "not measured before anyone asked");
    push(stage, loudChunk());
    assertTrue(stage.micLevelDbfs() > -1.0, "measured once asked: " + stage.micLevelDbfs());
    assertEquals(2, sent.size(), "both chunks went out as captured");
    assertEquals(loudChunk()[0], sent.get(0)[0]);
  }

  @Test
  void turnMetricsGetTheVoicedChunkAndTheLevelIsThereAtOnce() {
    List<TurnMetrics> turns = new ArrayList<>();
    TurnMetricsRecorder metrics = new TurnMetricsRecorder(turns::add);
    CaptureStage stage = stage(metrics);
    push(stage, loudChunk());
    assertTrue(stage.micLevelDbfs() > -1.0, "measured for the voice detection");
    now[0] += TimeUnit.MILLISECONDS.toNanos(700);
    metrics.turnStarted(now[0], true);
    metrics.turnEnded(false);
    assertEquals(1, turns.size());
    assertEquals(700, turns.get(0).agentStart().orElseThrow().toMillis(),
        "from the voiced chunk to the agent's start");
  }
}
