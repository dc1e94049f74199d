package dev.atomsrealtime.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;

/**
 * A socket factory whose channels can stop reading, so that a test can let the client's sends back
 * up into TCP (the server's receive buffer fills, then the client's send buffer).
 *
 * <p>Java-WebSocket reads eagerly and re-arms {@code OP_READ} whenever it writes, so pausing cannot
 * just clear the interest: a paused channel reads nothing and clears {@code OP_READ} again each
 * time the selector finds it readable.
 *
 * <p>The server's connections are {@link ServerWebSocket}s, which close like a real server.
 */
final class PausableChannels implements WebSocketServerFactory {
  private final CloseTimer closeTimer;
  private final Duration closeHandshakeTimeout;

  PausableChannels(CloseTimer closeTimer, Duration closeHandshakeTimeout) {
    this.closeTimer = closeTimer;
    this.closeHandshakeTimeout = closeHandshakeTimeout;
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
    return new WebSocketImpl(adapter, draft); // not used by servers
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
    return new ServerWebSocket(adapter, drafts, closeTimer, closeHandshakeTimeout);
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) {
    return new PausableChannel(channel, key);
  }

  @Override
  public void close() {}

  /** Pauses or resumes reading on {@code channel} if it is one of ours. */
  static void setPaused(ByteChannel channel, boolean paused) {
    if (channel instanceof PausableChannel pausable) {
      pausable.setPaused(paused);
    }
  }

  private static final class PausableChannel implements ByteChannel {
    private final SocketChannel channel;
    private final SelectionKey key;
    private volatile boolean paused;

    PausableChannel(SocketChannel channel, SelectionKey key) {
      this.channel = channel;
      this.key = key;
    }

    void setPaused(boolean paused) {
      this.paused = paused;
      try {
        if (paused) {
          key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        } else {
          key.interestOps(key.interestOps() | SelectionKey.OP_READ);
          key.selector().wakeup();
        }
      } catch (CancelledKeyException e) {
        // The connection is gone; nothing to pause.
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (paused) {
        try {
          key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        } catch (CancelledKeyException e) {
          // closing anyway
        }
        return 0;
      }
      return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return channel.write(src);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
