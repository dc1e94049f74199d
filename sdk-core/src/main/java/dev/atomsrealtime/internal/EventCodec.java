package dev.atomsrealtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atomsrealtime.InvalidFrameException;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.UnknownClientEvent;
import dev.atomsrealtime.event.UnknownServerEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * Encodes client events to JSON text frames and decodes server frames to events (both directions
 * for both sides, so the test server shares it).
 *
 * <p>Which wire types exist, their aliases and how each is decoded and encoded is one table,
 * {@link WireTypes}. The audio events are the hot path and bypass Jackson entirely ({@link
 * AudioFrames}): an append frame is assembled from constant bytes plus the JDK's base64, and an
 * audio frame in the exact form servers and the SDK write is decoded straight from its bytes.
 * Every other frame is read into a Jackson tree ({@link CodecJson}) and decoded by its row of the
 * table, which keeps the tolerant decoding rules readable.
 *
 * <p>Thread-safe and stateless; one shared instance ({@link #INSTANCE}) is enough.
 */
public final class EventCodec {
  /** The shared instance. Holds only immutable configuration. */
  public static final EventCodec INSTANCE = new EventCodec(true, null);

  /** Every wire type this codec decodes to a known server event, aliases included. */
  public static final Set<String> SERVER_TYPES = WireTypes.SERVER.wireNames();

  private final boolean audioFastPath;
  /** Counts the frames decoded through the JSON tree; null (no counting) but in tests. */
  private final LongAdder treeDecodes;

  /**
   * A codec whose audio fast path can be switched off, for tests and benchmarks that compare it
   * with the JSON parser; {@code treeDecodes}, when not null, counts the frames that reach the
   * parser (so a test can tell which path decoded a frame).
   */
  EventCodec(boolean audioFastPath, LongAdder treeDecodes) {
    this.audioFastPath = audioFastPath;
    this.treeDecodes = treeDecodes;
  }

  /** Whether canonical audio frames skip the JSON parser (always, but in tests and benchmarks). */
  boolean takesAudioFastPath() {
    return audioFastPath;
  }

  // ---------------------------------------------------------------------------------------------
  // Client events: encode (SDK side) and decode (test server side)

  /**
   * Encodes {@code input_audio_buffer.append} for {@code length} bytes of PCM as a UTF-8 text
   * frame.
   */
  public byte[] encodeAudioAppend(byte[] pcm, int offset, int length) {
    return AudioFrames.APPEND.encode(pcm, offset, length);
  }

  /** Encodes {@code output_audio.delta} (used by test servers) as a UTF-8 text frame. */
  public byte[] encodeAudioDelta(byte[] pcm, int offset, int length) {
    return AudioFrames.DELTA.encode(pcm, offset, length);
  }

  /** Encodes any client event as a UTF-8 JSON text frame. */
  public byte[] encode(ClientEvent event) {
    if (event instanceof UnknownClientEvent unknown) {
      return unknown.rawJson().getBytes(StandardCharsets.UTF_8);
    }
    return WireTypes.CLIENT.forClass(event.getClass()).encodeEvent(event);
  }

  /**
   * Decodes a client frame (what a server receives). Unknown types become {@link
   * UnknownClientEvent}.
   *
   * @throws InvalidFrameException if the frame is not a JSON object or a known event is malformed
   */
  public ClientEvent decodeClient(byte[] utf8, int offset, int length) {
    byte[] pcm = audioFastPath ? AudioFrames.APPEND.canonicalPcm(utf8, offset, length) : null;
    if (pcm != null) {
      return InputAudioBufferAppendEvent.wrapping(pcm);
    }
    return decodeTree(WireTypes.CLIENT, UnknownClientEvent::new, utf8, offset, length);
  }

  /** Decodes a client text frame. */
  public ClientEvent decodeClient(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return decodeClient(utf8, 0, utf8.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Server events: decode (SDK side) and encode (test server side)

  /**
   * Decodes a server text frame.
   *
   * @throws InvalidFrameException if the frame cannot be decoded; the session reports it and
   *     carries on
   */
  public ServerEvent decodeServer(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return decodeServer(utf8, 0, utf8.length);
  }

  /**
   * Decodes a server binary frame holding UTF-8 JSON. Invalid UTF-8 is refused.
   *
   * @throws InvalidFrameException if the frame cannot be decoded
   */
  public ServerEvent decodeServer(ByteBuffer utf8) {
    int length = utf8.remaining();
    // Validate UTF-8 strictly (a String conversion would silently replace bad bytes).
    if (!CodecJson.isValidUtf8(utf8)) {
      throw CodecJson.invalid(null, length, "binary frame is not valid UTF-8", null);
    }
    byte[] bytes;
    int offset;
    if (utf8.hasArray()) {
      bytes = utf8.array();
      offset = utf8.arrayOffset() + utf8.position();
    } else {
      bytes = new byte[length];
      utf8.duplicate().get(bytes);
      offset = 0;
    }
    return decodeServer(bytes, offset, length);
  }

  /**
   * Decodes a server frame held as UTF-8 bytes.
   *
   * @throws InvalidFrameException if the frame cannot be decoded
   */
  public ServerEvent decodeServer(byte[] utf8, int offset, int length) {
    byte[] pcm = audioFastPath ? AudioFrames.DELTA.canonicalPcm(utf8, offset, length) : null;
    if (pcm != null) {
      return OutputAudioDeltaEvent.wrapping(pcm);
    }
    return decodeTree(WireTypes.SERVER, UnknownServerEvent::new, utf8, offset, length);
  }

  /** Encodes a server event as JSON text (used by test servers). */
  public String encodeServer(ServerEvent event) {
    if (event instanceof UnknownServerEvent unknown) {
      return unknown.rawJson();
    }
    byte[] frame = WireTypes.SERVER.forClass(event.getClass()).encodeEvent(event);
    return new String(frame, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // Plain JSON

  /** Builds a JSON object text from a map (used by test servers to script raw frames). */
  public String toJson(Map<String, ?> fields) {
    return CodecJson.toJson(fields);
  }

  /** Serialises prompt variables as a JSON object (for the {@code variables} query parameter). */
  public String variablesJson(Map<String, Object> variables) {
    return toJson(variables);
  }

  // ---------------------------------------------------------------------------------------------

  /** Decodes a frame through the JSON tree and its row of {@code table}. */
  private <T> T decodeTree(WireTypes.Table<T> table, BiFunction<String, String, T> unknown,
      byte[] utf8, int offset, int length) {
    if (treeDecodes != null) {
      treeDecodes.increment();
    }
    JsonNode node = CodecJson.readObject(utf8, offset, length);
    String type = CodecJson.text(node, "type");
    WireTypes.Row<? extends T> row = type == null ? null : table.forWireName(type);
    if (row == null) {
      return unknown.apply(
          type == null ? "" : type, new String(utf8, offset, length, StandardCharsets.UTF_8));
    }
    try {
      return row.decoder().decode(node);
    } catch (IllegalArgumentException e) {
      throw CodecJson.invalid(type, length, "malformed " + type + " event: " + e.getMessage(), e);
    }
  }
}
