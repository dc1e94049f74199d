package dev.atomsrealtime.recording;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Placement on the recording's timeline, cuts, and the memory bound, without a session. */
@Timeout(value = 10, unit = SECONDS)
class RecordingTimelineTest {
  static final int RATE = 8_000;
  static final long MS = 1_000_000L;

  final ByteArrayOutputStream written = new ByteArrayOutputStream();
  final List<String> marks = new ArrayList<>();
  int maxHeld;
  final RecordingTimeline timeline = new RecordingTimeline(RATE, 1_000 * MS, -45.0,
      (pcm, frames) -> written.write(pcm, 0, frames * 4), new RecordingTimeline.Marks() {
        @Override
        public void userVoiced(long start, long end) {
          marks.add("user " + start + "-" + end);
        }

        @Override
        public void agentPlaced(long start, long end) {
          marks.add("agent " + start + "-" + end);
        }

        @Override
        public void agentCut(long at) {
          marks.add("cut " + at);
        }
      });

  static byte[] constant(int frames, int value) {
    byte[] pcm = new byte[frames * 2];
    for (int i = 0; i < frames; i++) {
      pcm[2 * i] = (byte) value;
      pcm[2 * i + 1] = (byte) (value >> 8);
    }
    return pcm;
  }

  short sample(int frame, int channel) {
    byte[] b = written.toByteArray();
    int p = frame * 4 + channel * 2;
    return (short) ((b[p + 1] << 8) | (b[p] & 0xff));
  }

  @Test
  void userChunksEndWhenTheyWereSentAndAgentPiecesStartWhenTheSinkTookThem() {
    // A 20 ms user chunk sent 100 ms after the start covers 80-100 ms.
    timeline.user(constant(160, 5_000), 320, 1_100 * MS);
    // Agent pieces handed over at 150 ms, twice at once: the second follows the first.
    timeline.agent(constant(80, 3_000), 160, 1_150 * MS);
    timeline.agent(constant(80, 3_001), 160, 1_150 * MS);
    timeline.finish(1_200 * MS);
    assertEquals(List.of("user 640-800", "agent 1200-1280", "agent 1280-1360"), marks);
    assertEquals(1_360, written.size() / 4);
    assertEquals(0, sample(639, 0));
    assertEquals(5_000, sample(640, 0));
    assertEquals(5_000, sample(799, 0));
    assertEquals(0, sample(800, 0));
    assertEquals(0, sample(1_199, 1));
    assertEquals(3_000, sample(1_200, 1));
    assertEquals(3_001, sample(1_359, 1));
  }

  @Test
  void aCutSilencesWhatWasHandedOverButNotYetPlayed() {
    timeline.agent(constant(800, 2_000), 1_600, 1_000 * MS); // 100 ms handed over at 0
    timeline.cut(1_040 * MS); // cut 40 ms in: 60 ms were never heard
    timeline.agent(constant(160, 4_000), 320, 1_100 * MS); // the next reply at 100 ms
    timeline.finish(1_200 * MS);
    assertEquals("cut 320", marks.get(1));
    assertEquals(2_000, sample(319, 1));
    for (int f = 320; f < 800; f++) {
      assertEquals(0, sample(f, 1), "frame " + f);
    }
    assertEquals(4_000, sample(800, 1));
  }

  @Test
  void memoryStaysBoundedWhenAudioRunsFarAheadOfTime() {
    // A sink that takes audio faster than real time: ten minutes handed over at once.
    byte[] second = constant(RATE, 1_000);
    for (int i = 0; i < 600; i++) {
      timeline.agent(second, second.length, 1_000 * MS);
      maxHeld = Math.max(maxHeld, timeline.heldFrames());
    }
    int bound = RATE * RecordingTimeline.MAX_PENDING_MILLIS / 1000;
    assertTrue(maxHeld <= 2 * bound, "held " + maxHeld + " frames");
    timeline.finish(1_000 * MS);
    assertEquals(600 * RATE, written.size() / 4, "nothing lost");
    assertEquals(1_000, sample(600 * RATE - 1, 1));
  }
}
