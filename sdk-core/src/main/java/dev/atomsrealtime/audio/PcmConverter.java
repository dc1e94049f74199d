package dev.atomsrealtime.audio;

import dev.atomsrealtime.internal.Backports;
import java.util.Arrays;
import java.util.Objects;

/**
 * Converts a stream of PCM from one {@link PcmFormat} to another: sample format (unsigned 8-bit,
 * signed 16, 24 or 32-bit, either byte order, G.711 mu-law or A-law), channel count and sample
 * rate.
 *
 * <p>Pipeline, per frame: decode each sample to a float on the 16-bit scale (exact for 8, 16 and
 * 24-bit input and G.711 codes; 32-bit input keeps its top 24 bits); map channels; resample with a band-limited
 * {@link Resampler} when the rates differ; round half up to the output sample format, clipping at
 * full scale (G.711 output is coded by {@link G711} from that 16-bit value, so PCM16 to mu-law or
 * A-law at the same rate is exactly the standard's encoding). Channels are mapped by one rule: with {@code N} input and {@code M} output channels,
 * if {@code N >= M} output channel {@code j} is the average of the input channels {@code i} with
 * {@code i % M == j} (so any layout downmixes to mono by averaging, and 4 channels fold to stereo
 * as {@code (0+2)/2, (1+3)/2}); if {@code N < M} output channel {@code j} repeats input channel
 * {@code j % N} (mono is duplicated to every channel). Resampling runs on {@code min(N, M)}
 * channels.
 *
 * <p>Streaming: {@link #convert(byte[], int, int)} accepts chunks of any length, including ones
 * that end inside a frame or inside a sample; the incomplete frame is kept and completed by the
 * next chunk, so splitting a stream differently never changes the output. The resampler keeps
 * history between chunks, which delays its output by {@link #latencyFrames()} input frames;
 * {@link #finish()} emits that tail at the end of a stream. {@link #reset()} forgets everything
 * (after a barge-in flush, or to start an unrelated stream).
 *
 * <p>Cost: buffers are allocated once and grow only when a larger chunk than ever before arrives;
 * the steady state allocates nothing. When {@code from.equals(to)} the converter is an identity:
 * {@link #convert(byte[], int, int)} hands back the caller's own array without copying whenever
 * the chunk is whole frames.
 *
 * <p>Not thread-safe: one converter serves one stream on one thread at a time.
 */
public final class PcmConverter {

  /** Frames decoded per internal block; bounds the float work buffers. */
  private static final int BLOCK_FRAMES = 2048;

  private final PcmFormat from;
  private final PcmFormat to;
  private final boolean identity;
  private final int inFrameBytes;
  private final int outFrameBytes;
  private final int inChannels;
  private final int outChannels;
  private final int midChannels;
  private final int inCode; // PcmSamples code of the input sample encoding
  private final int outCode; // and of the output
  private final float[] downmixScale; // per mid channel when inChannels > outChannels, else null
  private final Resampler resampler; // null when the rates are equal

  // Conversion state, touched only by the converting thread.
  private final byte[] pending; // bytes of an incomplete input frame
  private int pendingBytes;
  private final float[] mid; // decoded, channel-mapped block
  private final float[] resampled; // resampler output for one block (or the tail)
  private byte[] output = new byte[0];
  private byte[] outputArray = output; // where the last result lives
  private int outputOffset;

  private PcmConverter(PcmFormat from, PcmFormat to) {
    this.from = from;
    this.to = to;
    this.identity = from.equals(to);
    this.inFrameBytes = from.bytesPerFrame();
    this.outFrameBytes = to.bytesPerFrame();
    this.inChannels = from.channels();
    this.outChannels = to.channels();
    this.midChannels = Math.min(inChannels, outChannels);
    this.inCode = PcmSamples.code(from);
    this.outCode = PcmSamples.code(to);
    if (inChannels > outChannels) {
      downmixScale = new float[outChannels];
      for (int i = 0; i < inChannels; i++) {
        downmixScale[i % outChannels] += 1f;
      }
      for (int j = 0; j < outChannels; j++) {
        downmixScale[j] = 1f / downmixScale[j];
      }
    } else {
      downmixScale = null;
    }
    this.resampler = identity || from.sampleRateHz() == to.sampleRateHz()
        ? null
        : Resampler.create(from.sampleRateHz(), to.sampleRateHz(), midChannels);
    this.pending = new byte[inFrameBytes];
    this.mid = identity ? new float[0] : new float[BLOCK_FRAMES * midChannels];
    int resampledFrames = resampler == null
        ? 0
        : Math.max(resampler.maxOutputFrames(BLOCK_FRAMES), resampler.maxTailFrames());
    this.resampled = new float[resampledFrames * midChannels];
  }

