package dev.atomsrealtime.recording;

import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.AudioTap;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.audio.WavFileSink;
import dev.atomsrealtime.event.ServerEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a call client-side: a stereo WAV (left, the user's audio as it was sent; right, the
 * agent's audio as it was played, so an interruption shows where it cut) on one timeline, and a
 * transcript file (JSON: the turns with role, text, start and end offsets in the recording in
 * milliseconds, whether each agent turn was interrupted, and its latency figures). Works with any
 * source and sink, or with none on one side; attach it to a session with {@link
 * dev.atomsrealtime.audio.AudioOptions.Builder#tap}:
 *
 * <pre>{@code
 * CallRecorder recorder = CallRecorder.inDirectory(dir, "call-42");
 * session.attachAudio(source, sink, AudioOptions.builder().tap(recorder).build());
 * }</pre>
 *
 * <p>Placement follows the session clock, the one {@link TurnMetrics} are measured on, so the gap
 * between the end of the user's speech and the start of the agent's reply in the recording is the
 * turn's "first audio played" latency. See {@link RecordingTimeline} for the rules.
 *
 * <p>Streaming and crashes. The recorder's own thread ({@code atoms-recorder-N}) writes to disk;
 * the session's audio paths only copy into a queue bounded by {@code maxQueuedMillis} (what does
 * not fit is dropped and counted as {@code droppedMillis}), and the timeline holds at most a few
 * seconds, so memory stays bounded whatever the call's length. The WAV's header carries
 * placeholder sizes until the recording ends ({@link dev.atomsrealtime.audio.Wav#read} and most
 * tools then read to the end of the file), so a process that dies mid-call leaves a readable
 * recording up to about {@value RecordingTimeline#SLACK_MILLIS} ms before it died; the transcript
 * file is replaced atomically after each agent turn and at the end ({@code "complete": true}).
 *
 * <p>Thread-safe; one recorder records one session's audio once.
 */
public final class CallRecorder implements AudioTap {
  private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);
  private static final AtomicLong IDS = new AtomicLong();

  private enum Kind { USER, AGENT, CUT, EVENT, METRICS, STOP }

  private record Item(Kind kind, byte[] pcm, long nanos, ServerEvent event, TurnMetrics metrics) {}

  private final Path wavFile;
  private final Path transcriptFile;
  private final int maxQueuedMillis;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong droppedBytes = new AtomicLong();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile PcmFormat format;
  private volatile long maxQueuedBytes;
  private volatile List<RecordedTurn> turns = Collections.emptyList();
  private volatile AudioException failure;
  /** Notified by the recorder's thread after each write to the WAV file, and when it ends. */
  private final Object progress = new Object();
  private long framesOnDisk; // guarded by progress
  private boolean writerDone; // guarded by progress

  private CallRecorder(Path wavFile, Path transcriptFile, int maxQueuedMillis) {
    this.wavFile = Objects.requireNonNull(wavFile, "wavFile");
    this.transcriptFile = Objects.requireNonNull(transcriptFile, "transcriptFile");
    if (maxQueuedMillis < 1_000 || maxQueuedMillis > 600_000) {
      throw new IllegalArgumentException("maxQueuedMillis must be 1000..600000, got "
          + maxQueuedMillis);
    }
    this.maxQueuedMillis = maxQueuedMillis;
  }

  /**
   * A recorder writing {@code wavFile} and {@code transcriptFile} (replaced if they exist), with
   * up to 10 s of audio waiting for the disk.
   *
   * @param wavFile the stereo recording
   * @param transcriptFile the transcript JSON
   * @return the recorder, to be attached with {@code AudioOptions.Builder.tap}
   */
  public static CallRecorder create(Path wavFile, Path transcriptFile) {
    return new CallRecorder(wavFile, transcriptFile, 10_000);
  }

  /**
   * A recorder like {@link #create(Path, Path)} with {@code maxQueued} of audio allowed to wait
   * for the disk (a slow disk, or a session fed faster than real time, needs more).
   *
   * @param wavFile the stereo recording
   * @param transcriptFile the transcript JSON
   * @param maxQueued audio that may wait for the disk before more is dropped: 1 s to 10 minutes
   * @return the recorder
   * @throws IllegalArgumentException if {@code maxQueued} is outside that range
   */
  public static CallRecorder create(Path wavFile, Path transcriptFile, Duration maxQueued) {
    long millis = maxQueued.toMillis();
    return new CallRecorder(wavFile, transcriptFile,
        (int) Math.min(Integer.MAX_VALUE, Math.max(0, millis)));
  }

  /**
   * A recorder writing {@code name.wav} and {@code name.json} in {@code directory}.
   *
   * @param directory where the files go (it must exist)
   * @param name the files' base name
   * @return the recorder
   */
  public static CallRecorder inDirectory(Path directory, String name) {
    Objects.requireNonNull(name, "name");
    return create(directory.resolve(name + ".wav"), directory.resolve(name + ".json"));
  }

  /**
   * The stereo recording's path.
   *
   * @return the path
   */
  public Path wavFile() {
    return wavFile;
  }

  /**
   * The transcript file's path.
   *
   * @return the path
   */
  public Path transcriptFile() {
    return transcriptFile;
  }

  /**
   * The turns recorded so far (updated after each agent turn and at the end).
   *
   * @return the turns in order of their start
   */
  public List<RecordedTurn> turns() {
    return turns;
  }

  /**
   * Audio that could not be recorded because the disk fell behind by more than the queue holds.
   *
   * @return milliseconds dropped, both channels together
   */
  public long droppedMillis() {
    PcmFormat f = format;
    return f == null ? 0 : f.millisForBytes(droppedBytes.get());
  }

  /**
   * Waits until the session's audio stopped and both files are complete.
   *
   * @param timeout how long to wait at most
   * @return true if the recording is finished
   * @throws InterruptedException if interrupted while waiting
   * @throws AudioException if the recording could not be written
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    boolean done = finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    AudioException f = failure;
    if (f != null) {
      throw f;
    }
    return done;
  }

  // -----------------------------------------------------------------------------------------------
  // AudioTap: the session's audio paths; copy and queue, nothing more

  /** {@inheritDoc} Starts the recorder's thread and creates the files. */
  @Override
  public void started(PcmFormat sessionFormat, AudioClock clock) {
    if (format != null) {
      return;
    }
    format = sessionFormat;
    maxQueuedBytes = sessionFormat.bytesForMillis(maxQueuedMillis);
    long startNanos = clock.nanoTime();
    Thread t = new Thread(() -> run(sessionFormat, startNanos),
        "atoms-recorder-" + IDS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void userAudio(byte[] pcm, int offset, int length, long nanos) {
    audio(Kind.USER, pcm, offset, length, nanos);
  }

  @Override
  public void agentAudio(byte[] pcm, int offset, int length, long nanos) {
    audio(Kind.AGENT, pcm, offset, length, nanos);
  }

  @Override
  public void agentAudioCut(long nanos) {
    queue.add(new Item(Kind.CUT, null, nanos, null, null));
  }

  @Override
  public void serverEvent(ServerEvent event, long nanos) {
    queue.add(new Item(Kind.EVENT, null, nanos, event, null));
  }

  @Override
  public void turnMetrics(TurnMetrics metrics) {
    queue.add(new Item(Kind.METRICS, null, 0, null, metrics));
  }

  @Override
  public void stopped(long nanos) {
    if (format == null) {
      finished.countDown(); // never started: nothing to write
      return;
    }
    queue.add(new Item(Kind.STOP, null, nanos, null, null));
  }

  private void audio(Kind kind, byte[] pcm, int offset, int length, long nanos) {
    if (queuedBytes.get() + length > maxQueuedBytes) {
      droppedBytes.addAndGet(length);
      return;
    }
    byte[] copy = new byte[length];
    System.arraycopy(pcm, offset, copy, 0, length);
    queuedBytes.addAndGet(length);
    queue.add(new Item(kind, copy, nanos, null, null));
  }

  // -----------------------------------------------------------------------------------------------
  // The recorder's thread

  private void run(PcmFormat fmt, long startNanos) {
    int rate = fmt.sampleRateHz();
    WavFileSink wav = WavFileSink.create(wavFile);
    TurnLog turnLog = new TurnLog();
    try {
      wav.open(PcmFormat.pcm16(rate, 2));
      RecordingTimeline timeline = new RecordingTimeline(rate, startNanos, -45.0,
          (pcm, frames) -> {
            wav.write(pcm, 0, frames * 4);
            wrote(frames, false);
          }, turnLog);
      while (true) {
        Item item = queue.take();
        if (item.pcm != null) {
          queuedBytes.addAndGet(-item.pcm.length);
        }
        switch (item.kind) {
          case USER -> timeline.user(item.pcm, item.pcm.length, item.nanos);
          case AGENT -> timeline.agent(item.pcm, item.pcm.length, item.nanos);
          case CUT -> timeline.cut(item.nanos);
          case EVENT -> {
            turnLog.event(item.event, timeline.position(item.nanos));
            timeline.tick(item.nanos);
          }
          case METRICS -> {
            turnLog.metrics(item.metrics);
            writeTranscript(turnLog, timeline, rate, false);
          }
          case STOP -> {
            timeline.finish(item.nanos);
            wav.close();
            writeTranscript(turnLog, timeline, rate, true);
            return;
          }
          default -> throw new AssertionError(item.kind);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      log.warn("the call recording to {} failed: {}", wavFile, e.toString());
      failure = e instanceof AudioException ae ? ae
          : new AudioException("the call recording failed: " + e, e);
    } finally {
      wav.close();
      wrote(0, true);
      finished.countDown();
    }
  }

  private void wrote(long frames, boolean done) {
    synchronized (progress) {
      framesOnDisk += frames;
      writerDone |= done;
      progress.notifyAll();
    }
  }

  /**
   * Test support: waits until the recorder's thread has written at least {@code frames} stereo
   * frames to the WAV file (written, not buffered: a process dying now leaves them in the file),
   * or has ended.
   *
   * @return whether that many frames are in the file
   */
  boolean awaitFramesOnDisk(long frames, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (framesOnDisk < frames && !writerDone) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return framesOnDisk >= frames;
    }
  }

  private void writeTranscript(TurnLog turnLog, RecordingTimeline timeline, int rate,
      boolean complete) throws IOException {
    List<RecordedTurn> now = turnLog.snapshot(timeline);
    turns = now;
    TurnLog.write(transcriptFile, wavFile.getFileName().toString(), rate,
        timeline.millis(timeline.written()), droppedMillis(), complete, now);
  }
}
