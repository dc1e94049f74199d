package dev.atomsrealtime.audio.javasound.fake;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.SourceDataLine;

/**
 * A playback line that records what it "played". In instant mode written audio is played at once;
 * in manual mode it waits in a buffer of the opened size until the test {@link #consume}s it, and
 * a write blocks while the buffer is full. Like the JDK's ALSA lines, the position moves past
 * flushed audio on flush.
 */
public final class FakeSourceDataLine extends FakeDataLine implements SourceDataLine {

  private final ByteArrayOutputStream played = new ByteArrayOutputStream(); // under lock
  private byte[] pending = new byte[0]; // under lock: the device buffer
  private int pendingBytes; // under lock
  private long acceptedBytes; // under lock
  private long consumedBytes; // under lock
  private long flushedBytes; // under lock
  private long flushGeneration; // under lock
  private final List<Long> playedBytesAtFlush = new ArrayList<>(); // under lock
  private int blockedWriters; // under lock

  FakeSourceDataLine(FakeMixer mixer, DataLine.Info info) {
    super(mixer, info);
  }

  @Override
  public void open(javax.sound.sampled.AudioFormat format, int bufferSize)
      throws javax.sound.sampled.LineUnavailableException {
    synchronized (lock) {
      super.open(format, bufferSize);
      pending = new byte[bufferBytes];
    }
  }

  @Override
  long positionBytes() {
    return consumedBytes + flushedBytes;
  }

  @Override
  public int write(byte[] b, int off, int len) {
    synchronized (lock) {
      checkFrames(len);
      long generation = flushGeneration;
      int done = 0;
      while (done < len && open && flushGeneration == generation) {
        if (failing(acceptedBytes)) {
          switch (mixer.failure) {
            case RETURN_ZERO:
              return done;
            case BLOCK:
              blockedWriters++;
              lock.notifyAll();
              blockUntilClosed();
              blockedWriters--;
              return done;
            case CLOSE_UNDERNEATH:
              open = false;
              running = false;
              lock.notifyAll();
              return done;
            case THROW:
              throw new IllegalStateException("fake playback device unplugged");
            default:
              throw new AssertionError(mixer.failure);
          }
        }
        int allowed = (int) Math.min(len - done, bytesBeforeFailure(acceptedBytes));
        if (!mixer.manualPlayback) {
          played.write(b, off + done, allowed);
          consumedBytes += allowed;
          acceptedBytes += allowed;
          done += allowed;
          continue;
        }
        int space = pending.length - pendingBytes;
        if (space == 0) {
          blockedWriters++;
          lock.notifyAll();
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            blockedWriters--;
            return done;
          }
          blockedWriters--;
          continue;
        }
        int n = Math.min(space, allowed);
        System.arraycopy(b, off + done, pending, pendingBytes, n);
        pendingBytes += n;
        acceptedBytes += n;
        done += n;
      }
      return done;
    }
  }

  /** Plays up to {@code bytes} bytes of the buffer (manual mode); returns how many. */
  public int consume(int bytes) {
    synchronized (lock) {
      int n = Math.min(bytes, pendingBytes);
      played.write(pending, 0, n);
      System.arraycopy(pending, n, pending, 0, pendingBytes - n);
      pendingBytes -= n;
      consumedBytes += n;
      lock.notifyAll();
      return n;
    }
  }

  /** Plays everything in the buffer. */
  public int consumeAll() {
    return consume(Integer.MAX_VALUE);
  }

  /** Everything that was played, in order. */
  public byte[] played() {
    synchronized (lock) {
      return played.toByteArray();
    }
  }

  /** How many bytes had been played at each flush. */
  public List<Long> playedBytesAtFlush() {
    synchronized (lock) {
      return List.copyOf(playedBytesAtFlush);
    }
  }

  public long acceptedBytes() {
    synchronized (lock) {
      return acceptedBytes;
    }
  }

  public int pendingBytes() {
    synchronized (lock) {
      return pendingBytes;
    }
  }

  /** Waits (bounded) until a write is blocked in the line. */
  public boolean awaitBlockedWriter(long timeoutMillis) {
    return await(() -> blockedWriters > 0, timeoutMillis);
  }

  @Override
  public void flush() {
    synchronized (lock) {
      flushedBytes += pendingBytes;
      pendingBytes = 0;
      flushGeneration++;
      playedBytesAtFlush.add(consumedBytes);
      lock.notifyAll();
    }
  }

  @Override
  public void drain() {
    synchronized (lock) {
      long generation = flushGeneration;
      while (open && pendingBytes > 0 && flushGeneration == generation) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public int available() {
    synchronized (lock) {
      return mixer.manualPlayback ? pending.length - pendingBytes : bufferBytes;
    }
  }
}
