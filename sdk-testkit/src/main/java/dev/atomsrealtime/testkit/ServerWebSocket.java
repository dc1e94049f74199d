package dev.atomsrealtime.testkit;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.server.WebSocketServer;

/**
 * One server-side connection that ends like a real server's: when the server closes, it sends its
 * close frame, keeps reading until the client's close frame (or the end of the stream) arrives,
 * and only then closes the TCP connection. The closing handshake timeout bounds every close: a
 * client that does not answer, or stops reading before the server's last frames are written, has
 * its connection closed anyway.
 *
 * <p>Java-WebSocket closes a server's TCP connection as soon as its own close frame is written
 * ({@code SocketChannelIOHelper.batch}). Whatever the client sent that the server had not read yet
 * (audio still streaming, its own close frame) is then unread when the socket closes, so the kernel
 * answers with a reset instead of a FIN, and the client can lose frames the server sent before it:
 * data still queued in the server's send buffer is discarded, and the client may see "connection
 * reset" instead of the close frame. It also means the server never sees the client's close frame.
 *
 * <p>So a close started by the server (any code but 1006: {@link FakeConnection#close}, the server
 * shutting down, a protocol error the library found) does not go through the library's closing
 * state: the close frame is queued directly, the library keeps treating the connection as open
 * for reading so that it still decodes what arrives (frames the client sent before it saw our close
 * are received as usual), and {@link #isOpen()} turns false so that nothing more is sent after the
 * close frame. The client's close frame reaches {@link #close(int, String, boolean)} with {@code
 * remote} true (the library's RFC 6455 draft would answer it with a second close frame, because it
 * believes the connection open): it is recorded instead, and the TCP connection closes once the
 * server's queued frames are written. A close started by the client goes the library's usual way
 * (echo, then close once the echo is written), and its code is recorded too.
 *
 * <p>The end of the stream is handed to the connection's decoder thread behind the bytes read
 * before it, so that a close frame read just before the client's FIN is always decoded (and
 * recorded) before the end of the stream closes the connection.
 *
 * <p>Threads: the library calls in from its selector and decoder threads, {@link FakeConnection}
 * from any thread, the {@link CloseTimer} from its own. The close methods synchronize on this
 * connection, as the library's own do.
 */
final class ServerWebSocket extends WebSocketImpl {
  private final CloseTimer timer;
  private final Duration closeHandshakeTimeout;

  /** Set (under this) when the server has queued its close frame; never reset. */
  private volatile boolean closeFrameQueued;

  // Guarded by this: what the server's close frame said, and the timer bounding the handshake.
  private int sentCode;
  private String sentReason = "";
  private Future<?> handshakeTimeout;

  /** The code of the client's close frame (1005 if it had none), or 0 while none has arrived. */
  private volatile int clientCloseCode;

  /** The buffer that stands for the end of the stream in the decoder's queue; selector thread. */
  private volatile ByteBuffer endOfStream;

  ServerWebSocket(
      WebSocketListener listener,
      List<Draft> drafts,
      CloseTimer timer,
      Duration closeHandshakeTimeout) {
    super(listener, drafts);
    this.timer = timer;
    this.closeHandshakeTimeout = closeHandshakeTimeout;
  }

  /** The code of the client's close frame (1005 when it carried none), or 0 if none arrived. */
  int clientCloseCode() {
    return clientCloseCode;
  }

  /** False from the moment the server has queued its close frame: nothing is sent after it. */
  @Override
  public boolean isOpen() {
    return super.isOpen() && !closeFrameQueued;
  }

  /** Also true while the server waits for the client to answer its close frame. */
  @Override
  public boolean isClosing() {
    return super.isClosing() || (super.isOpen() && closeFrameQueued);
  }

  @Override
  public synchronized void close(int code, String message, boolean remote) {
    if (getReadyState() != ReadyState.OPEN || code == CloseFrame.ABNORMAL_CLOSE) {
      super.close(code, message, remote); // not open, or a drop: the library's own handling
      return;
    }
    if (remote) {
      // The client's close frame (the library's draft calls this with the frame's code).
      clientCloseCode = code;
      if (closeFrameQueued) {
        // It answers ours, or crossed it: the closing handshake is complete. No echo; close the
        // TCP connection once every frame queued before our close frame is written (still bounded
        // by the handshake timeout, should the client stop reading).
        flushAndClose(sentCode, sentReason, false);
      } else {
        // The client started: echo it; the library closes once that is written.
        super.close(code, message, true);
        handshakeTimeout = timer.schedule(this::handshakeTimedOut, closeHandshakeTimeout);
      }
      return;
    }
    if (closeFrameQueued) {
      return; // closing already: never a second close frame
    }
    CloseFrame frame = new CloseFrame();
    try {
      frame.setReason(message);
      frame.setCode(code);
      frame.isValid();
    } catch (InvalidDataException e) {
      super.close(code, message, false);
      return;
    }
    sentCode = frame.getCloseCode();
    sentReason = frame.getMessage();
    closeFrameQueued = true;
    outQueue.add(getDraft().createBinaryFrame(frame));
    getWebSocketListener().onWriteDemand(this);
    // A paused connection must read again, or the client's answer never arrives.
    PausableChannels.setPaused(getChannel(), false);
    handshakeTimeout = timer.schedule(this::handshakeTimedOut, closeHandshakeTimeout);
  }

  @Override
  public synchronized void closeConnection(int code, String message, boolean remote) {
    cancelHandshakeTimeout();
    super.closeConnection(code, message, remote);
  }

  /**
   * Called by the selector thread when a read finds the end of the stream. While the connection is
   * open, bytes read before it may still wait for the decoder thread; the end of the stream is
   * queued behind them (see {@link #decode}) instead of closing the connection under their feet.
   */
  @Override
  public void eot() {
    WebSocketServer.WebSocketWorker decoder = getWorkerThread();
    if (getReadyState() != ReadyState.OPEN
        || decoder == null
        || !(getWebSocketListener() instanceof WebSocketServer server)) {
      super.eot();
      return;
    }
    if (endOfStream != null) {
      return; // already queued (a TLS channel may report the end of the stream again meanwhile)
    }
    // Nothing more to read: stop the selector from finding the socket readable again and again.
    PausableChannels.setPaused(getChannel(), true);
    ByteBuffer marker = server.createBuffer(); // returned to the server's pool after decode
    endOfStream = marker;
    try {
      inQueue.put(marker);
      decoder.put(this);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      super.eot();
    }
  }

  @Override
  public void decode(ByteBuffer socketBuffer) {
    if (socketBuffer == endOfStream) {
      super.eot();
      return;
    }
    super.decode(socketBuffer);
  }

  private synchronized void handshakeTimedOut() {
    if (!isClosed()) {
      // The client never answered, or stopped reading: end it without waiting any longer. When
      // the server started the close, the connection records the code the server sent.
      closeConnection(CloseFrame.ABNORMAL_CLOSE, "closing handshake timed out", false);
    }
  }

  private void cancelHandshakeTimeout() {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
      handshakeTimeout = null;
    }
  }
}
