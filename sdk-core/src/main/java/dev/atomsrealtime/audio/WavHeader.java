package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The parsed header of a RIFF/WAVE stream that this SDK can read, and the parser that validates
 * it. Not API: {@link Wav} and {@link WavFileSource} use it.
 *
 * @param format the format of the data chunk (16-bit little-endian PCM, or G.711)
 * @param dataBytes the declared size of the data chunk, or {@code -1} when the writer left a
 *     placeholder (0, 0x7ffff000 or 0xffffffff) and the data runs to the end of the stream
 */
record WavHeader(PcmFormat format, long dataBytes) {

  static final int MIN_RATE_HZ = 8000;
  static final int MAX_RATE_HZ = 48_000;
  static final String SUPPORTED = "16-bit integer PCM (format tag 1) or 8-bit G.711 A-law (6) or"
      + " mu-law (7), also as WAVE_FORMAT_EXTENSIBLE subformats, mono or stereo, " + MIN_RATE_HZ
      + " to " + MAX_RATE_HZ + " Hz";

  private static final int TAG_PCM = 0x0001;
  private static final int TAG_ALAW = 0x0006;
  private static final int TAG_MULAW = 0x0007;
  /** Where a G.711 header keeps the frame count of its 'fact' chunk. */
  static final int G711_FACT_OFFSET = 46;
  /** Where a G.711 header keeps the data size. */
  static final int G711_DATA_SIZE_OFFSET = 54;
  /** Where a PCM header keeps the data size. */
  static final int PCM_DATA_SIZE_OFFSET = 40;
  private static final int TAG_EXTENSIBLE = 0xFFFE;
  /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID derived from a format tag. */
  private static final byte[] GUID_TAIL = {
      0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
      (byte) 0x9B, 0x71};
  private static final long MAX_FMT_BYTES = 4096;

  /**
   * Reads and validates the header from {@code in}, leaving it positioned at the first data byte.
   *
   * @param name how to name the stream in messages (a file name)
   * @throws AudioException if the stream is not a WAV file this SDK supports, with a message naming
   *     what was found and what is supported
   */
  static WavHeader read(InputStream in, String name) {
    try {
      byte[] riff = new byte[12];
      int got = Backports.readNBytes(in, riff, 0, 12);
      if (got < 12) {
        throw new AudioException(name + ": not a WAV file: " + got
            + " bytes, too short for a RIFF header");
      }
      String magic = ascii(riff, 0);
      if (magic.equals("RIFX")) {
        throw new AudioException(name + ": big-endian RIFX WAV is not supported; supported: "
            + SUPPORTED);
      }
      if (magic.equals("RF64")) {
        throw new AudioException(name + ": RF64 (64-bit) WAV is not supported; supported: "
            + SUPPORTED);
      }
      if (!magic.equals("RIFF") || !ascii(riff, 8).equals("WAVE")) {
        throw new AudioException(name + ": not a WAV file: starts with '" + printable(riff, 0, 4)
            + "' ... '" + printable(riff, 8, 4) + "', expected 'RIFF' ... 'WAVE'");
      }
      PcmFormat format = null;
      byte[] chunkHeader = new byte[8];
      while (true) {
        got = Backports.readNBytes(in, chunkHeader, 0, 8);
        if (got < 8) {
          throw new AudioException(name + ": truncated WAV: no "
              + (format == null ? "'fmt '" : "'data'") + " chunk before the end of the file");
        }
        String id = ascii(chunkHeader, 0);
        long size = u32(chunkHeader, 4);
        if (id.equals("fmt ")) {
          if (size < 16 || size > MAX_FMT_BYTES) {
            throw new AudioException(name + ": corrupt WAV header: 'fmt ' chunk of " + size
                + " bytes (expected 16 to " + MAX_FMT_BYTES + ")");
          }
          byte[] fmt = new byte[(int) size];
          if (Backports.readNBytes(in, fmt, 0, fmt.length) < fmt.length) {
            throw new AudioException(name + ": truncated WAV: ends inside the 'fmt ' chunk");
          }
          skipPad(in, size);
          format = parseFormat(fmt, name);
        } else if (id.equals("data")) {
          if (format == null) {
            throw new AudioException(name + ": corrupt WAV header: 'data' chunk before 'fmt '");
          }
          boolean placeholder = size == 0 || size == 0x7FFF_F000L || size == 0xFFFF_FFFFL;
          return new WavHeader(format, placeholder ? -1 : size);
        } else {
          if (!isChunkId(chunkHeader)) {
            throw new AudioException(name + ": corrupt WAV header: chunk id '"
                + printable(chunkHeader, 0, 4) + "' is not text");
          }
          skipFully(in, size + (size & 1), name, id);
        }
      }
    } catch (IOException e) {
      throw new AudioException(name + ": cannot read WAV header: " + e.getMessage(), e);
    }
  }

