package dev.atomsrealtime.recording;

import dev.atomsrealtime.audio.VoiceActivityDetector;
import java.util.Arrays;

/**
 * Places both sides of a call on one timeline of frames from the start of the recording, and hands
 * finished stereo frames (left: user, right: agent) to a writer.
 *
 * <p>Placement: a user chunk of {@code n} frames sent at time {@code t} covers the {@code n}
 * frames before {@code t}; an agent piece handed to the sink at {@code t} starts at {@code t}, or
 * where the previous piece ends if that is later (the sink plays them one after the other). A
 * channel never goes back in time. A cut at {@code t} silences the agent channel from {@code t}:
 * what was handed over but not played by then was never heard. Frames more than {@link
 * #SLACK_MILLIS} behind the latest time seen are final and written; so are the oldest when more
 * than {@link #MAX_PENDING_MILLIS} are pending, which bounds memory.
 *
 * <p>Not thread-safe: the recorder's thread only.
 */
final class RecordingTimeline {
  /** How far behind the latest time frames stay open to a cut that arrives a little late. */
  static final int SLACK_MILLIS = 500;
  /** The most audio held in memory before the oldest is written whatever comes. */
  static final int MAX_PENDING_MILLIS = 20_000;

  /** Where finished stereo frames go. */
  interface Writer {
    /** Writes {@code frames} interleaved stereo PCM16 frames of {@code pcm} from 0. */
    void write(byte[] pcm, int frames);
  }

  /** What the timeline tells the transcript about the audio it placed. */
  interface Marks {
    /** A user chunk with speech in it was placed at {@code [start, end)}. */
    void userVoiced(long start, long end);

    /** Agent audio was placed at {@code [start, end)}. */
    void agentPlaced(long start, long end);

    /** The agent channel was silenced from {@code at}. */
    void agentCut(long at);
  }

  private final int rateHz;
  private final long startNanos;
  private final double voiceThresholdDbfs;
  private final Writer writer;
  private final Marks marks;
  private final long slackFrames;
  private final long maxPendingFrames;
  private long committed; // frames written
  private short[] left = new short[0];
  private short[] right = new short[0];
  private long leftEnd; // absolute frame after the last user frame placed
  private long rightEnd;
  private long latest; // the latest position seen
  private byte[] out = new byte[0];

  RecordingTimeline(int rateHz, long startNanos, double voiceThresholdDbfs, Writer writer,
      Marks marks) {
    this.rateHz = rateHz;
    this.startNanos = startNanos;
    this.voiceThresholdDbfs = voiceThresholdDbfs;
    this.writer = writer;
    this.marks = marks;
    this.slackFrames = (long) rateHz * SLACK_MILLIS / 1000;
    this.maxPendingFrames = (long) rateHz * MAX_PENDING_MILLIS / 1000;
  }

  /** The frame at session time {@code nanos}. */
  long position(long nanos) {
    return Math.max(0, Math.floorDiv((nanos - startNanos) * (long) rateHz, 1_000_000_000L));
  }

  /** Milliseconds from the start of the recording to {@code frame}. */
  double millis(long frame) {
    return frame * 1000.0 / rateHz;
  }

  void user(byte[] pcm, int length, long nanos) {
    int n = length / 2;
    long at = position(nanos);
    long start = Math.max(Math.max(leftEnd, at - n), committed);
    place(true, pcm, n, start);
    leftEnd = start + n;
    if (VoiceActivityDetector.rmsDbfs(pcm, 0, length) >= voiceThresholdDbfs) {
      marks.userVoiced(start, start + n);
    }
    advance(at);
  }

  void agent(byte[] pcm, int length, long nanos) {
    int n = length / 2;
    long at = position(nanos);
    long start = Math.max(Math.max(rightEnd, at), committed);
    place(false, pcm, n, start);
    rightEnd = start + n;
    marks.agentPlaced(start, start + n);
    advance(at);
  }

  void cut(long nanos) {
    long at = Math.max(position(nanos), committed);
    if (rightEnd > at) {
      Arrays.fill(right, (int) (at - committed), (int) (rightEnd - committed), (short) 0);
      rightEnd = at;
    }
    marks.agentCut(at);
    advance(at);
  }

  /** Time passed (an event): write what is final. */
  void tick(long nanos) {
    advance(position(nanos));
  }

  /** The end: writes everything placed. */
  void finish(long nanos) {
    latest = Math.max(latest, position(nanos));
    commit(Math.max(leftEnd, rightEnd));
  }

  /** Frames written so far. */
  long written() {
    return committed;
  }

  /** Frames held in memory (placed or reserved, not yet written): what bounds its memory. */
  int heldFrames() {
    return left.length;
  }

  private void advance(long at) {
    latest = Math.max(latest, at);
    long upTo = latest - slackFrames;
    long pending = Math.max(leftEnd, rightEnd) - committed;
    if (pending > maxPendingFrames) {
      upTo = Math.max(upTo, committed + pending - maxPendingFrames);
    }
    commit(upTo);
  }

  private void place(boolean user, byte[] pcm, int frames, long start) {
    int from = (int) (start - committed);
    ensure(from + frames);
    short[] channel = user ? left : right;
    for (int i = 0, p = 0; i < frames; i++, p += 2) {
      channel[from + i] = (short) ((pcm[p + 1] << 8) | (pcm[p] & 0xff));
    }
  }

  private void ensure(int frames) {
    if (left.length < frames) {
      int size = Math.max(frames, left.length * 2);
      left = Arrays.copyOf(left, size);
      right = Arrays.copyOf(right, size);
    }
  }

  /** Writes frames up to {@code upTo} (absolute), silence where nothing was placed. */
  private void commit(long upTo) {
    while (upTo > committed) { // a second at a time: a long silence needs no big buffer
      commitBlock((int) Math.min(upTo - committed, rateHz));
    }
  }

  private void commitBlock(int frames) {
    ensure(frames);
    if (out.length < frames * 4) {
      out = new byte[frames * 4];
    }
    for (int i = 0, p = 0; i < frames; i++, p += 4) {
      short l = left[i];
      short r = right[i];
      out[p] = (byte) l;
      out[p + 1] = (byte) (l >> 8);
      out[p + 2] = (byte) r;
      out[p + 3] = (byte) (r >> 8);
    }
    writer.write(out, frames);
    int keep = left.length - frames;
    System.arraycopy(left, frames, left, 0, keep);
    System.arraycopy(right, frames, right, 0, keep);
    Arrays.fill(left, keep, left.length, (short) 0);
    Arrays.fill(right, keep, right.length, (short) 0);
    committed += frames;
    leftEnd = Math.max(leftEnd, committed);
    rightEnd = Math.max(rightEnd, committed);
  }
}
