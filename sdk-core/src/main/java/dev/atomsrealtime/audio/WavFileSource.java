package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AudioSource} that plays a WAV file (or stream) as if it were a microphone.
 *
 * <p>Accepts the WAVs that {@link Wav} accepts (16-bit integer PCM or 8-bit G.711 mu-law or
 * A-law, mono or stereo, 8000 to 48000 Hz); {@link #open(PcmFormat)} refuses anything else with an {@link AudioException} naming what
 * was found. The file is converted to exactly the format requested in {@code open} (with a {@link
 * PcmConverter}), so {@code open(PcmFormat.pcm16Mono(24000))} returns {@code pcm16Mono(24000)}
 * whatever the file holds.
 *
 * <p>Pacing. By default reads are paced at real time: the read that completes the first {@code N}
 * milliseconds of audio returns no earlier than {@code N} milliseconds after the first read
 * began, measured against that fixed start, so that lateness never accumulates (a late caller
 * catches up). Time is the {@link AudioClock} given by {@link #setClock} (a session gives its own,
 * virtual in tests), else the system clock. {@link Builder#realTime(boolean) realTime(false)}
 * delivers as fast as the caller reads. {@link #close()} from another thread wakes a paced read,
 * which returns {@code -1}.
 *
 * <p>Thread-safety follows {@link AudioSource}: {@code open} and {@code read} from one thread,
 * {@code close} from any thread. The stream is closed by whichever of {@code close} or an
 * in-progress {@code read} finishes last; a read blocked inside a stream that itself blocks (a
 * pipe) is not interrupted.
 */
public final class WavFileSource implements AudioSource {

  /** File audio read per refill, in milliseconds. */
  private static final int REFILL_MILLIS = 100;

  private final Path path; // null when built from a stream
  private final InputStream givenStream; // null when built from a path
  private final String name;
  private final boolean realTime;

  private final ReentrantLock ioLock = new ReentrantLock(); // held while touching the stream
  private volatile boolean closed;
  private volatile Thread reader; // the thread in read(), for close() to unpark
  private volatile AudioClock clock = AudioClock.system();
  private boolean streamClosed; // guarded by ioLock
  private InputStream in; // guarded by ioLock

  // Reader thread only.
  private boolean opened;
  private PcmFormat fileFormat;
  private PcmFormat format;
  private PcmConverter converter;
  private byte[] raw;
  private long dataRemaining; // bytes left in the data chunk, or -1 to read to the end
  private boolean finished; // converter tail delivered
  private byte[] staged; // converted bytes not yet returned: staged[stagedOffset..+stagedBytes)
  private int stagedOffset;
  private int stagedBytes;
  private boolean started;
  private long startNanos;
  private long framesDelivered;

  private WavFileSource(Builder builder) {
    this.path = builder.path;
    this.givenStream = builder.stream;
    this.name = builder.name;
    this.realTime = builder.realTime;
  }

  /**
   * A real-time paced source reading {@code path}.
   *
   * @param path the file
   * @return a real-time paced source reading {@code path}
   */
  public static WavFileSource of(Path path) {
    return builder(path).build();
  }

  /**
   * Configures a source reading {@code path}, opened on {@link #open(PcmFormat)}.
   *
   * @param path the file
   * @return a new builder
   */
  public static Builder builder(Path path) {
    return new Builder(Objects.requireNonNull(path, "path"), null,
        String.valueOf(path.getFileName()));
  }

  /**
   * Configures a source reading {@code stream} (for example a classpath resource), which the
   * source owns from then on and closes on {@link #close()}.
   *
   * @param name how to name the stream in error messages
   * @param stream the stream to read
   * @return a new builder
   */
  public static Builder builder(InputStream stream, String name) {
    return new Builder(null, Objects.requireNonNull(stream, "stream"),
        Objects.requireNonNull(name, "name"));
  }

  @Override
  public void setClock(AudioClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Opens the file, validates its header and prepares conversion to {@code requested}.
   *
   * @return {@code requested}
   * @throws AudioException if the file cannot be read or is not a supported WAV
   * @throws IllegalStateException if already opened or closed
   */
  @Override
  public PcmFormat open(PcmFormat requested) {
    Objects.requireNonNull(requested, "requested");
    if (opened || closed) {
      throw new IllegalStateException(closed ? "closed" : "already opened");
    }
    opened = true;
    ioLock.lock();
    try {
      in = givenStream != null
          ? givenStream
          : new BufferedInputStream(Files.newInputStream(path), 8192);
      WavHeader header = WavHeader.read(in, name);
      fileFormat = header.format();
      dataRemaining = header.dataBytes();
    } catch (IOException | RuntimeException e) {
      closeStream();
      if (e instanceof AudioException) {
        throw (AudioException) e;
      }
      throw new AudioException("cannot open " + name + ": " + e.getMessage(), e);
    } finally {
      ioLock.unlock();
    }
    format = requested;
    converter = PcmConverter.create(fileFormat, requested);
    raw = new byte[fileFormat.bytesForMillis(REFILL_MILLIS)];
    return requested;
  }

  /** The format {@link #read} delivers (the one requested); only valid after {@link #open}. */
  @Override
  public PcmFormat format() {
    if (format == null) {
      throw new IllegalStateException("not opened");
    }
    return format;
  }

  /** {@return the format stored in the file; only valid after {@link #open}} */
  public PcmFormat fileFormat() {
    if (fileFormat == null) {
      throw new IllegalStateException("not opened");
    }
    return fileFormat;
  }

  /** {@return whether reads are paced at real time} */
  public boolean isRealTime() {
    return realTime;
  }

  /**
   * Reads up to {@code length} bytes (rounded down to whole frames), blocking for pacing when
   * real-time.
   *
   * @return the bytes read, or {@code -1} at the end of the file or after {@link #close()}
   * @throws IllegalArgumentException if {@code length} is smaller than one frame
   * @throws IllegalStateException if not opened
   * @throws AudioException if reading the file fails
   */
  @Override
  public int read(byte[] buffer, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    if (!opened) {
      throw new IllegalStateException("not opened");
    }
    int frameBytes = format.bytesPerFrame();
    int maxBytes = length - length % frameBytes;
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("length " + length + " is less than one "
          + frameBytes + "-byte frame");
    }
    if (closed) {
      return -1;
    }
    reader = Thread.currentThread();
    try {
      if (!started) {
        started = true;
        startNanos = clock.nanoTime();
      }
      while (stagedBytes == 0) {
        if (finished || !refill(maxBytes / frameBytes)) {
          return -1;
        }
      }
      int n = Math.min(stagedBytes, maxBytes);
      System.arraycopy(staged, stagedOffset, buffer, offset, n);
      stagedOffset += n;
      stagedBytes -= n;
      long frames = framesDelivered + n / frameBytes;
      if (realTime) {
        awaitSchedule(frames);
      }
      framesDelivered = frames;
      return closed ? -1 : n;
    } finally {
      reader = null;
    }
  }

  /**
   * Reads and converts the next piece of the file into the staging area.
   *
   * @return false if the source was closed meanwhile
   */
  private boolean refill(int wantedFrames) {
    long wantedRawFrames = Math.max(1,
        (long) wantedFrames * fileFormat.sampleRateHz() / format.sampleRateHz());
    int wantedBytes = (int) Math.min(raw.length, fileFormat.bytesForFrames(wantedRawFrames));
    if (dataRemaining >= 0) {
      wantedBytes = (int) Math.min(wantedBytes, dataRemaining);
    }
    int n;
    ioLock.lock();
    try {
      if (closed) {
        closeStream();
        return false;
      }
      n = wantedBytes == 0 ? -1 : in.read(raw, 0, wantedBytes);
    } catch (IOException e) {
      if (closed) {
        return false;
      }
      throw new AudioException("cannot read " + name + ": " + e.getMessage(), e);
    } finally {
      ioLock.unlock();
    }
    if (closed) {
      closeStreamIfIdle();
      return false;
    }
    if (n < 0) {
      stagedBytes = converter.finish();
      finished = true;
    } else {
      if (dataRemaining >= 0) {
        dataRemaining -= n;
      }
      stagedBytes = converter.convert(raw, 0, n);
    }
    staged = converter.outputArray();
    stagedOffset = converter.outputOffset();
    return true;
  }

  /** Parks until {@code frames} frames of audio are due, or until closed. */
  private void awaitSchedule(long frames) {
    int rateHz = format.sampleRateHz();
    long dueNanos = (frames / rateHz) * 1_000_000_000L + (frames % rateHz) * 1_000_000_000L
        / rateHz;
    long deadline = startNanos + dueNanos;
    AudioClock c = clock;
    while (!closed && deadline - c.nanoTime() > 0) {
      c.parkUntil(deadline);
    }
  }

  /**
   * Closes the source: a paced {@code read} in another thread returns {@code -1} promptly, and
   * later reads return {@code -1}. Idempotent; never throws.
   */
  @Override
  public void close() {
    closed = true;
    Thread t = reader;
    if (t != null) {
      LockSupport.unpark(t);
    }
    closeStreamIfIdle();
  }

  private void closeStreamIfIdle() {
    if (ioLock.tryLock()) {
      try {
        closeStream();
      } finally {
        ioLock.unlock();
      }
    }
  }

  /** Closes the stream once; caller holds {@link #ioLock}. */
  private void closeStream() {
    if (streamClosed) {
      return;
    }
    streamClosed = true;
    InputStream toClose = in != null ? in : givenStream;
    if (toClose != null) {
      try {
        toClose.close();
      } catch (IOException ignored) {
        // Nothing was written; a failed close of a read-only stream loses nothing.
      }
    }
  }

  /** Configures a {@link WavFileSource}. Not thread-safe. */
  public static final class Builder {
    private final Path path;
    private final InputStream stream;
    private final String name;
    private boolean realTime = true;

    private Builder(Path path, InputStream stream, String name) {
      this.path = path;
      this.stream = stream;
      this.name = name;
    }

    /**
     * Whether reads are paced at real time like a microphone (default {@code true}), or return as
     * fast as the caller reads ({@code false}, for tests and batch processing).
     *
     * @param realTime whether to pace reads at real time
     * @return this builder
     */
    public Builder realTime(boolean realTime) {
      this.realTime = realTime;
      return this;
    }

    /**
     * Builds the source; the file is opened by {@link WavFileSource#open(PcmFormat)}.
     *
     * @return the wav file source
     */
    public WavFileSource build() {
      return new WavFileSource(this);
    }
  }
}
