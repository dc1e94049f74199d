package dev.atomsrealtime.internal;

import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioTap;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.event.ServerEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's taps ({@link AudioTap}): every call goes to each of them in turn; one that throws
 * is reported once (as an audio error) and detached, so a faulty recorder never breaks audio.
 * Called from the audio paths' threads; the list is copy-on-write.
 */
final class AudioTaps {
  private static final Logger log = LoggerFactory.getLogger(AudioTaps.class);

  private final List<AudioTap> taps;
  private final Consumer<AudioException> errors;
  private final java.util.concurrent.atomic.AtomicBoolean stopped =
      new java.util.concurrent.atomic.AtomicBoolean();

  AudioTaps(List<AudioTap> taps, Consumer<AudioException> errors) {
    this.taps = new CopyOnWriteArrayList<>(taps);
    this.errors = errors;
  }

  boolean isEmpty() {
    return taps.isEmpty();
  }

  void started(PcmFormat format, AudioClock clock) {
    each(t -> t.started(format, clock));
  }

  void userAudio(byte[] pcm, int offset, int length, long nanos) {
    if (!taps.isEmpty()) { // per chunk: no call at all without taps
      each(t -> t.userAudio(pcm, offset, length, nanos));
    }
  }

  void agentAudio(byte[] pcm, int offset, int length, long nanos) {
    if (!taps.isEmpty()) {
      each(t -> t.agentAudio(pcm, offset, length, nanos));
    }
  }

  void agentAudioCut(long nanos) {
    each(t -> t.agentAudioCut(nanos));
  }

  void serverEvent(ServerEvent event, long nanos) {
    each(t -> t.serverEvent(event, nanos));
  }

  void turnMetrics(TurnMetrics metrics) {
    each(t -> t.turnMetrics(metrics));
  }

  /** The audio stopped: each tap hears it once. */
  void stopped(long nanos) {
    if (stopped.compareAndSet(false, true)) {
      each(t -> t.stopped(nanos));
      taps.clear();
    }
  }

  private void each(Consumer<AudioTap> call) {
    for (AudioTap tap : taps) {
      try {
        call.accept(tap);
      } catch (RuntimeException e) {
        taps.remove(tap);
        log.warn("an audio tap failed and was detached: {}", e.toString());
        errors.accept(new AudioException("an audio tap failed and was detached: " + e, e));
      }
    }
  }
}
