package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AudioSink} that records to a 16-bit PCM (or G.711) WAV file.
 *
 * <p>{@link #open(PcmFormat)} creates (or truncates) the file and writes a canonical header whose
 * sizes are placeholders (0xffffffff, which readers treat as "to the end of the file", so a
 * crashed recording stays readable); {@link #drain()} and {@link #close()} patch in the real
 * sizes. The sink accepts 16-bit little-endian PCM at the requested rate, with the requested
 * channel count up to two, or G.711 mu-law or A-law when that is what is requested (format tags 7
 * and 6): {@code open} returns that format, and a caller asking for anything else converts (see
 * {@link ConvertingAudioSink}).
 *
 * <p>Writes go straight to the file: nothing is buffered, so {@link #flush()} has nothing to
 * discard and does nothing, {@link #drain()} only patches the header, and {@link #framesPlayed()}
 * counts the frames written. A file holds at most 4 GiB of data; a write beyond that fails.
 *
 * <p>Thread-safety follows {@link AudioSink}: {@code open}, {@code write} and {@code drain} from
 * one thread; {@code flush}, {@code framesPlayed} and {@code close} from any thread. Writes after
 * {@code close} are ignored.
 */
public final class WavFileSink implements AudioSink {

  private static final Logger log = LoggerFactory.getLogger(WavFileSink.class);
  private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 50;

  private final Path path;
  private final ReentrantLock lock = new ReentrantLock(); // guards the file and the fields below
  private RandomAccessFile file;
  private PcmFormat format;
  private boolean opened;
  private boolean closed;
  private long dataBytes;
  private int headerBytes;
  private volatile long framesWritten;

  private WavFileSink(Path path) {
    this.path = path;
  }

  /**
   * A sink that will write {@code path} when opened.
   *
   * @param path the file
   * @return a sink that will write {@code path} when opened
   */
  public static WavFileSink create(Path path) {
    return new WavFileSink(Objects.requireNonNull(path, "path"));
  }

  /**
   * Creates the file and writes a header with placeholder sizes.
   *
   * @return 16-bit little-endian PCM at the requested rate, with {@code min(channels, 2)} channels
   * @throws AudioException if the file cannot be created
   * @throws IllegalStateException if already opened or closed
   */
  @Override
  public PcmFormat open(PcmFormat requested) {
    Objects.requireNonNull(requested, "requested");
    lock.lock();
    try {
      if (opened || closed) {
        throw new IllegalStateException(closed ? "closed" : "already opened");
      }
      opened = true;
      int channels = Math.min(2, requested.channels());
      PcmFormat accepted = requested.encoding() == SampleEncoding.LINEAR
          ? PcmFormat.pcm16(requested.sampleRateHz(), channels)
          : new PcmFormat(requested.sampleRateHz(), channels, 8, false, requested.encoding());
      byte[] header = WavHeader.canonical(accepted, 0);
      headerBytes = header.length;
      WavHeader.putU32(header, 4, 0xFFFF_FFFFL);
      WavHeader.putU32(header, WavHeader.dataSizeOffset(accepted), 0xFFFF_FFFFL);
      try {
        file = new RandomAccessFile(path.toFile(), "rw");
        file.setLength(0);
        file.write(header);
      } catch (IOException e) {
        closeQuietly();
        throw new AudioException("cannot create " + path + ": " + e.getMessage(), e);
      }
      format = accepted;
      return accepted;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public PcmFormat format() {
    PcmFormat f = format;
    if (f == null) {
      throw new IllegalStateException("not opened");
    }
    return f;
  }

  /**
   * Appends whole frames to the file.
   *
   * @throws IllegalArgumentException if {@code length} is not a whole number of frames
   * @throws IllegalStateException if not opened
   * @throws AudioException if the file cannot be written or would exceed 4 GiB of data
   */
  @Override
  public void write(byte[] buffer, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, buffer.length);
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (!opened) {
        throw new IllegalStateException("not opened");
      }
      int frameBytes = format.bytesPerFrame();
      if (length % frameBytes != 0) {
        throw new IllegalArgumentException(length + " bytes is not a whole number of "
            + frameBytes + "-byte frames");
      }
      if (dataBytes + length > MAX_DATA_BYTES) {
        throw new AudioException(path + ": a WAV file holds at most 4 GiB of audio");
      }
      try {
        file.write(buffer, offset, length);
      } catch (IOException e) {
        throw new AudioException("cannot write " + path + ": " + e.getMessage(), e);
      }
      dataBytes += length;
      framesWritten += length / frameBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Does nothing: nothing is buffered, everything written is already in the file. */
  @Override
  public void flush() {}

  /**
   * Patches the header with the sizes written so far, so that the file is complete at this point.
   *
   * @throws AudioException if the header cannot be written
   */
  @Override
  public void drain() {
    lock.lock();
    try {
      if (opened && !closed) {
        patchSizes();
      }
    } catch (IOException e) {
      throw new AudioException("cannot update the header of " + path + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Frames written to the file so far. */
  @Override
  public long framesPlayed() {
    return framesWritten;
  }

  /**
   * Patches the header sizes and closes the file. Waits for a write in progress in another thread.
   * Idempotent; never throws (a failure is logged).
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (file != null && format != null) {
        try {
          patchSizes();
        } catch (IOException e) {
          log.warn("Could not finalize the WAV header of {}; sizes stay placeholders: {}", path,
              e.toString());
        }
      }
      closeQuietly();
    } finally {
      lock.unlock();
    }
  }

  private void patchSizes() throws IOException {
    byte[] size = new byte[4];
    long position = file.getFilePointer();
    WavHeader.putU32(size, 0, dataBytes + headerBytes - 8);
    file.seek(4);
    file.write(size);
    if (format.encoding() != SampleEncoding.LINEAR) {
      WavHeader.putU32(size, 0, format.framesForBytes(dataBytes));
      file.seek(WavHeader.G711_FACT_OFFSET);
      file.write(size);
    }
    WavHeader.putU32(size, 0, dataBytes);
    file.seek(WavHeader.dataSizeOffset(format));
    file.write(size);
    file.seek(position);
  }

  private void closeQuietly() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        log.warn("Could not close {}: {}", path, e.toString());
      }
    }
  }
}
