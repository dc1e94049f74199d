package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads and writes whole WAV files in memory. For streaming, use {@link WavFileSource} and
 * {@link WavFileSink}.
 *
 * <p>Reading accepts what {@link WavFileSource} accepts: 16-bit integer PCM (format tag 1) or 8-bit
 * G.711 (tags 6 and 7), or WAVE_FORMAT_EXTENSIBLE with one of those subformats, mono or stereo, 8000 to 48000 Hz, with any
 * extra chunks ({@code LIST}, {@code fact}, ...) and odd-sized chunk padding; a data size left as
 * a placeholder by a streaming writer (0, 0x7ffff000 or 0xffffffff) means "to the end of the
 * file". Anything else is refused with an {@link AudioException} naming what was found and what is
 * supported. G.711 files (A-law, format tag 6; mu-law, tag 7; 8-bit) are read in their own format:
 * {@link WavData#convertTo} decodes them. Writing produces a canonical 44-byte-header 16-bit PCM
 * WAV, or for a G.711 format a tag 6 or 7 WAV with its 'fact' chunk.
 *
 * <p>Thread-safe (stateless).
 */
public final class Wav {

  private Wav() {}

  /**
   * Reads a whole WAV file.
   *
   * @param path the file
   * @return the format and PCM of the file
   * @throws AudioException if the file cannot be read or is not a supported WAV file
   */
  public static WavData read(Path path) {
    Objects.requireNonNull(path, "path");
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      return read(in, path.getFileName().toString());
    } catch (IOException e) {
      throw new AudioException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a whole WAV stream (for example a classpath resource) to its end. The stream is not
   * closed.
   *
   * @param name how to name the stream in error messages
   * @param in the stream to read
   * @return the format and PCM of the stream
   * @throws AudioException if the stream cannot be read or is not a supported WAV file
   */
  public static WavData read(InputStream in, String name) {
    Objects.requireNonNull(in, "in");
    WavHeader header = WavHeader.read(in, name);
    try {
      byte[] pcm = header.dataBytes() < 0
          ? Backports.readUpTo(in, -1)
          : Backports.readUpTo(in, Math.toIntExact(header.dataBytes()));
      int frameBytes = header.format().bytesPerFrame();
      int whole = pcm.length - pcm.length % frameBytes; // a truncated file may end mid-frame
      return new WavData(header.format(), whole == pcm.length ? pcm : Arrays.copyOf(pcm, whole));
    } catch (IOException e) {
      throw new AudioException(name + ": cannot read WAV data: " + e.getMessage(), e);
    } catch (ArithmeticException e) {
      throw new AudioException(name + ": WAV data of " + header.dataBytes()
          + " bytes is too large to hold in memory", e);
    }
  }

  /**
   * Writes {@code pcm} as a WAV file, replacing any existing file.
   *
   * @param path the file
   * @param format 16-bit little-endian PCM (any rate, any channel count) or G.711
   * @param pcm the samples: 16-bit PCM, or G.711 codes
   * @throws IllegalArgumentException if {@code format} is not 16-bit little-endian or G.711, or
   *     {@code pcm} is not a whole number of frames
   * @throws AudioException if the file cannot be written
   */
  public static void write(Path path, PcmFormat format, byte[] pcm) {
    Objects.requireNonNull(path, "path");
    try (OutputStream out = Files.newOutputStream(path)) {
      write(out, format, pcm);
    } catch (IOException e) {
      throw new AudioException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code data} as a WAV file, like {@link #write(Path, PcmFormat, byte[])}.
   *
   * @param path the file
   * @param data the data
   */
  public static void write(Path path, WavData data) {
    write(path, data.format(), data.pcm());
  }

  /**
   * Writes a WAV header and {@code pcm} to {@code out}, which is not closed.
   *
   * @param out the stream to write
   * @param format 16-bit little-endian PCM (any rate, any channel count) or G.711
   * @param pcm the samples: 16-bit PCM, or G.711 codes
   * @throws IllegalArgumentException if {@code format} is not 16-bit little-endian or G.711, or
   *     {@code pcm} is not a whole number of frames
   * @throws java.io.IOException if writing fails
   */
  public static void write(OutputStream out, PcmFormat format, byte[] pcm) throws IOException {
    if (pcm.length % format.bytesPerFrame() != 0) {
      throw new IllegalArgumentException(pcm.length + " bytes is not a whole number of frames of "
          + format);
    }
    out.write(WavHeader.canonical(format, pcm.length));
    out.write(pcm);
  }
}
