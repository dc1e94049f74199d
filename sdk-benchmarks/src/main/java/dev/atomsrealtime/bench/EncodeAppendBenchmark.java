package dev.atomsrealtime.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.internal.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * {@code input_audio_buffer.append} from PCM: the SDK's codec against the floor (JDK base64 plus
 * hand-built JSON) and the databind code a user writes without the SDK. Every variant must produce
 * the same JSON text; {@link #check()} refuses to run otherwise.
 *
 * <p>Output types differ on purpose: the SDK and {@code floorBytes} produce the UTF-8 frame the
 * transport sends; the others produce the {@code String} a user hands to {@code send(String)}
 * (which then costs one more UTF-8 conversion inside the WebSocket library, not measured here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeAppendBenchmark {
  private static final EventCodec CODEC = EventCodec.INSTANCE;
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final String PREFIX = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";
  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** 960 = 20 ms, 4800 = 100 ms of 24 kHz mono PCM16. */
  @Param({"960", "4800"})
  public int pcmBytes;

  private byte[] pcm;

  @Setup
  public void check() throws Exception {
    pcm = Pcm.noise(pcmBytes);
    String expected = PREFIX + B64.encodeToString(pcm) + "\"}";
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("sdk", new String(sdk(), StandardCharsets.UTF_8));
    outputs.put("floorString", floorString());
    outputs.put("floorBytes", new String(floorBytes(), StandardCharsets.UTF_8));
    outputs.put("naiveTreeJdkB64", naiveTreeJdkB64());
    outputs.put("naiveTreeJacksonB64", naiveTreeJacksonB64());
    outputs.put("naiveRecord", naiveRecord());
    for (Map.Entry<String, String> e : outputs.entrySet()) {
      if (!expected.equals(e.getValue())) {
        throw new IllegalStateException(e.getKey() + " does not produce the reference JSON: "
            + abbreviate(e.getValue()) + " vs " + abbreviate(expected));
      }
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 60) + "..." + s.substring(s.length() - 60);
  }

  /** The SDK: {@code EventCodec.encodeAudioAppend}, the frame the session sends. */
  @Benchmark
  public byte[] sdk() {
    return CODEC.encodeAudioAppend(pcm, 0, pcm.length);
  }

  /** Floor as the probe measured it: JDK base64 to a String, JSON built with a StringBuilder. */
  @Benchmark
  public String floorString() {
    String b64 = B64.encodeToString(pcm);
    return new StringBuilder(PREFIX.length() + b64.length() + 2)
        .append(PREFIX)
        .append(b64)
        .append("\"}")
        .toString();
  }

  /**
   * Allocation floor for a UTF-8 frame: one array of the frame's exact size. The JDK encoder writes
   * only at offset 0, so the base64 is encoded at the front and moved up behind the prefix.
   */
  @Benchmark
  public byte[] floorBytes() {
    int b64Length = 4 * ((pcm.length + 2) / 3);
    byte[] frame = new byte[PREFIX_BYTES.length + b64Length + 2];
    B64.encode(pcm, frame);
    System.arraycopy(frame, 0, frame, PREFIX_BYTES.length, b64Length);
    System.arraycopy(PREFIX_BYTES, 0, frame, 0, PREFIX_BYTES.length);
    frame[frame.length - 2] = '"';
    frame[frame.length - 1] = '}';
    return frame;
  }

  /** Naive: an ObjectNode with the audio as a JDK base64 String, written as a String. */
  @Benchmark
  public String naiveTreeJdkB64() throws JsonProcessingException {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "input_audio_buffer.append");
    node.put("audio", B64.encodeToString(pcm));
    return MAPPER.writeValueAsString(node);
  }

  /** Naive: an ObjectNode with the audio as {@code byte[]} (Jackson does the base64). */
  @Benchmark
  public String naiveTreeJacksonB64() throws JsonProcessingException {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "input_audio_buffer.append");
    node.put("audio", pcm);
    return MAPPER.writeValueAsString(node);
  }

  /** Naive: a record with the audio as a JDK base64 String, written as a String. */
  @Benchmark
  public String naiveRecord() throws JsonProcessingException {
    return MAPPER.writeValueAsString(
        new NaiveEvents.AppendEvent("input_audio_buffer.append", B64.encodeToString(pcm)));
  }
}
