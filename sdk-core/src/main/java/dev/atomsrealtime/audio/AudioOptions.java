package dev.atomsrealtime.audio;

import java.time.Duration;
import java.util.Objects;

/**
 * How a session's audio engine runs: chunk size, duplex mode, queue bound and barge-in timing.
 * Build with {@link #builder()}; {@link #defaults()} suits most uses.
 *
 * <p>Immutable and thread-safe.
 */
public final class AudioOptions {
  private final int chunkMillis;
  private final Duplex duplex;
  private final int halfDuplexTailMillis;
  private final int playbackQueueMillis;
  private final Duration staleDeltaTimeout;
  private final boolean streamSilenceAfterSourceEnds;
  private final double voiceThresholdDbfs;
  private final java.util.List<AudioTap> taps;

  private AudioOptions(Builder b) {
    this.taps = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(b.taps));
    this.chunkMillis = b.chunkMillis;
    this.duplex = b.duplex;
    this.halfDuplexTailMillis = b.halfDuplexTailMillis;
    this.playbackQueueMillis = b.playbackQueueMillis;
    this.staleDeltaTimeout = b.staleDeltaTimeout;
    this.streamSilenceAfterSourceEnds = b.streamSilenceAfterSourceEnds;
    this.voiceThresholdDbfs = b.voiceThresholdDbfs;
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * 20 ms chunks, full duplex, 60 s playback queue, 5 s stale-delta timeout.
   *
   * @return the default options
   */
  public static AudioOptions defaults() {
    return builder().build();
  }

  /** {@return size of each audio chunk sent to the server, in milliseconds} */
  public int chunkMillis() {
    return chunkMillis;
  }

  /**
   * Full duplex (default), or half duplex for open speakers without echo cancellation.
   *
   * @return the duplex mode
   */
  public Duplex duplex() {
    return duplex;
  }

  /** {@return in half duplex: how long after playback drains the microphone stays gated} */
  public int halfDuplexTailMillis() {
    return halfDuplexTailMillis;
  }

  /** {@return most agent audio held for playback; beyond it, the oldest queued audio is dropped} */
  public int playbackQueueMillis() {
    return playbackQueueMillis;
  }

  /**
   * After {@code interruption}, agent deltas are dropped until the next start-talking event, or
   * until this long has passed without one (so a lost start event cannot mute the agent forever).
   *
   * @return how long agent deltas are dropped after {@code interruption} when no start-talking
   *     event comes
   */
  public Duration staleDeltaTimeout() {
    return staleDeltaTimeout;
  }

  /**
   * Whether the pump keeps streaming silence (in real time) after the source ends, so the
   * server's voice detection sees the end of speech and the conversation can go on.
   *
   * @return whether the pump keeps streaming silence (in real time) after the source ends, so the
   *     server's voice detection sees the end of speech and the conversation can go on
   */
  public boolean streamSilenceAfterSourceEnds() {
    return streamSilenceAfterSourceEnds;
  }

  /** {@return energy above which a microphone chunk counts as speech, for latency measurement} */
  public double voiceThresholdDbfs() {
    return voiceThresholdDbfs;
  }

  /**
   * The taps that observe the session's audio (recorders, second sinks), in the order added.
   *
   * @return an unmodifiable list, empty by default
   */
  public java.util.List<AudioTap> taps() {
    return taps;
  }

  /** Builder for {@link AudioOptions}. Not thread-safe. */
  public static final class Builder {
    private int chunkMillis = 20;
    private Duplex duplex = Duplex.FULL;
    private int halfDuplexTailMillis = 300;
    private int playbackQueueMillis = 60_000;
    private Duration staleDeltaTimeout = Duration.ofSeconds(5);
    private boolean streamSilenceAfterSourceEnds = true;
    private double voiceThresholdDbfs = -45.0;
    private final java.util.List<AudioTap> taps = new java.util.ArrayList<>();

    private Builder() {}

    /**
     * Adds a tap that sees the audio as it really went (a {@link
     * dev.atomsrealtime.recording.CallRecorder}, a second sink). A tap belongs to one session:
     * options holding one are for one {@code attachAudio}.
     *
     * @param tap the tap
     * @return this builder
     */
    public Builder tap(AudioTap tap) {
      taps.add(Objects.requireNonNull(tap, "tap"));
      return this;
    }

