package dev.atomsrealtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.internal.CodecPaths;
import dev.atomsrealtime.internal.EventCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * {@code output_audio.delta} to PCM: the SDK's codec against the floor (indexOf extraction plus JDK
 * base64) and the databind code a user writes without the SDK. Every variant must yield the same
 * PCM; {@link #check()} refuses to run otherwise.
 *
 * <p>The {@code String} input is what the Java-WebSocket transport delivers (it decodes the frame's
 * UTF-8 into a String first); the {@code byte[]} input is what a transport delivering bytes (or a
 * binary frame) gives. The SDK returns its event, which wraps the decoded PCM without a copy.
 *
 * <p>{@code paths} decodes the frame in two {@link Shaped#shape shapes} with the codec's audio fast
 * path on and off, side by side: the form servers send (what the fast path is for), and the same
 * frame with one more key after the audio (the fast path's worst miss: its checks of the frame's
 * start and end pass and base64 decoding fails at the key, then the parser decodes the frame).
 * Every shape and codec must yield the same PCM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeDeltaBenchmark {
  private static final EventCodec CODEC = EventCodec.INSTANCE;
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TYPE_KEY = "\"type\":\"";
  private static final String AUDIO_KEY = "\"audio\":\"";
  private static final String DELTA = "output_audio.delta";
  private static final byte[] AUDIO_KEY_BYTES = AUDIO_KEY.getBytes(StandardCharsets.US_ASCII);

  /** 960 = 20 ms, 4800 = 100 ms of 24 kHz mono PCM16. */
  @Param({"960", "4800"})
  public int pcmBytes;

  private String frameText;
  private byte[] frameUtf8;

  @Setup
  public void check() throws Exception {
    byte[] pcm = Pcm.noise(pcmBytes);
    frameText = "{\"type\":\"output_audio.delta\",\"audio\":\""
        + Base64.getEncoder().encodeToString(pcm) + "\"}";
    frameUtf8 = frameText.getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> outputs = new LinkedHashMap<>();
    outputs.put("sdkFromString", pcmOf(sdkFromString()));
    outputs.put("sdkFromBytes", pcmOf(sdkFromBytes()));
    outputs.put("floorString", floorString());
    outputs.put("floorBytes", floorBytes());
    outputs.put("naiveTreeJdkB64", naiveTreeJdkB64());
    outputs.put("naiveTreeJacksonB64", naiveTreeJacksonB64());
    outputs.put("naiveRecord", naiveRecord());
    for (Map.Entry<String, byte[]> e : outputs.entrySet()) {
      if (!Arrays.equals(pcm, e.getValue())) {
        throw new IllegalStateException(e.getKey() + " does not yield the reference PCM ("
            + e.getValue().length + " bytes vs " + pcm.length + ")");
      }
    }
  }

  /** A delta frame in one shape, decoded by the codec with its fast path on or off. */
  @State(Scope.Benchmark)
  public static class Shaped {
    /** How the frame is written; see {@link #frame}. */
    @Param({"canonical", "trailingKey"})
    public String shape;

    /** Whether the codec takes its fast path; see {@link CodecPaths#codec}. */
    @Param({"fastPath", "parserOnly"})
    public String codecPaths;

    private EventCodec codec;
    private byte[] frameUtf8;

    @Setup
    public void check(DecodeDeltaBenchmark outer) {
      byte[] pcm = Pcm.noise(outer.pcmBytes);
      codec = CodecPaths.codec(codecPaths);
      frameUtf8 = frame(shape, Base64.getEncoder().encodeToString(pcm))
          .getBytes(StandardCharsets.UTF_8);
      if (!Arrays.equals(pcm, pcmOf(codec.decodeServer(frameUtf8, 0, frameUtf8.length)))) {
        throw new IllegalStateException(shape + " with " + codecPaths + " decodes other PCM");
      }
    }

    static String frame(String shape, String b64) {
      switch (shape) {
        case "canonical":
          return "{\"type\":\"output_audio.delta\",\"audio\":\"" + b64 + "\"}";
        case "trailingKey":
          return "{\"type\":\"output_audio.delta\",\"audio\":\"" + b64
              + "\",\"event_id\":\"evt_0042\"}";
        default:
          throw new IllegalArgumentException("unknown shape: " + shape);
      }
    }
  }

  /** The shaped frame's UTF-8 bytes through {@code decodeServer(byte[], int, int)}. */
  @Benchmark
  public ServerEvent paths(Shaped shaped) {
    return shaped.codec.decodeServer(shaped.frameUtf8, 0, shaped.frameUtf8.length);
  }

  private static byte[] pcmOf(ServerEvent event) {
    if (!(event instanceof OutputAudioDeltaEvent delta)) {
      throw new IllegalStateException("the SDK decoded " + event + ", not a delta");
    }
    return delta.audioCopy();
  }

  /** The SDK from a String: what a transport that only has Strings (the JDK one) pays. */
  @Benchmark
  public ServerEvent sdkFromString() {
    return CODEC.decodeServer(frameText);
  }

  /**
   * The SDK as the Java-WebSocket transport drives it: the frame's UTF-8 bytes, {@code
   * decodeServer(byte[], int, int)}.
   */
  @Benchmark
  public ServerEvent sdkFromBytes() {
    return CODEC.decodeServer(frameUtf8, 0, frameUtf8.length);
  }

  /** Floor as the probe measured it: indexOf on the String, JDK base64 of the substring. */
  @Benchmark
  public byte[] floorString() {
    String s = frameText;
    int type = s.indexOf(TYPE_KEY);
    if (type < 0 || !s.startsWith(DELTA, type + TYPE_KEY.length())) {
      throw new IllegalArgumentException("not a delta");
    }
    int start = s.indexOf(AUDIO_KEY) + AUDIO_KEY.length();
    int end = s.indexOf('"', start);
    return B64.decode(s.substring(start, end));
  }

  /**
   * Floor from UTF-8 bytes: find the audio key, take the value up to the frame's last quote (not a
   * JSON parser: it relies on the frame's known shape), decode in place into one output array.
   */
  @Benchmark
  public byte[] floorBytes() {
    byte[] u = frameUtf8;
    int start = indexOf(u, AUDIO_KEY_BYTES, 0) + AUDIO_KEY_BYTES.length;
    // The frame is known to end with the value's closing quote and '}': scan back to it.
    int end = u.length - 1;
    while (u[end] != '"') {
      end--;
    }
    return B64.decode(ByteBuffer.wrap(u, start, end - start)).array();
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("no audio");
  }

  /** Naive: {@code readTree}, then JDK base64 of the audio's text. */
  @Benchmark
  public byte[] naiveTreeJdkB64() throws IOException {
    JsonNode node = MAPPER.readTree(frameText);
    if (!DELTA.equals(node.get("type").asText())) {
      throw new IllegalArgumentException("not a delta");
    }
    return B64.decode(node.get("audio").asText());
  }

  /** Naive: {@code readTree}, then Jackson's base64 ({@code binaryValue()}). */
  @Benchmark
  public byte[] naiveTreeJacksonB64() throws IOException {
    JsonNode node = MAPPER.readTree(frameText);
    if (!DELTA.equals(node.get("type").asText())) {
      throw new IllegalArgumentException("not a delta");
    }
    return node.get("audio").binaryValue();
  }

  /** Naive: a record bound with {@code readValue}, then JDK base64 of its audio String. */
  @Benchmark
  public byte[] naiveRecord() throws IOException {
    NaiveEvents.DeltaEvent event = MAPPER.readValue(frameText, NaiveEvents.DeltaEvent.class);
    if (!DELTA.equals(event.type())) {
      throw new IllegalArgumentException("not a delta");
    }
    return B64.decode(event.audio());
  }
}
