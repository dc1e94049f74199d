package dev.atomsrealtime.testing;

import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TransportFactory} whose transports are driven by the test: the test plays the server
 * and the socket's read thread (calling the listener), and reads what the SDK sent. For the core's
 * own tests of the session, where a real socket would add nothing but threads.
 */
public final class ScriptedTransports implements TransportFactory {
  private final BlockingQueue<Scripted> created = new LinkedBlockingQueue<>();
  private final List<Scripted> all = new ArrayList<>();

  @Override
  public Transport create(TransportRequest request, Transport.Listener listener) {
    Scripted t = new Scripted(request, listener);
    synchronized (all) {
      all.add(t);
    }
    created.add(t);
    return t;
  }

  /** The next transport the SDK created, waiting at most {@code timeout}. */
  public Scripted next(Duration timeout) throws InterruptedException {
    Scripted t = created.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (t == null) {
      throw new AssertionError("no transport created within " + timeout);
    }
    return t;
  }

  /** Ends every connection not yet ended (so that a client closes without waiting). */
  public void endAll() {
    List<Scripted> copy;
    synchronized (all) {
      copy = new ArrayList<>(all);
    }
    for (Scripted t : copy) {
      if (!t.ended) {
        t.closed(1000, "", false);
      }
    }
  }

  /** Whether another transport was created (without waiting). */
  public boolean anotherCreated() {
    return !created.isEmpty();
  }

  /** One connection. */
  public static final class Scripted implements Transport {
    public final TransportRequest request;
    public final Transport.Listener listener;
    private final List<String> sent = new ArrayList<>();
    private volatile boolean started;
    private volatile int closeCode = -2; // -2: not closed; -1: aborted
    private volatile long queued;
    private volatile int pings;
    private volatile boolean ended;

    Scripted(TransportRequest request, Transport.Listener listener) {
      this.request = request;
      this.listener = listener;
    }

    /** The server accepted the upgrade and sends {@code frames}. */
    public void open(String... frames) {
      listener.onOpen();
      receive(frames);
    }

    /** The server sends {@code frames} (as UTF-8 text frames). */
    public void receive(String... frames) {
      for (String f : frames) {
        byte[] b = f.getBytes(StandardCharsets.UTF_8);
        listener.onText(b, 0, b.length);
      }
    }

    /** The connection closed with {@code code}. */
    public void closed(int code, String reason, boolean remote) {
      ended = true;
      listener.onClosed(code, reason, remote);
    }

    public synchronized List<String> sent() {
      return new ArrayList<>(sent);
    }

    /** The {@code type} of each frame sent, in order. */
    public synchronized List<String> sentTypes() {
      List<String> types = new ArrayList<>();
      for (String s : sent) {
        int i = s.indexOf("\"type\":\"");
        types.add(i < 0 ? s : s.substring(i + 8, s.indexOf('"', i + 8)));
      }
      return types;
    }

    public boolean started() {
      return started;
    }

    /** The close code the SDK asked for, -1 if it aborted, -2 if neither. */
    public int closeCode() {
      return closeCode;
    }

    public int pings() {
      return pings;
    }

    public void setQueuedBytes(long bytes) {
      queued = bytes;
    }

    @Override
    public void start() {
      started = true;
    }

    @Override
    public synchronized boolean sendText(byte[] utf8) {
      sent.add(new String(utf8, StandardCharsets.UTF_8));
      notifyAll();
      return true;
    }

    /** Waits until a frame of {@code type} was sent, at most {@code timeout}. */
    public synchronized void awaitSent(String type, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!sentTypes().contains(type)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + type + " sent within " + timeout + "; sent "
              + sentTypes());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    @Override
    public void sendPing() {
      pings++;
    }

    @Override
    public long queuedBytes() {
      return queued;
    }

    @Override
    public void close(int code, String reason) {
      closeCode = code;
    }

    @Override
    public void abort() {
      closeCode = -1;
    }
  }
}
