package dev.atomsrealtime.session;

import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import dev.atomsrealtime.transport.javawebsocket.JavaWebSocketTransportFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The real Java-WebSocket transport, observed: the test can wait for pings and pongs, read when
 * each ping was sent, and make a connection go dead the way a transport whose read thread died
 * does (no callback ever again, not even the terminal one, whatever the session calls). Each
 * connection is one {@link Observed}.
 */
final class ObservedTransports implements TransportFactory {
  private final TransportFactory real = new JavaWebSocketTransportFactory();
  private final List<Observed> connections = new CopyOnWriteArrayList<>();
  private final Ticker clock;

  /** Notes ping times on the system clock. */
  ObservedTransports() {
    this(Ticker.system());
  }

  /** Notes ping times on {@code clock}: the session's, so that they are virtual times. */
  ObservedTransports(Ticker clock) {
    this.clock = clock;
  }

  @Override
  public Transport create(TransportRequest request, Transport.Listener listener) {
    Observed observed = new Observed(listener, clock);
    observed.delegate = real.create(request, observed);
    connections.add(observed);
    return observed;
  }

  Observed connection(int index) {
    return connections.get(index);
  }

  int count() {
    return connections.size();
  }

  /** One connection: forwards everything until {@link #kill()}. */
  static final class Observed implements Transport, Transport.Listener {
    private final Transport.Listener session;
    private final Ticker clock;
    private volatile Transport delegate;
    private volatile boolean dead;
    private final Semaphore pongs = new Semaphore(0);
    private final Semaphore pinged = new Semaphore(0);
    private final List<Duration> pings = new CopyOnWriteArrayList<>();
    volatile int aborts;
    volatile int closes;

    Observed(Transport.Listener session, Ticker clock) {
      this.session = session;
      this.clock = clock;
    }

    /** From now on the session hears nothing from this connection, ever. */
    void kill() {
      dead = true;
    }

    /** Waits for the next pong (bounded); false if none came. */
    boolean awaitPong(Duration timeout) throws InterruptedException {
      return pongs.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits for the session to send its next ping (bounded); false if it sent none. */
    boolean awaitPing(Duration timeout) throws InterruptedException {
      return pinged.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** When the session sent each ping, on the clock as a time since its origin, in order. */
    List<Duration> pings() {
      return List.copyOf(pings);
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public boolean sendText(byte[] utf8) {
      return delegate.sendText(utf8);
    }

    @Override
    public void sendPing() {
      pings.add(Duration.ofNanos(clock.nanoTime()));
      pinged.release();
      delegate.sendPing();
    }

    @Override
    public long queuedBytes() {
      return delegate.queuedBytes();
    }

    @Override
    public void close(int code, String reason) {
      closes++;
      delegate.close(code, reason);
    }

    @Override
    public void abort() {
      aborts++;
      delegate.abort();
    }

    @Override
    public void onOpen() {
      if (!dead) {
        session.onOpen();
      }
    }

    @Override
    public void onText(String text) {
      if (!dead) {
        session.onText(text);
      }
    }

    @Override
    public void onText(byte[] utf8, int offset, int length) {
      if (!dead) {
        session.onText(utf8, offset, length);
      }
    }

    @Override
    public void onBinary(ByteBuffer bytes) {
      if (!dead) {
        session.onBinary(bytes);
      }
    }

    @Override
    public void onPong() {
      if (!dead) {
        session.onPong();
        pongs.release();
      }
    }

    @Override
    public void onClosed(int code, String reason, boolean remote) {
      if (!dead) {
        session.onClosed(code, reason, remote);
      }
    }

    @Override
    public void onFailure(Throwable error) {
      if (!dead) {
        session.onFailure(error);
      }
    }
  }
}