  /**
   * Creates a converter from {@code from} to {@code to}. Any pair of formats is supported.
   *
   * @param from the previous state
   * @param to the new state
   * @return the pcm converter
   * @throws NullPointerException if a format is null
   */
  public static PcmConverter create(PcmFormat from, PcmFormat to) {
    return new PcmConverter(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
  }

  /**
   * Converts a whole stream in one call ({@link #convert(byte[], int, int) convert} then {@link
   * #finish()}), returning a new array. A trailing incomplete frame is dropped. Convenient for
   * files and tests; streaming code should keep a converter instead.
   *
   * @param from the previous state
   * @param to the new state
   * @param pcm 16-bit PCM bytes
   * @return the converted PCM
   */
  public static byte[] convertAll(PcmFormat from, PcmFormat to, byte[] pcm) {
    PcmConverter converter = create(from, to);
    byte[] out = new byte[converter.maxOutputBytes(pcm.length) + converter.maxTailBytes()];
    int n = converter.convert(pcm, 0, pcm.length, out, 0);
    n += converter.finish(out, n);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** {@return the input format} */
  public PcmFormat from() {
    return from;
  }

  /** {@return the output format} */
  public PcmFormat to() {
    return to;
  }

  /** {@return whether the formats are equal, so that conversion is a pass-through} */
  public boolean isIdentity() {
    return identity;
  }

  /**
   * Input frames that the resampler holds back before their output can be computed (zero when
   * the rates are equal); {@link #finish()} releases them.
   *
   * @return input frames that the resampler holds back before their output can be computed (zero
   *     when the rates are equal); {@link #finish()} releases them
   */
  public int latencyFrames() {
    return resampler == null ? 0 : resampler.lookaheadFrames();
  }

  /**
   * An upper bound of the bytes the next {@link #convert} of {@code inputBytes} bytes produces;
   * size a caller-provided output array with it.
   *
   * @param inputBytes the input bytes
   * @return an upper bound of the bytes the next {@link #convert} of {@code inputBytes} bytes
   *     produces; size a caller-provided output array with it
   */
  public int maxOutputBytes(int inputBytes) {
    long frames = (pendingBytes + (long) inputBytes) / inFrameBytes;
    long outFrames = resampler == null
        ? frames
        : resampler.maxOutputFrames(Math.toIntExact(frames));
    return Math.toIntExact(outFrames * outFrameBytes);
  }

  /** {@return an upper bound of the bytes {@link #finish()} produces} */
  public int maxTailBytes() {
    return resampler == null ? 0 : resampler.maxTailFrames() * outFrameBytes;
  }

  /**
   * Converts {@code length} bytes of {@code input} from {@code offset}, into an internal buffer
   * that is reused by the next call. The result is the bytes {@code [outputOffset(),
   * outputOffset() + n)} of {@link #outputArray()}, where {@code n} is the value returned, always a
   * whole number of output frames (possibly zero). For an identity converter that array may be
   * {@code input} itself (no copy); never write to it.
   *
   * @param input the input samples
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @return the output bytes produced
   */
  public int convert(byte[] input, int offset, int length) {
    Backports.checkFromIndexSize(offset, length, input.length);
    if (identity && pendingBytes == 0 && length % inFrameBytes == 0) {
      outputArray = input;
      outputOffset = offset;
      return length;
    }
    int needed = maxOutputBytes(length);
    if (output.length < needed) {
      output = new byte[Math.max(needed, output.length * 2)];
    }
    outputArray = output;
    outputOffset = 0;
    return convert(input, offset, length, output, 0);
  }

  /**
   * Converts {@code length} bytes of {@code input} from {@code offset} into {@code destination}
   * from {@code destinationOffset}, which must have room for {@link #maxOutputBytes(int)
   * maxOutputBytes(length)} bytes.
   *
   * @param input the input samples
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @param destination the array to write into
   * @param destinationOffset where the output starts in {@code destination}
   * @return the output bytes written, always a whole number of output frames (possibly zero)
   * @throws IndexOutOfBoundsException if {@code destination} is too small
   */
  public int convert(byte[] input, int offset, int length, byte[] destination,
      int destinationOffset) {
    Backports.checkFromIndexSize(offset, length, input.length);
    Backports.checkFromIndexSize(destinationOffset, maxOutputBytes(length), destination.length);
    int in = offset;
    int end = offset + length;
    int out = destinationOffset;
    if (pendingBytes > 0) {
      int take = Math.min(inFrameBytes - pendingBytes, length);
      System.arraycopy(input, in, pending, pendingBytes, take);
      pendingBytes += take;
      in += take;
      if (pendingBytes < inFrameBytes) {
        return 0;
      }
      pendingBytes = 0;
      if (identity) {
        System.arraycopy(pending, 0, destination, out, inFrameBytes);
        out += inFrameBytes;
      } else {
        out += convertFrames(pending, 0, 1, destination, out);
      }
    }
    int frames = (end - in) / inFrameBytes;
    if (identity) {
      int bytes = frames * inFrameBytes;
      System.arraycopy(input, in, destination, out, bytes);
      out += bytes;
      in += bytes;
    } else {
      while (frames > 0) {
        int block = Math.min(frames, BLOCK_FRAMES);
        out += convertFrames(input, in, block, destination, out);
        in += block * inFrameBytes;
        frames -= block;
      }
    }
    pendingBytes = end - in;
    System.arraycopy(input, in, pending, 0, pendingBytes);
    return out - destinationOffset;
  }

  /**
   * Ends the stream: produces the resampler's tail into the internal buffer (see {@link
   * #outputArray()}), drops an incomplete trailing input frame, and resets for a new stream.
   *
   * @return the output bytes produced (zero when the rates are equal)
   */
  public int finish() {
    int needed = maxTailBytes();
    if (output.length < needed) {
      output = new byte[needed];
    }
    outputArray = output;
    outputOffset = 0;
    return finish(output, 0);
  }

  /**
   * Like {@link #finish()}, writing into {@code destination}, which must have room for {@link
   * #maxTailBytes()} bytes.
   *
   * @param destination the array to write into
   * @param destinationOffset where the output starts in {@code destination}
   * @return the output bytes written
   */
  public int finish(byte[] destination, int destinationOffset) {
    int written = 0;
    if (resampler != null) {
      int frames = resampler.finish(resampled, 0);
      written = encode(resampled, frames, destination, destinationOffset);
    }
    pendingBytes = 0;
    return written;
  }

  /** Forgets the incomplete frame and the resampler history: the next input starts afresh. */
  public void reset() {
    pendingBytes = 0;
    if (resampler != null) {
      resampler.reset();
    }
  }

  /**
   * {@return the array holding the result of the last {@link #convert(byte[], int, int)} or finish}
   */
  public byte[] outputArray() {
    return outputArray;
  }

  /**
   * Where the result of the last {@link #convert(byte[], int, int)} starts in {@link
   * #outputArray()} (zero after a finish).
   *
   * @return where the result of the last {@link #convert(byte[], int, int)} starts in {@link
   *     #outputArray()} (zero after a finish)
   */
  public int outputOffset() {
    return outputOffset;
  }

  private int convertFrames(byte[] input, int offset, int frames, byte[] destination, int out) {
    decode(input, offset, frames);
    if (resampler == null) {
      return encode(mid, frames, destination, out);
    }
    int produced = resampler.process(mid, 0, frames, resampled, 0);
    return encode(resampled, produced, destination, out);
  }

  /** Decodes {@code frames} input frames into {@link #mid} with {@link #midChannels} channels. */
  private void decode(byte[] input, int offset, int frames) {
    final float[] m = mid;
    final int sampleBytes = from.bytesPerSample();
    int pos = offset;
    if (downmixScale == null) {
      int samples = frames * inChannels;
      for (int s = 0; s < samples; s++, pos += sampleBytes) {
        m[s] = PcmSamples.read(inCode, input, pos);
      }
      return;
    }
    final int mc = midChannels;
    Arrays.fill(m, 0, frames * mc, 0f);
    for (int f = 0, base = 0; f < frames; f++, base += mc) {
      for (int i = 0; i < inChannels; i++, pos += sampleBytes) {
        m[base + i % mc] += PcmSamples.read(inCode, input, pos);
      }
      for (int j = 0; j < mc; j++) {
        m[base + j] *= downmixScale[j];
      }
    }
  }

  /** Encodes {@code frames} frames of {@link #midChannels} floats into output frames. */
  private int encode(float[] source, int frames, byte[] destination, int offset) {
    final int sampleBytes = to.bytesPerSample();
    final int mc = midChannels;
    int pos = offset;
    if (mc == outChannels) {
      int samples = frames * mc;
      for (int s = 0; s < samples; s++, pos += sampleBytes) {
        PcmSamples.write(outCode, source[s], destination, pos);
      }
    } else {
      for (int f = 0, base = 0; f < frames; f++, base += mc) {
        for (int j = 0; j < outChannels; j++, pos += sampleBytes) {
          PcmSamples.write(outCode, source[base + j % mc], destination, pos);
        }
      }
    }
    return frames * outFrameBytes;
  }
}