    /**
     * Plays the agent's audio into {@code sink} as well as the session's own sink, without a
     * second playback queue and without either waiting for the other: {@code
     * tap(AudioTap.mirrorTo(sink))}.
     *
     * @param sink the second sink, opened and closed by the session
     * @return this builder
     */
    public Builder alsoPlayTo(AudioSink sink) {
      return tap(AudioTap.mirrorTo(sink));
    }

    /**
     * 10 to 100 ms (default 20; the protocol recommends 20-40).
     *
     * @param chunkMillis the chunk length in milliseconds
     * @return this builder
     */
    public Builder chunkMillis(int chunkMillis) {
      if (chunkMillis < 10 || chunkMillis > 100) {
        throw new IllegalArgumentException("chunkMillis must be 10..100, got " + chunkMillis);
      }
      this.chunkMillis = chunkMillis;
      return this;
    }

    /**
     * Full duplex (default), or half duplex for open speakers without echo cancellation.
     *
     * @param duplex full or half duplex
     * @return this builder
     */
    public Builder duplex(Duplex duplex) {
      this.duplex = Objects.requireNonNull(duplex, "duplex");
      return this;
    }

    /**
     * 0 to 5000 ms (default 300).
     *
     * @param halfDuplexTailMillis the half duplex tail in milliseconds
     * @return this builder
     */
    public Builder halfDuplexTailMillis(int halfDuplexTailMillis) {
      if (halfDuplexTailMillis < 0 || halfDuplexTailMillis > 5_000) {
        throw new IllegalArgumentException(
            "halfDuplexTailMillis must be 0..5000, got " + halfDuplexTailMillis);
      }
      this.halfDuplexTailMillis = halfDuplexTailMillis;
      return this;
    }

    /**
     * 1000 to 600000 ms (default 60000).
     *
     * @param playbackQueueMillis the playback queue in milliseconds
     * @return this builder
     */
    public Builder playbackQueueMillis(int playbackQueueMillis) {
      if (playbackQueueMillis < 1_000 || playbackQueueMillis > 600_000) {
        throw new IllegalArgumentException(
            "playbackQueueMillis must be 1000..600000, got " + playbackQueueMillis);
      }
      this.playbackQueueMillis = playbackQueueMillis;
      return this;
    }

    /**
     * See {@link AudioOptions#staleDeltaTimeout()}.
     *
     * @param staleDeltaTimeout the stale delta timeout
     * @return this builder
     */
    public Builder staleDeltaTimeout(Duration staleDeltaTimeout) {
      Objects.requireNonNull(staleDeltaTimeout, "staleDeltaTimeout");
      if (staleDeltaTimeout.isNegative() || staleDeltaTimeout.isZero()) {
        throw new IllegalArgumentException("staleDeltaTimeout must be positive");
      }
      this.staleDeltaTimeout = staleDeltaTimeout;
      return this;
    }

    /**
     * See {@link AudioOptions#streamSilenceAfterSourceEnds()}.
     *
     * @param streamSilenceAfterSourceEnds the stream silence after source ends
     * @return this builder
     */
    public Builder streamSilenceAfterSourceEnds(boolean streamSilenceAfterSourceEnds) {
      this.streamSilenceAfterSourceEnds = streamSilenceAfterSourceEnds;
      return this;
    }

    /**
     * -90 to 0 dBFS (default -45).
     *
     * @param voiceThresholdDbfs the voice threshold in dBFS
     * @return this builder
     */
    public Builder voiceThresholdDbfs(double voiceThresholdDbfs) {
      if (!(voiceThresholdDbfs >= -90 && voiceThresholdDbfs <= 0)) {
        throw new IllegalArgumentException(
            "voiceThresholdDbfs must be -90..0, got " + voiceThresholdDbfs);
      }
      this.voiceThresholdDbfs = voiceThresholdDbfs;
      return this;
    }

    /**
     * Builds the audio options.
     *
     * @return the new {@code AudioOptions}
     */
    public AudioOptions build() {
      return new AudioOptions(this);
    }
  }
}
