package dev.atomsrealtime.transport;

import java.nio.ByteBuffer;

/**
 * One WebSocket connection attempt. The SPI that lets the session run over any WebSocket library;
 * the default is {@code JavaWebSocketTransportFactory}.
 *
 * <h2>Lifecycle contract</h2>
 *
 * <ul>
 *   <li>{@link #start()} is called at most once; a transport is never reused (a reconnect creates
 *       a new one).
 *   <li>The listener gets {@link Listener#onOpen()} at most once, when the upgrade succeeded, and
 *       then exactly one terminal callback: {@link Listener#onClosed} if the connection had opened,
 *       or {@link Listener#onFailure} if it never did. Nothing is delivered after the terminal
 *       callback.
 *   <li>Listener callbacks come from one transport thread at a time, in order, and must return
 *       quickly: they never block on user code.
 *   <li>{@link #sendText}, {@link #sendPing}, {@link #close} and {@link #abort} may be called from
 *       any thread; sends never interleave frames.
 * </ul>
 */
public interface Transport {

  /** Starts connecting. Returns at once; the outcome arrives through the listener. */
  void start();

  /**
   * Queues one text frame holding UTF-8 JSON. Never blocks.
   *
   * @param utf8 the frame's UTF-8 bytes
   * @return false if the connection is not open (the frame was not queued)
   */
  boolean sendText(byte[] utf8);

  /** Sends a WebSocket ping frame, if open. */
  void sendPing();

  /** {@return bytes queued for sending but not yet written to the socket (0 if unknown)} */
  default long queuedBytes() {
    return 0;
  }

  /**
   * Starts the WebSocket closing handshake with {@code code} and {@code reason}.
   *
   * @param code the close code
   * @param reason the close reason
   */
  void close(int code, String reason);

  /** Drops the connection at once, without a closing handshake. */
  void abort();

  /** Receives what happens on one connection. See the lifecycle contract on {@link Transport}. */
  interface Listener {
    /** The upgrade succeeded. */
    void onOpen();

    /**
     * A text frame arrived, as received (the session decodes it).
     *
     * @param text the text
     */
    void onText(String text);

    /**
     * A text frame arrived as its raw UTF-8 bytes, which are only valid during the call. A
     * transport that has the bytes calls this instead of {@link #onText(String)}, sparing a
     * decode to {@code String} and back on the audio path; invalid UTF-8 is then the decoder's
     * to report. The default decodes to a {@code String}.
     *
     * @param utf8 the frame's UTF-8 bytes
     * @param offset where the bytes start in the array
     * @param length how many bytes
     */
    default void onText(byte[] utf8, int offset, int length) {
      onText(new String(utf8, offset, length, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A binary frame arrived. The buffer is only valid during the call.
     *
     * @param bytes a number of bytes
     */
    void onBinary(ByteBuffer bytes);

    /** A pong (or any frame proving the peer alive) arrived. */
    default void onPong() {}

    /**
     * Terminal: the open connection ended, cleanly or not.
     *
     * @param code the close code (1006 when the connection dropped without a close frame)
     * @param reason the close reason, possibly empty
     * @param remote whether the peer (or the network) ended it, rather than this side
     */
    void onClosed(int code, String reason, boolean remote);

    /**
     * Terminal: the connection never opened.
     *
     * @param error a {@link HandshakeRefusedException} when the server answered the upgrade with
     *     an HTTP error, otherwise the I/O or TLS failure
     */
    void onFailure(Throwable error);
  }
}