  private static PcmFormat parseFormat(byte[] fmt, String name) {
    int tag = u16(fmt, 0);
    int channels = u16(fmt, 2);
    long rateHz = u32(fmt, 4);
    int blockAlign = u16(fmt, 12);
    int bits = u16(fmt, 14);
    int effectiveTag = tag;
    String encoding;
    if (tag == TAG_EXTENSIBLE) {
      if (fmt.length < 40) {
        throw new AudioException(name + ": corrupt WAV header: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk"
            + " of " + fmt.length + " bytes (expected 40)");
      }
      boolean standardGuid = true;
      for (int i = 0; i < GUID_TAIL.length; i++) {
        standardGuid &= fmt[26 + i] == GUID_TAIL[i];
      }
      effectiveTag = standardGuid ? u16(fmt, 24) : -1;
      encoding = "WAVE_FORMAT_EXTENSIBLE with "
          + (standardGuid ? encodingName(effectiveTag) : "a non-standard subformat GUID");
    } else {
      encoding = encodingName(tag);
    }
    String found = encoding + ", " + bits + "-bit, " + channels
        + (channels == 1 ? " channel, " : " channels, ") + rateHz + " Hz";
    boolean g711 = effectiveTag == TAG_ALAW || effectiveTag == TAG_MULAW;
    boolean supported = (effectiveTag == TAG_PCM && bits == 16 || g711 && bits == 8)
        && channels >= 1 && channels <= 2 && rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ;
    if (!supported) {
      throw new AudioException(name + ": unsupported WAV format: " + found + "; supported: "
          + SUPPORTED);
    }
    if (blockAlign != channels * bits / 8) {
      throw new AudioException(name + ": corrupt WAV header: block align " + blockAlign
          + " does not match " + found);
    }
    if (!g711) {
      return PcmFormat.pcm16((int) rateHz, channels);
    }
    return new PcmFormat((int) rateHz, channels, 8, false,
        effectiveTag == TAG_MULAW ? SampleEncoding.MU_LAW : SampleEncoding.A_LAW);
  }

  private static String encodingName(int tag) {
    String known;
    switch (tag) {
      case 0x0001: known = "PCM"; break;
      case 0x0002: known = "MS ADPCM"; break;
      case 0x0003: known = "IEEE float"; break;
      case 0x0006: known = "A-law"; break;
      case 0x0007: known = "mu-law"; break;
      case 0x0011: known = "IMA ADPCM"; break;
      case 0x0031: known = "GSM 6.10"; break;
      case 0x0055: known = "MPEG layer 3"; break;
      default: known = "unknown encoding"; break;
    }
    return known + String.format(" (format tag 0x%04X)", tag);
  }

  private static void skipPad(InputStream in, long size) throws IOException {
    if ((size & 1) != 0 && in.read() < 0) {
      throw new EOFException("no pad byte");
    }
  }

  private static void skipFully(InputStream in, long bytes, String name, String id)
      throws IOException {
    long remaining = bytes;
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new AudioException(name + ": truncated WAV: ends inside the '" + id
              + "' chunk of " + bytes + " bytes, before any 'data' chunk");
        }
        skipped = 1;
      }
      remaining -= skipped;
    }
  }

  private static boolean isChunkId(byte[] b) {
    for (int i = 0; i < 4; i++) {
      if (b[i] < 0x20 || b[i] > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] b, int offset) {
    return new String(b, offset, 4, StandardCharsets.ISO_8859_1);
  }

  private static String printable(byte[] b, int offset, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = offset; i < offset + length; i++) {
      int c = b[i] & 0xff;
      s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return s.toString();
  }

  static int u16(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
  }

  static long u32(byte[] b, int p) {
    return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16
        | (b[p + 3] & 0xffL) << 24;
  }

  /**
   * A canonical header for {@code format} with {@code dataBytes} of data; sizes beyond 32 bits are
   * written as 0xffffffff. 16-bit little-endian PCM gets the 44-byte header (format tag 1); G.711
   * gets format tag 6 or 7 with an 18-byte 'fmt ' chunk and a 'fact' chunk (58 bytes), as the
   * format requires for a non-PCM encoding.
   *
   * @throws IllegalArgumentException for any other format
   */
  static byte[] canonical(PcmFormat format, long dataBytes) {
    boolean g711 = format.encoding() != SampleEncoding.LINEAR;
    if (!g711 && (format.bitsPerSample() != 16 || format.bigEndian())) {
      throw new IllegalArgumentException("WAV writing supports 16-bit little-endian PCM and"
          + " G.711, got " + format);
    }
    byte[] h = new byte[g711 ? 58 : 44];
    put(h, 0, "RIFF");
    putU32(h, 4, Math.min(0xFFFF_FFFFL, dataBytes + h.length - 8));
    put(h, 8, "WAVE");
    put(h, 12, "fmt ");
    putU32(h, 16, g711 ? 18 : 16);
    putU16(h, 20, !g711 ? TAG_PCM
        : format.encoding() == SampleEncoding.MU_LAW ? TAG_MULAW : TAG_ALAW);
    putU16(h, 22, format.channels());
    putU32(h, 24, format.sampleRateHz());
    putU32(h, 28, (long) format.sampleRateHz() * format.bytesPerFrame());
    putU16(h, 32, format.bytesPerFrame());
    putU16(h, 34, format.bitsPerSample());
    int data = PCM_DATA_SIZE_OFFSET - 4;
    if (g711) {
      putU16(h, 36, 0); // cbSize: no extra format bytes
      put(h, 38, "fact");
      putU32(h, 42, 4);
      putU32(h, G711_FACT_OFFSET, Math.min(0xFFFF_FFFFL, format.framesForBytes(dataBytes)));
      data = G711_DATA_SIZE_OFFSET - 4;
    }
    put(h, data, "data");
    putU32(h, data + 4, Math.min(0xFFFF_FFFFL, dataBytes));
    return h;
  }

  /** Where {@link #canonical}'s header for {@code format} keeps the data size. */
  static int dataSizeOffset(PcmFormat format) {
    return format.encoding() == SampleEncoding.LINEAR
        ? PCM_DATA_SIZE_OFFSET : G711_DATA_SIZE_OFFSET;
  }

  static void putU32(byte[] b, int p, long v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
    b[p + 2] = (byte) (v >> 16);
    b[p + 3] = (byte) (v >> 24);
  }

  private static void putU16(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
  }

  private static void put(byte[] b, int p, String ascii) {
    byte[] bytes = ascii.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(bytes, 0, b, p, bytes.length);
  }
}
