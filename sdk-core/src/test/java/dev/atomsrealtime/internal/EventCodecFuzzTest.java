package dev.atomsrealtime.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Coverage-guided fuzzing of the frame decoder with <a
 * href="https://github.com/CodeIntelligenceTesting/jazzer">Jazzer</a>. Any input must either decode
 * or throw {@link InvalidFrameException}; anything else thrown is a finding, and so is an audio
 * event whose bytes differ from a strict reference decoding (the JDK's strict UTF-8 decoder, then
 * Jackson on the whole frame, then {@code java.util.Base64}), a frame the reference refuses but the codec accepts, or entry points
 * ({@code byte[]} at an offset, {@code String}, heap and direct {@code ByteBuffer}) that disagree.
 *
 * <p><b>Regression mode</b> (every {@code ./mvnw verify}): each method runs once per input in
 * {@code src/test/resources/dev/atomsrealtime/internal/EventCodecFuzzTestInputs/<method>/}, the
 * committed corpus of real frames and past findings; it takes well under a second.
 *
 * <p><b>Fuzzing mode</b> (by hand, one method per run; see {@code sdk-core/FUZZING.md}):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -pl sdk-core test -Dtest='EventCodecFuzzTest#decodeServer' \
 *     -Djazzer.instrument='dev.atomsrealtime.**,com.fasterxml.jackson.**'
 * </pre>
 *
 * <p>Findings are written to the inputs directory above as {@code crash-<sha1>}: keep each one as a
 * regression input (rename it to say what it is) with the fix.
 */
class EventCodecFuzzTest {
  private static final EventCodec CODEC = EventCodec.INSTANCE;

  /**
   * The reference: a strict, plain Jackson parse with the codec's documented limits (nesting at
   * most 256 deep, strings of any length) and nothing after the object.
   */
  private static final ObjectMapper REFERENCE =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxStringLength(Integer.MAX_VALUE)
                          .maxNestingDepth(256)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Server frames through every decodeServer entry point. */
  @FuzzTest(maxDuration = "60m", maxExecutions = 1_000_000)
  void decodeServer(byte[] frame) {
    Reference ref = Reference.of(frame, OutputAudioDeltaEvent.TYPE);

    // byte[] at an offset, surrounded by bytes that would complete a truncated frame if the
    // decoder ever read outside its range.
    byte[] padded = new byte[frame.length + 4];
    padded[0] = '{';
    padded[1] = '"';
    System.arraycopy(frame, 0, padded, 2, frame.length);
    padded[frame.length + 2] = '"';
    padded[frame.length + 3] = '}';
    Result<ServerEvent> bytes = Result.of(() -> CODEC.decodeServer(padded, 2, frame.length));
    checkAgainstReference("decodeServer(byte[])", bytes, ref);

    // A binary frame: strictly validated UTF-8, then the same decoding.
    boolean validUtf8 = isValidUtf8(frame);
    Result<ServerEvent> heap =
        Result.of(() -> CODEC.decodeServer(ByteBuffer.wrap(padded, 2, frame.length).slice()));
    ByteBuffer direct = ByteBuffer.allocateDirect(frame.length);
    direct.put(frame).flip();
    Result<ServerEvent> offHeap = Result.of(() -> CODEC.decodeServer(direct));
    if (validUtf8) {
      same("decodeServer(heap ByteBuffer)", bytes, heap);
      same("decodeServer(direct ByteBuffer)", bytes, offHeap);
    } else {
      mustRefuse("decodeServer(heap ByteBuffer) of invalid UTF-8", heap);
      mustRefuse("decodeServer(direct ByteBuffer) of invalid UTF-8", offHeap);
    }

    // A text frame: the String's UTF-8 encoding decodes like those bytes.
    String text = new String(frame, StandardCharsets.UTF_8);
    Result<ServerEvent> fromText = Result.of(() -> CODEC.decodeServer(text));
    byte[] reencoded = text.getBytes(StandardCharsets.UTF_8);
    if (Arrays.equals(reencoded, frame)) {
      same("decodeServer(String)", bytes, fromText);
    } else {
      Reference textRef = Reference.of(reencoded, OutputAudioDeltaEvent.TYPE);
      checkAgainstReference("decodeServer(String)", fromText, textRef);
    }
  }

