package dev.atomsrealtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.Duplex;
import dev.atomsrealtime.reconnect.ReconnectPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every option default the README documents (the tables "Reconnect, keepalive, backpressure and
 * timeouts" and "Audio") and every option's validation, at its edges: the last value accepted and
 * the first refused.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OptionsContractTest {

  @Test
  void sessionOptionDefaultsAreTheDocumentedOnes() {
    SessionOptions o = SessionOptions.builder().build();
    assertNull(o.agentId());
    assertEquals(Mode.WEBCALL, o.mode());
    assertEquals(24_000, o.sampleRateHz());
    assertEquals(Map.of(), o.variables());
    assertEquals(AuthPlacement.HEADER, o.authPlacement(), "the Authorization header");
    assertEquals(Duration.ofSeconds(10), o.connectTimeout());
    assertEquals(Duration.ofSeconds(10), o.sessionCreatedTimeout());
    assertEquals(Duration.ofSeconds(2), o.closeTimeout());
    assertSame(ReconnectPolicy.never(), o.reconnectPolicy());
    assertEquals(Duration.ofSeconds(10), o.reconnectBackoffResetAfter());
    assertEquals(Duration.ofSeconds(15), o.keepaliveInterval());
    assertEquals(Duration.ofSeconds(45), o.idleTimeout());
    assertEquals(2_000, o.maxQueuedAudioMillis());
    assertEquals(10_000, o.maxPendingListenerEvents());
  }

  @Test
  void audioOptionDefaultsAreTheDocumentedOnes() {
    AudioOptions o = AudioOptions.builder().build();
    assertEquals(20, o.chunkMillis(), "20 ms chunks");
    assertEquals(Duplex.FULL, o.duplex());
    assertEquals(300, o.halfDuplexTailMillis(), "the 300 ms half-duplex tail");
    assertEquals(60_000, o.playbackQueueMillis());
    assertEquals(Duration.ofSeconds(5), o.staleDeltaTimeout());
    assertTrue(o.streamSilenceAfterSourceEnds(), "silence keeps streaming after a file ends");
    assertEquals(-45.0, o.voiceThresholdDbfs());
  }

  private static void refused(Consumer<SessionOptions.Builder> set) {
    SessionOptions.Builder b = SessionOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> set.accept(b));
  }

  private static void refusedAudio(Consumer<AudioOptions.Builder> set) {
    AudioOptions.Builder b = AudioOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> set.accept(b));
  }

  @Test
  void everyDurationMustBePositive() {
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofNanos(-1)}) {
      refused(b -> b.connectTimeout(bad));
      refused(b -> b.sessionCreatedTimeout(bad));
      refused(b -> b.closeTimeout(bad));
      refused(b -> b.reconnectBackoffResetAfter(bad));
      refused(b -> b.keepaliveInterval(bad));
      refused(b -> b.idleTimeout(bad));
      refusedAudio(b -> b.staleDeltaTimeout(bad));
    }
    Duration one = Duration.ofNanos(1);
    SessionOptions o = SessionOptions.builder().connectTimeout(one).sessionCreatedTimeout(one)
        .closeTimeout(one).reconnectBackoffResetAfter(one).keepaliveInterval(one)
        .idleTimeout(Duration.ofNanos(2)).build();
    assertEquals(one, o.connectTimeout());
    assertEquals(one, o.sessionCreatedTimeout());
    assertEquals(one, o.closeTimeout());
    assertEquals(one, o.reconnectBackoffResetAfter());
    assertEquals(one, o.keepaliveInterval());
    assertEquals(Duration.ofNanos(2), o.idleTimeout());
    assertEquals(one, AudioOptions.builder().staleDeltaTimeout(one).build().staleDeltaTimeout());
  }

  @Test
  void nullsAreRefused() {
    SessionOptions.Builder b = SessionOptions.builder();
    assertThrows(NullPointerException.class, () -> b.connectTimeout(null));
    assertThrows(NullPointerException.class, () -> b.reconnectPolicy(null));
    assertThrows(NullPointerException.class, () -> b.authPlacement(null));
    assertThrows(NullPointerException.class, () -> b.variable(null, "x"));
    assertThrows(NullPointerException.class, () -> b.variable("x", null));
    AudioOptions.Builder a = AudioOptions.builder();
    assertThrows(NullPointerException.class, () -> a.duplex(null));
    assertThrows(NullPointerException.class, () -> a.staleDeltaTimeout(null));
  }

  @Test
  void theIdleTimeoutMustBeLongerThanThePingInterval() {
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder()
        .keepaliveInterval(Duration.ofSeconds(45)).build());
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder()
        .keepaliveInterval(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(10)).build());
    assertEquals(Duration.ofSeconds(11), SessionOptions.builder()
        .keepaliveInterval(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(11)).build()
        .idleTimeout());
  }

  @Test
  void sampleRatesAreTheFourTheServiceSpeaks() {
    for (int rate : new int[] {8_000, 16_000, 24_000, 48_000}) {
      assertEquals(rate, SessionOptions.builder().sampleRateHz(rate).build().sampleRateHz());
    }
    for (int rate : new int[] {0, -16_000, 11_025, 22_050, 44_100, 96_000}) {
      refused(b -> b.sampleRateHz(rate));
    }
  }

  @Test
  void queueAndListenerBoundsHaveTheirRanges() {
    refused(b -> b.maxQueuedAudioMillis(99));
    refused(b -> b.maxQueuedAudioMillis(60_001));
    assertEquals(100, SessionOptions.builder().maxQueuedAudioMillis(100).build()
        .maxQueuedAudioMillis());
    assertEquals(60_000, SessionOptions.builder().maxQueuedAudioMillis(60_000).build()
        .maxQueuedAudioMillis());
    refused(b -> b.maxPendingListenerEvents(99));
    assertEquals(100, SessionOptions.builder().maxPendingListenerEvents(100).build()
        .maxPendingListenerEvents());
  }

  @Test
  void agentIdAndVariables() {
    refused(b -> b.agentId(" "));
    refused(b -> b.agentId(""));
    assertNull(SessionOptions.builder().agentId(null).build().agentId());
    refused(b -> b.variable("v", new Object()));
    refused(b -> b.variable("v", Double.NaN));
    refused(b -> b.variable("v", Float.POSITIVE_INFINITY));
    SessionOptions o = SessionOptions.builder().variable("a", "x").variable("b", 2)
        .variable("c", true).variable("d", 1.5).build();
    assertEquals(Map.of("a", "x", "b", 2, "c", true, "d", 1.5), o.variables());
    assertEquals("[a, b, c, d]", o.variables().keySet().toString(), "insertion order");
    SessionOptions replaced = o.toBuilder().variables(Map.of("z", 1)).build();
    assertEquals(Map.of("z", 1), replaced.variables());
    assertThrows(UnsupportedOperationException.class, () -> o.variables().put("e", 1));
  }

  @Test
  void audioRanges() {
    refusedAudio(b -> b.chunkMillis(9));
    refusedAudio(b -> b.chunkMillis(101));
    assertEquals(10, AudioOptions.builder().chunkMillis(10).build().chunkMillis());
    assertEquals(100, AudioOptions.builder().chunkMillis(100).build().chunkMillis());
    refusedAudio(b -> b.halfDuplexTailMillis(-1));
    refusedAudio(b -> b.halfDuplexTailMillis(5_001));
    assertEquals(0, AudioOptions.builder().halfDuplexTailMillis(0).build()
        .halfDuplexTailMillis());
    assertEquals(5_000, AudioOptions.builder().halfDuplexTailMillis(5_000).build()
        .halfDuplexTailMillis());
    refusedAudio(b -> b.playbackQueueMillis(999));
    refusedAudio(b -> b.playbackQueueMillis(600_001));
    assertEquals(1_000, AudioOptions.builder().playbackQueueMillis(1_000).build()
        .playbackQueueMillis());
    assertEquals(600_000, AudioOptions.builder().playbackQueueMillis(600_000).build()
        .playbackQueueMillis());
    refusedAudio(b -> b.voiceThresholdDbfs(-90.01));
    refusedAudio(b -> b.voiceThresholdDbfs(0.01));
    refusedAudio(b -> b.voiceThresholdDbfs(Double.NaN));
    assertEquals(-90, AudioOptions.builder().voiceThresholdDbfs(-90).build()
        .voiceThresholdDbfs());
    assertEquals(0, AudioOptions.builder().voiceThresholdDbfs(0).build().voiceThresholdDbfs());
    assertFalse(AudioOptions.builder().streamSilenceAfterSourceEnds(false).build()
        .streamSilenceAfterSourceEnds());
    assertEquals(Duplex.HALF, AudioOptions.builder().duplex(Duplex.HALF).build().duplex());
  }

  @Test
  void theDocumentedBackoffPolicy() {
    dev.atomsrealtime.reconnect.ExponentialBackoff p =
        (dev.atomsrealtime.reconnect.ExponentialBackoff) ReconnectPolicy.exponentialBackoff();
    assertEquals(Duration.ofMillis(500), p.initialDelay());
    assertEquals(2.0, p.multiplier());
    assertEquals(Duration.ofSeconds(30), p.maxDelay());
    assertEquals(0.2, p.jitterFraction());
    assertEquals(10, p.maxAttempts());
  }
}
