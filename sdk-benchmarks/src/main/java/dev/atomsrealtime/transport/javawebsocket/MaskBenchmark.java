package dev.atomsrealtime.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Masking alone, the SDK's two ways side by side: a {@code VarHandle} byte-array view ({@code
 * varHandleView}, used on the JVM and on Android from API 33) and absolute {@code getLong}/{@code
 * putLong} on the frame's heap buffer ({@code byteBufferView}, the fallback on older Android), in
 * one run so that both see the same machine. {@link #check()} refuses to run unless both mask
 * identically.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MaskBenchmark {
  private static final int KEY = 0x5A3C_96E1;
  private static final int OFFSET = 8; // where a 64 KiB-or-smaller frame's payload starts

  /** 960 = 20 ms, 4800 = 100 ms of 24 kHz mono PCM16 (the payload is the event, a bit larger). */
  @Param({"960", "4800"})
  public int length;

  private byte[] frame;
  private ByteBuffer wrapped;

  @Setup
  public void check() {
    frame = new byte[OFFSET + length];
    new java.util.Random(7).nextBytes(frame);
    byte[] a = frame.clone();
    byte[] b = frame.clone();
    ClientFrames.mask(ByteBuffer.wrap(a), OFFSET, length, KEY);
    VarHandleMask.mask(b, OFFSET, length, KEY);
    if (!Arrays.equals(a, b) || Arrays.equals(a, frame)) {
      throw new IllegalStateException("the two maskings differ");
    }
    wrapped = ByteBuffer.wrap(frame);
  }

  @Benchmark
  public ByteBuffer byteBufferView() {
    ClientFrames.mask(wrapped, OFFSET, length, KEY);
    return wrapped;
  }

  @Benchmark
  public byte[] varHandleView() {
    VarHandleMask.mask(frame, OFFSET, length, KEY);
    return frame;
  }
}
