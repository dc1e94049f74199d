package dev.atomsrealtime.audio.javasound.fake;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.Control;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineListener;
import javax.sound.sampled.LineUnavailableException;

/** What the fake capture and playback lines share. All state is guarded by {@link #lock}. */
abstract class FakeDataLine implements DataLine {

  final FakeMixer mixer;
  final DataLine.Info info;
  final Object lock = new Object();

  AudioFormat format;
  int bufferBytes;
  boolean open;
  boolean running;
  int openCount;

  FakeDataLine(FakeMixer mixer, DataLine.Info info) {
    this.mixer = mixer;
    this.info = info;
  }

  /** Bytes that went through the device (delivered or consumed); the position's base. */
  abstract long positionBytes();

  public void open(AudioFormat format, int bufferSize) throws LineUnavailableException {
    synchronized (lock) {
      if (mixer.busy) {
        throw new LineUnavailableException("Device or resource busy (fake)");
      }
      if (!info.isFormatSupported(format)) {
        throw new IllegalArgumentException("Format not supported (fake): " + format);
      }
      if (open) {
        return;
      }
      this.format = format;
      int frame = format.getFrameSize();
      this.bufferBytes = Math.max(frame, bufferSize - bufferSize % frame);
      open = true;
      openCount++;
    }
  }

  public void open(AudioFormat format) throws LineUnavailableException {
    open(format, format.getFrameSize() * (int) format.getFrameRate() / 2);
  }

  @Override
  public void open() throws LineUnavailableException {
    open(info.getFormats()[0]);
  }

  @Override
  public void close() {
    synchronized (lock) {
      open = false;
      running = false;
      lock.notifyAll();
    }
  }

  @Override
  public boolean isOpen() {
    synchronized (lock) {
      return open;
    }
  }

  /** The format the line was opened in (null before). */
  public AudioFormat openedFormat() {
    synchronized (lock) {
      return format;
    }
  }

  /** Whether the device has failed, given {@code bytes} bytes through it so far. */
  boolean failing(long bytes) {
    return mixer.failure != Failure.NONE && bytes >= mixer.failAfterBytes;
  }

  /** Bytes the device may still pass before it fails. */
  long bytesBeforeFailure(long bytes) {
    return mixer.failure == Failure.NONE ? Long.MAX_VALUE : mixer.failAfterBytes - bytes;
  }

  /** Waits (under lock) until the line is closed. */
  void blockUntilClosed() {
    while (open) {
      try {
        lock.wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits (bounded) until {@code condition} holds; the condition is evaluated under lock. */
  boolean await(java.util.function.BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, leftNanos / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void start() {
    synchronized (lock) {
      running = open;
    }
  }

  @Override
  public void stop() {
    synchronized (lock) {
      running = false;
      lock.notifyAll();
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  @Override
  public boolean isActive() {
    return isRunning();
  }

  @Override
  public AudioFormat getFormat() {
    synchronized (lock) {
      return format != null ? format : info.getFormats()[0];
    }
  }

  @Override
  public int getBufferSize() {
    synchronized (lock) {
      return bufferBytes;
    }
  }

  @Override
  public int getFramePosition() {
    return (int) getLongFramePosition();
  }

  @Override
  public long getLongFramePosition() {
    synchronized (lock) {
      return format == null ? 0 : positionBytes() / format.getFrameSize();
    }
  }

  @Override
  public long getMicrosecondPosition() {
    synchronized (lock) {
      return format == null
          ? 0
          : (long) (getLongFramePosition() * 1_000_000.0 / format.getFrameRate());
    }
  }

  @Override
  public float getLevel() {
    return -1;
  }

  @Override
  public DataLine.Info getLineInfo() {
    return info;
  }

  @Override
  public Control[] getControls() {
    return new Control[0];
  }

  @Override
  public boolean isControlSupported(Control.Type control) {
    return false;
  }

  @Override
  public Control getControl(Control.Type control) {
    throw new IllegalArgumentException("no controls");
  }

  @Override
  public void addLineListener(LineListener listener) {}

  @Override
  public void removeLineListener(LineListener listener) {}

  void checkFrames(int length) {
    if (format != null && length % format.getFrameSize() != 0) {
      throw new IllegalArgumentException("not a whole number of frames: " + length);
    }
  }
}
