package dev.atomsrealtime.transport.javawebsocket;

import dev.atomsrealtime.internal.EventCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.framing.TextFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Building the masked client frame of one {@code input_audio_buffer.append} on the sending thread:
 * the SDK's draft ({@code sdk}) against the Java-WebSocket library's own ({@code library}). Both
 * produce the same frame but for the random masking key; {@link #check()} verifies it by parsing
 * both back with the library's server-side parser.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientFrameBenchmark {
  /** 960 = 20 ms, 4800 = 100 ms of 24 kHz mono PCM16, as an append event. */
  @Param({"960", "4800"})
  public int pcmBytes;

  private byte[] event;
  private final ClientDraft sdkDraft = new ClientDraft((b, o, l) -> { });
  private final Draft_6455 libraryDraft = new Draft_6455();

  @Setup
  public void check() throws Exception {
    byte[] pcm = new byte[pcmBytes];
    new java.util.Random(7).nextBytes(pcm);
    event = EventCodec.INSTANCE.encodeAudioAppend(pcm, 0, pcmBytes);
    sdkDraft.setParseMode(Role.CLIENT);
    libraryDraft.setParseMode(Role.CLIENT);
    ByteBuffer a = payloadOf(sdk());
    ByteBuffer b = payloadOf(library());
    if (!a.equals(ByteBuffer.wrap(event)) || !b.equals(ByteBuffer.wrap(event))) {
      throw new IllegalStateException("a frame does not carry the event");
    }
  }

  private static ByteBuffer payloadOf(ByteBuffer frame) throws Exception {
    Draft_6455 server = new Draft_6455();
    server.setParseMode(Role.SERVER);
    return server.translateFrame(frame).get(0).getPayloadData();
  }

  private TextFrame frame() {
    TextFrame f = new TextFrame();
    f.setPayload(ByteBuffer.wrap(event));
    return f;
  }

  @Benchmark
  public ByteBuffer sdk() {
    return sdkDraft.createBinaryFrame(frame());
  }

  @Benchmark
  public ByteBuffer library() {
    return libraryDraft.createBinaryFrame(frame());
  }
}
