package dev.atomsrealtime.internal;

import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The fast paths of the two audio frames, which bypass Jackson entirely: encoding is constant
 * bytes plus the JDK's (intrinsified) base64; decoding takes the frame in the exact form the
 * encoder writes and servers send, {@code {"type":"<type>","audio":"<base64>"}}, straight from its
 * bytes, and leaves every other form to the JSON parser, which also reports the errors. Servers
 * and the SDK write exactly that form, so the parser only sees audio frames from other writers.
 *
 * <p>Thread-safe: instances hold only constants.
 */
final class AudioFrames {
  /** {@code input_audio_buffer.append}, what clients send. */
  static final AudioFrames APPEND = new AudioFrames(InputAudioBufferAppendEvent.TYPE);
  /** {@code output_audio.delta}, what servers send. */
  static final AudioFrames DELTA = new AudioFrames(OutputAudioDeltaEvent.TYPE);

  private static final byte[] SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private final byte[] prefix;
  /** The prefix as a buffer, only ever read (equals() leaves position and limit alone). */
  private final ByteBuffer prefixView;

  private AudioFrames(String type) {
    this.prefix = ("{\"type\":\"" + type + "\",\"audio\":\"").getBytes(StandardCharsets.US_ASCII);
    this.prefixView = ByteBuffer.wrap(prefix).asReadOnlyBuffer();
  }

  /** The frame for {@code length} bytes of PCM from {@code offset}, as UTF-8 JSON. */
  byte[] encode(byte[] pcm, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, pcm.length);
    int b64Length = 4 * ((length + 2) / 3);
    byte[] frame = new byte[prefix.length + b64Length + SUFFIX.length];
    // The JDK's (intrinsified) encoder takes a whole source array and writes from index 0 of the
    // destination: encode into the frame itself, then slide the text behind the prefix
    // (arraycopy handles the overlap). The frame is the only allocation.
    byte[] source =
        offset == 0 && length == pcm.length ? pcm : RangeScratch.copy(pcm, offset, length);
    int written = BASE64.encode(source, frame);
    System.arraycopy(frame, 0, frame, prefix.length, written);
    System.arraycopy(prefix, 0, frame, 0, prefix.length);
    System.arraycopy(SUFFIX, 0, frame, prefix.length + written, SUFFIX.length);
    return frame;
  }

  /**
   * The PCM of a frame in the exact form {@link #encode} writes, or null for any other frame. The
   * value is not scanned first: the base64 decoder rejects every byte outside its alphabet (quotes,
   * backslashes, control and non-ASCII bytes), so if the bytes between the prefix and the final
   * {@code "}} decode, they are the whole string and the frame is exactly that object. Anything
   * else (other key order, whitespace, extra keys, bad base64) returns null and takes the general
   * path, which also produces the error.
   */
  byte[] canonicalPcm(byte[] utf8, int offset, int length) {
    int end = offset + length;
    int start = offset + prefix.length;
    if (length < prefix.length + SUFFIX.length
        || utf8[end - 1] != '}'
        || utf8[end - 2] != '"') {
      return null;
    }
    // One view of the frame serves both steps: first the prefix (buffer equality compares with
    // the JDK's vectorized mismatch, as ranged Arrays.equals would, and exists on every Android
    // level), then the base64 text. Buffer methods are called through Buffer: Android API 26
    // lacks ByteBuffer's covariant overrides.
    ByteBuffer view = ByteBuffer.wrap(utf8, offset, prefix.length);
    if (!view.equals(prefixView)) {
      return null;
    }
    ((Buffer) view).limit(end - 2).position(start);
    try {
      return decodeBase64(view);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] decodeBase64(ByteBuffer text) {
    // The decoder's array is the exact size for valid input; should it ever be larger, the event
    // gets a copy holding only the PCM.
    ByteBuffer decoded = Base64.getDecoder().decode(text);
    return decoded.remaining() == decoded.array().length
        ? decoded.array()
        : Arrays.copyOf(decoded.array(), decoded.remaining());
  }


  /**
   * A per-thread array for encoding a range of a larger array (the JDK encoder only takes whole
   * arrays). Senders use one chunk size, so the array is reused; nothing is shared between
   * threads.
   */
  private static final class RangeScratch {
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    static byte[] copy(byte[] pcm, int offset, int length) {
      byte[] s = SCRATCH.get();
      if (s == null || s.length != length) {
        s = new byte[length];
        if (length <= 64 * 1024) {
          SCRATCH.set(s);
        }
      }
      System.arraycopy(pcm, offset, s, 0, length);
      return s;
    }
  }
}
