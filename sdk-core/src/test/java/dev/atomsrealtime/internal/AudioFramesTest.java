package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audio fast path of the codec: the exact frame servers and the SDK write is decoded without
 * the JSON parser, and on every frame the fast path decodes exactly what the parser decodes, so
 * that it can be taken out (or broken) only by failing a test here.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AudioFramesTest {
  private static final String DELTA_PREFIX = "{\"type\":\"output_audio.delta\",\"audio\":\"";
  private static final String APPEND_PREFIX = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";

  private final LongAdder fastTreeDecodes = new LongAdder();
  /** The codec as shipped (fast path on), counting the frames that reach the parser. */
  private final EventCodec fast = new EventCodec(true, fastTreeDecodes);
  /** The reference: every frame through the parser. */
  private final EventCodec parser = new EventCodec(false, null);

  @Test
  void theSharedCodecTakesTheFastPath() {
    assertTrue(EventCodec.INSTANCE.takesAudioFastPath());
    assertTrue(!parser.takesAudioFastPath());
  }

  /**
   * Canonical frames of every small length (odd ones included, and none at all) decode to their
   * PCM without reaching the parser, through every entry point, also when the frame sits inside a
   * larger array between bytes that would complete a shorter frame.
   */
  @Test
  void canonicalFramesNeverReachTheParser() {
    Random random = new Random(1);
    for (int pcmBytes : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 31, 32, 33, 960, 4801}) {
      byte[] pcm = new byte[pcmBytes];
      random.nextBytes(pcm);
      String b64 = Base64.getEncoder().encodeToString(pcm);
      byte[] delta = ascii(DELTA_PREFIX + b64 + "\"}");
      byte[] padded = new byte[delta.length + 6];
      Arrays.fill(padded, (byte) '}');
      System.arraycopy(delta, 0, padded, 3, delta.length);

      assertArrayEquals(pcm, deltaPcm(fast.decodeServer(delta, 0, delta.length)));
      assertArrayEquals(pcm, deltaPcm(fast.decodeServer(padded, 3, delta.length)));
      assertArrayEquals(pcm, deltaPcm(fast.decodeServer(new String(delta, StandardCharsets.UTF_8))));
      assertArrayEquals(pcm, deltaPcm(fast.decodeServer(ByteBuffer.wrap(padded, 3, delta.length))));
      assertArrayEquals(delta, fast.encodeAudioDelta(pcm, 0, pcm.length), "the encoder's form");

      byte[] append = ascii(APPEND_PREFIX + b64 + "\"}");
      assertArrayEquals(pcm, appendPcm(fast.decodeClient(append, 0, append.length)));
      assertArrayEquals(append, fast.encodeAudioAppend(pcm, 0, pcm.length), "the encoder's form");
      assertEquals(0, fastTreeDecodes.sum(), pcmBytes + " bytes of PCM reached the parser");
    }
    // The counter does count: a frame in another key order goes to the parser.
    byte[] reordered = ascii("{\"audio\":\"AAAA\",\"type\":\"output_audio.delta\"}");
    assertArrayEquals(new byte[3], deltaPcm(fast.decodeServer(reordered, 0, reordered.length)));
    assertEquals(1, fastTreeDecodes.sum());
  }

  /**
   * Differential test: many generated frames, mostly near misses of the canonical form (escapes in
   * the audio, duplicated keys, nested objects holding {@code type}, whitespace, unicode escapes,
   * truncation, stray bytes, trailing data, base64 padding errors), decode to the same event or
   * the same refusal with the fast path on and off. Both sides of the fast path must be exercised.
   */
  @Test
  void theFastPathDecodesWhatTheParserDecodes() {
    Random random = new Random(20_261_122L);
    int taken = 0;
    int generated = 20_000;
    for (int n = 0; n < generated; n++) {
      boolean server = random.nextBoolean();
      String prefix = server ? DELTA_PREFIX : APPEND_PREFIX;
      byte[] frame = Mutation.any(random).apply(random, prefix);
      long before = fastTreeDecodes.sum();
      Outcome viaFastPath = server
          ? Outcome.of(() -> fast.decodeServer(frame, 0, frame.length))
          : Outcome.of(() -> fast.decodeClient(frame, 0, frame.length));
      Outcome viaParser = server
          ? Outcome.of(() -> parser.decodeServer(frame, 0, frame.length))
          : Outcome.of(() -> parser.decodeClient(frame, 0, frame.length));
      boolean fastPathTaken = fastTreeDecodes.sum() == before;
      assertEquals(viaParser, viaFastPath, () -> "frame "
          + new String(frame, StandardCharsets.ISO_8859_1) + " fast path taken: " + fastPathTaken);
      if (fastPathTaken) {
        taken++;
        assertTrue(viaFastPath.event() instanceof OutputAudioDeltaEvent
            || viaFastPath.event() instanceof InputAudioBufferAppendEvent, viaFastPath::toString);
      }
    }
    assertTrue(taken > generated / 10 && taken < generated * 9 / 10,
        "both paths exercised: fast path taken for " + taken + " of " + generated);
  }

  /**
   * Every cut of a canonical frame, closed in several ways, decodes the same with the fast path on
   * and off: in particular the shortest frames that end like the canonical one (the prefix alone
   * closed by a quote and a brace, or a brace), where the fast path's length check is all that
   * stands between it and an audio span of negative length.
   */
  @Test
  void everyCutOfTheCanonicalFrameDecodesLikeTheParser() {
    for (String prefix : new String[] {DELTA_PREFIX, APPEND_PREFIX}) {
      byte[] canonical = ascii(prefix + "AQIDBA==\"}");
      for (int cut = 0; cut <= canonical.length; cut++) {
        for (String close : new String[] {"", "}", "\"}", "\"", "=\"}", "A\"}"}) {
          byte[] frame = Mutation.concat(Arrays.copyOf(canonical, cut), ascii(close));
          byte[] padded = Mutation.concat(frame, canonical);
          boolean server = prefix.equals(DELTA_PREFIX);
          Outcome viaFastPath = server
              ? Outcome.of(() -> fast.decodeServer(padded, 0, frame.length))
              : Outcome.of(() -> fast.decodeClient(padded, 0, frame.length));
          Outcome viaParser = server
              ? Outcome.of(() -> parser.decodeServer(frame, 0, frame.length))
              : Outcome.of(() -> parser.decodeClient(frame, 0, frame.length));
          assertEquals(viaParser, viaFastPath, new String(frame, StandardCharsets.US_ASCII));
        }
      }
    }
  }

  /** The ways a generated frame differs from the canonical one (or does not). */
  private enum Mutation {
    NONE {
      @Override
      byte[] apply(Random r, String prefix) {
        return ascii(prefix + base64(r) + "\"}");
      }
    },
    ESCAPED_AUDIO_CHARACTER {
      @Override
      byte[] apply(Random r, String prefix) {
        String b64 = nonEmptyBase64(r);
        int at = r.nextInt(b64.length());
        char c = b64.charAt(at);
        String escaped = c == '/' && r.nextBoolean() ? "\\/" : String.format("\\u%04x", (int) c);
        return ascii(prefix + b64.substring(0, at) + escaped + b64.substring(at + 1) + "\"}");
      }
    },
    DUPLICATED_KEY {
      @Override
      byte[] apply(Random r, String prefix) {
        String again = r.nextBoolean()
            ? "\"audio\":\"" + base64(r) + "\""
            : "\"type\":\"" + (r.nextBoolean() ? "transcript" : "output_audio.delta") + "\"";
        return ascii(prefix + base64(r) + "\"," + again + "}");
      }
    },
    NESTED_TYPE {
      @Override
      byte[] apply(Random r, String prefix) {
        String b64 = base64(r);
        String inner = prefix + b64 + "\"}";
        switch (r.nextInt(3)) {
          case 0:
            return ascii(prefix + b64 + "\",\"meta\":" + inner + "}");
          case 1:
            return ascii("{\"meta\":" + inner + ",\"type\":\"interruption\"}");
          default:
            return ascii(prefix + b64 + "\",\"meta\":{\"type\":\"x\",\"audio\":\"" + b64 + "\"}}");
        }
      }
    },
    WHITESPACE {
      @Override
      byte[] apply(Random r, String prefix) {
        byte[] canonical = NONE.apply(r, prefix);
        return insert(canonical, r.nextInt(canonical.length + 1), pick(r, " ", "\t", "\r\n", "\n"));
      }
    },
    UNICODE_ESCAPE_OUTSIDE_AUDIO {
      @Override
      byte[] apply(Random r, String prefix) {
        // A letter of "type", "audio" or the type name, written as \\u00XX.
        int[] letters = {2, 3, 4, 5, 10, 14, prefix.length() - 4, prefix.length() - 6};
        int at = letters[r.nextInt(letters.length)];
        String escaped = String.format("\\u%04x", (int) prefix.charAt(at));
        return ascii(prefix.substring(0, at) + escaped + prefix.substring(at + 1)
            + base64(r) + "\"}");
      }
    },
    TRUNCATED {
      @Override
      byte[] apply(Random r, String prefix) {
        byte[] canonical = NONE.apply(r, prefix);
        return Arrays.copyOf(canonical, r.nextInt(canonical.length));
      }
    },
    STRAY_BYTE {
      @Override
      byte[] apply(Random r, String prefix) {
        byte[] frame = NONE.apply(r, prefix);
        byte[] strays = {'"', '}', ']', '\\', '=', 'A', '/', '+', ' ', 'x', ',', ':', 0, 0x1f,
            0x7f, (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
        // Most often near the ends, where the fast path checks the frame's form.
        int at = r.nextBoolean() ? r.nextInt(frame.length)
            : r.nextBoolean() ? r.nextInt(Math.min(frame.length, prefix.length() + 2))
            : frame.length - 1 - r.nextInt(Math.min(frame.length, 3));
        frame[at] = strays[r.nextInt(strays.length)];
        return frame;
      }
    },
    TRAILING_DATA {
      @Override
      byte[] apply(Random r, String prefix) {
        byte[] canonical = NONE.apply(r, prefix);
        return concat(canonical, ascii(pick(r, " ", "\n", "}", "\"}", " {}", ",\"a\":1}", "x")));
      }
    },
    BASE64_PADDING {
      @Override
      byte[] apply(Random r, String prefix) {
        String b64 = nonEmptyBase64(r);
        switch (r.nextInt(4)) {
          case 0:
            b64 = b64.replace("=", "");
            break;
          case 1:
            b64 = b64 + "=";
            break;
          case 2:
            b64 = "AA==" + b64;
            break;
          default:
            b64 = b64.substring(0, b64.length() - 1);
        }
        return ascii(prefix + b64 + "\"}");
      }
    },
    OTHER_BASE64_ALPHABET {
      @Override
      byte[] apply(Random r, String prefix) {
        byte[] pcm = new byte[1 + r.nextInt(40)];
        r.nextBytes(pcm);
        String b64 = r.nextBoolean()
            ? Base64.getUrlEncoder().encodeToString(pcm)
            : Base64.getMimeEncoder(4, new byte[] {'\r', '\n'}).encodeToString(pcm);
        return ascii(prefix + b64.replace("\r\n", "\\r\\n") + "\"}");
      }
    };

    abstract byte[] apply(Random r, String prefix);

    static Mutation any(Random r) {
      Mutation[] all = values();
      // A third canonical, the rest spread over the near misses.
      return r.nextInt(3) == 0 ? NONE : all[1 + r.nextInt(all.length - 1)];
    }

    static String base64(Random r) {
      byte[] pcm = new byte[r.nextInt(10) == 0 ? r.nextInt(1000) : r.nextInt(12)];
      r.nextBytes(pcm);
      return Base64.getEncoder().encodeToString(pcm);
    }

    static String nonEmptyBase64(Random r) {
      String b64 = base64(r);
      return b64.isEmpty() ? "AQID" : b64;
    }

    static String pick(Random r, String... choices) {
      return choices[r.nextInt(choices.length)];
    }

    static byte[] insert(byte[] b, int at, String s) {
      return concat(concat(Arrays.copyOf(b, at), ascii(s)), Arrays.copyOfRange(b, at, b.length));
    }

    static byte[] concat(byte[] a, byte[] b) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(a);
      out.writeBytes(b);
      return out.toByteArray();
    }
  }

  /** An event, or the refusal's frame type and message. */
  private record Outcome(Object event, String refusal) {
    static Outcome of(Supplier<?> decode) {
      try {
        return new Outcome(Objects.requireNonNull(decode.get()), null);
      } catch (InvalidFrameException e) {
        return new Outcome(null, e.frameType() + ": " + e.getMessage());
      }
    }
  }

  private static byte[] deltaPcm(Object event) {
    return assertInstanceOf(OutputAudioDeltaEvent.class, event).audioCopy();
  }

  private static byte[] appendPcm(Object event) {
    return assertInstanceOf(InputAudioBufferAppendEvent.class, event).audioCopy();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
