package dev.atomsrealtime.transport;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport.Listener} that records every callback for assertions with bounded waits, and
 * checks the lifecycle contract as it goes: callbacks never overlap, {@code onOpen} comes at most
 * once and before the terminal callback, exactly one terminal callback ({@code onClosed} only after
 * {@code onOpen}, {@code onFailure} only without it), nothing after the terminal callback.
 *
 * <p>Thread-safe.
 */
public final class RecordingTransportListener implements Transport.Listener {

  /** One recorded callback. */
  public sealed interface Event permits Open, Text, Binary, Pong, Closed, Failure {}

  /** {@code onOpen}. */
  public record Open() implements Event {}

  /** {@code onText}. */
  public record Text(String text) implements Event {}

  /** {@code onBinary}, with a copy of the bytes. */
  public record Binary(byte[] bytes) implements Event {}

  /** {@code onPong}. */
  public record Pong() implements Event {}

  /** {@code onClosed}. */
  public record Closed(int code, String reason, boolean remote) implements Event {}

  /** {@code onFailure}. */
  public record Failure(Throwable error) implements Event {}

  private final Object lock = new Object();
  // Guarded by lock; waiters wait on lock.
  private final List<Event> events = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int textCursor;
  private int binaryCursor;
  private int pongCursor;
  private boolean opened;
  private Event terminal;

  private final AtomicInteger inside = new AtomicInteger();
  private final Thread callerThread;

  /** A listener with no thread restriction. */
  public RecordingTransportListener() {
    this(null);
  }

  /**
   * A listener that also records a violation when a callback runs on {@code callerThread} (the
   * thread driving the transport): callbacks come from transport threads, never from inside a call
   * such as {@code abort()} or {@code sendText()}.
   */
  public RecordingTransportListener(Thread callerThread) {
    this.callerThread = callerThread;
  }

  private void record(Event event) {
    if (inside.incrementAndGet() != 1) {
      violation("overlapping callback " + name(event));
    }
    if (Thread.currentThread() == callerThread) {
      violation(name(event) + " ran on the thread calling the transport");
    }
    try {
      synchronized (lock) {
        if (terminal != null) {
          violations.add(name(event) + " after the terminal " + name(terminal));
        }
        if (event instanceof Open) {
          if (opened) {
            violations.add("onOpen twice");
          }
          opened = true;
        } else if (event instanceof Closed || event instanceof Failure) {
          if (event instanceof Closed && !opened) {
            violations.add("onClosed without onOpen (must be onFailure)");
          }
          if (event instanceof Failure && opened) {
            violations.add("onFailure after onOpen (must be onClosed)");
          }
          if (terminal == null) {
            terminal = event;
          }
        } else if (!opened) {
          violations.add(name(event) + " before onOpen");
        }
        events.add(event);
        lock.notifyAll();
      }
    } finally {
      inside.decrementAndGet();
    }
  }

  private void violation(String what) {
    synchronized (lock) {
      violations.add(what);
    }
  }

  private static String name(Event e) {
    return "on" + e.getClass().getSimpleName();
  }

  @Override
  public void onOpen() {
    record(new Open());
  }

  @Override
  public void onText(String text) {
    record(new Text(text));
  }

  @Override
  public void onBinary(ByteBuffer bytes) {
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    record(new Binary(copy));
  }

  @Override
  public void onPong() {
    record(new Pong());
  }

  @Override
  public void onClosed(int code, String reason, boolean remote) {
    record(new Closed(code, reason, remote));
  }

  @Override
  public void onFailure(Throwable error) {
    record(new Failure(error));
  }

  // -----------------------------------------------------------------------------------------------

  /** Every contract violation seen so far. */
  public List<String> violations() {
    synchronized (lock) {
      return List.copyOf(violations);
    }
  }

  /** Every callback so far, in order. */
  public List<Event> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** How many terminal callbacks arrived (the contract says exactly one, eventually). */
  public long terminalCount() {
    synchronized (lock) {
      return events.stream().filter(e -> e instanceof Closed || e instanceof Failure).count();
    }
  }

  /** Waits for {@code onOpen}; fails if a terminal callback comes instead. */
  public void awaitOpen(Duration timeout) {
    await(
        timeout,
        "onOpen",
        () -> {
          if (opened) {
            return Boolean.TRUE;
          }
          if (terminal != null) {
            throw new AssertionError("expected onOpen but got " + terminal);
          }
          return null;
        });
  }

  /** Waits for the next text frame not yet returned. */
  public String awaitText(Duration timeout) {
    return await(
        timeout,
        "a text frame",
        () -> {
          for (; textCursor < events.size(); textCursor++) {
            if (events.get(textCursor) instanceof Text t) {
              textCursor++;
              return t.text();
            }
          }
          return null;
        });
  }

  /** Waits for the next binary frame not yet returned. */
  public byte[] awaitBinary(Duration timeout) {
    return await(
        timeout,
        "a binary frame",
        () -> {
          for (; binaryCursor < events.size(); binaryCursor++) {
            if (events.get(binaryCursor) instanceof Binary b) {
              binaryCursor++;
              return b.bytes();
            }
          }
          return null;
        });
  }

  /** Waits for the next pong not yet returned. */
  public void awaitPong(Duration timeout) {
    await(
        timeout,
        "a pong",
        () -> {
          for (; pongCursor < events.size(); pongCursor++) {
            if (events.get(pongCursor) instanceof Pong) {
              pongCursor++;
              return Boolean.TRUE;
            }
          }
          return null;
        });
  }

  /** Waits for the terminal callback ({@link Closed} or {@link Failure}). */
  public Event awaitTerminal(Duration timeout) {
    return await(timeout, "the terminal callback", () -> terminal);
  }

  /** Waits for {@code onClosed}; fails if {@code onFailure} came instead. */
  public Closed awaitClosed(Duration timeout) {
    Event e = awaitTerminal(timeout);
    if (e instanceof Closed c) {
      return c;
    }
    throw new AssertionError("expected onClosed but got " + e, ((Failure) e).error());
  }

  /** Waits for {@code onFailure}; fails if {@code onClosed} came instead. */
  public Throwable awaitFailure(Duration timeout) {
    Event e = awaitTerminal(timeout);
    if (e instanceof Failure f) {
      return f.error();
    }
    throw new AssertionError("expected onFailure but got " + e);
  }

  private interface Poll<T> {
    T poll();
  }

  private <T> T await(Duration timeout, String what, Poll<T> poll) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        T value = poll.poll();
        if (value != null) {
          return value;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(
              "waited " + timeout + " for " + what + "; callbacks so far: " + summary());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + what, e);
        }
      }
    }
  }

  /** Callback names with counts, and the terminal one; caller holds lock. */
  private String summary() {
    long texts = events.stream().filter(e -> e instanceof Text).count();
    long binaries = events.stream().filter(e -> e instanceof Binary).count();
    long pongs = events.stream().filter(e -> e instanceof Pong).count();
    return "open="
        + opened
        + ", texts="
        + texts
        + ", binaries="
        + binaries
        + ", pongs="
        + pongs
        + ", terminal="
        + terminal;
  }
}