  /** Client frames (what the test server decodes). */
  @FuzzTest(maxDuration = "60m", maxExecutions = 1_000_000)
  void decodeClient(byte[] frame) {
    Reference ref = Reference.of(frame, InputAudioBufferAppendEvent.TYPE);
    byte[] padded = new byte[frame.length + 2];
    padded[0] = '{';
    System.arraycopy(frame, 0, padded, 1, frame.length);
    padded[frame.length + 1] = '}';
    Result<ClientEvent> bytes = Result.of(() -> CODEC.decodeClient(padded, 1, frame.length));
    if (ref.refused && bytes.value != null) {
      throw new AssertionError(
          "decodeClient accepted a frame the reference refuses (" + ref.why + "): " + bytes.value);
    }
    if (bytes.value instanceof InputAudioBufferAppendEvent append) {
      if (!ref.audioEvent || !Arrays.equals(ref.audio, append.audioCopy())) {
        throw new AssertionError("decodeClient audio differs from the reference: " + ref);
      }
    } else if (ref.audioEvent && ref.audio != null) {
      throw new AssertionError("decodeClient did not decode an append event: " + bytes);
    }
    String text = new String(frame, StandardCharsets.UTF_8);
    Result<ClientEvent> fromText = Result.of(() -> CODEC.decodeClient(text));
    if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), frame)) {
      same("decodeClient(String)", bytes, fromText);
    }
  }

  // -----------------------------------------------------------------------------------------------

  private static void checkAgainstReference(String what, Result<ServerEvent> got, Reference ref) {
    if (ref.refused) {
      if (got.value != null) {
        throw new AssertionError(
            what + " accepted a frame the reference refuses (" + ref.why + "): " + got.value);
      }
      return;
    }
    if (got.value instanceof OutputAudioDeltaEvent delta) {
      if (!ref.audioEvent || ref.audio == null) {
        throw new AssertionError(what + " decoded audio the reference does not see: " + ref);
      }
      if (!Arrays.equals(ref.audio, delta.audioCopy())) {
        throw new AssertionError(
            what
                + " decoded "
                + delta.audioBytes()
                + " audio bytes that differ from the reference's "
                + ref.audio.length);
      }
    } else if (ref.audioEvent && ref.audio != null) {
      throw new AssertionError(what + " did not decode the audio the reference sees: " + got);
    } else if (got.value instanceof UnknownServerEvent unknown
        && !unknown.type().equals(ref.type)) {
      throw new AssertionError(
          what + " kept type '" + unknown.type() + "', reference '" + ref.type + "'");
    }
  }

  private static <T> void same(String what, Result<T> expected, Result<T> got) {
    if (expected.value != null || got.value != null) {
      if (!Objects.equals(expected.value, got.value)) {
        throw new AssertionError(
            what + " decoded " + got + " where decodeServer(byte[]) decoded " + expected);
      }
    }
  }

  private static void mustRefuse(String what, Result<?> got) {
    if (got.value != null) {
      throw new AssertionError(what + " was accepted: " + got.value);
    }
  }

  private static boolean isValidUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** A decoded value, or the InvalidFrameException; any other throwable propagates (a finding). */
  private record Result<T>(T value, InvalidFrameException refusal) {
    static <T> Result<T> of(java.util.function.Supplier<T> decode) {
      try {
        T value = decode.get();
        if (value == null) {
          throw new AssertionError("the decoder returned null");
        }
        return new Result<>(value, null);
      } catch (InvalidFrameException e) {
        if (e.getMessage() == null || e.getMessage().isEmpty()) {
          throw new AssertionError("an InvalidFrameException without a message", e);
        }
        return new Result<>(null, e);
      }
    }

    @Override
    public String toString() {
      return value != null ? value.toString() : "refusal: " + refusal.getMessage();
    }
  }

  /** What the strict reference makes of a frame. */
  private static final class Reference {
    boolean refused;
    String why;
    String type = "";
    boolean audioEvent;
    byte[] audio; // null when the audio field is missing, not a string, or not valid base64

    static Reference of(byte[] frame, String audioType) {
      Reference r = new Reference();
      // Strict UTF-8 first: Jackson alone lets some invalid sequences through (overlong forms in
      // values; field names its name cache matches without decoding them).
      if (!isValidUtf8(frame)) {
        r.refused = true;
        r.why = "invalid UTF-8";
        return r;
      }
      JsonNode node;
      try {
        node = REFERENCE.readTree(frame);
      } catch (IOException e) {
        r.refused = true;
        r.why = e.getClass().getSimpleName();
        return r;
      }
      if (node == null || !node.isObject()) {
        r.refused = true;
        r.why = "not an object";
        return r;
      }
      JsonNode type = node.get("type");
      r.type = type != null && type.isTextual() ? type.textValue() : "";
      r.audioEvent = r.type.equals(audioType);
      if (r.audioEvent) {
        JsonNode audio = node.get("audio");
        if (audio == null || !audio.isTextual()) {
          r.refused = true;
          r.why = "audio event without an audio string";
        } else {
          try {
            r.audio = Base64.getDecoder().decode(audio.textValue());
          } catch (IllegalArgumentException e) {
            r.refused = true;
            r.why = "invalid base64";
          }
        }
      }
      return r;
    }

    @Override
    public String toString() {
      return "Reference[type="
          + type
          + (refused ? ", refused: " + why : "")
          + (audio == null ? "" : ", audio=" + audio.length + " bytes")
          + "]";
    }
  }
}
