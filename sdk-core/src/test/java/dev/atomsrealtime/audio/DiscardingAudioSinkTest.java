package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DiscardingAudioSinkTest {

  @Test
  void takesEverythingInTheFormatItWasOpenedWithAndCountsFrames() {
    DiscardingAudioSink sink = new DiscardingAudioSink();
    assertNull(sink.format());
    assertThrows(IllegalStateException.class, () -> sink.write(new byte[4], 0, 4));
    PcmFormat stereo = PcmFormat.pcm16(48_000, 2);
    assertEquals(stereo, sink.open(stereo));
    sink.write(new byte[40], 0, 40);
    assertEquals(16, sink.writeAvailable(new byte[20], 4, 16), "always takes all");
    assertEquals(14, sink.framesPlayed());
    sink.flush();
    assertEquals(14, sink.framesPlayed(), "nothing is buffered, so nothing is flushed");
    assertThrows(IndexOutOfBoundsException.class, () -> sink.write(new byte[4], 2, 4));
  }
}
