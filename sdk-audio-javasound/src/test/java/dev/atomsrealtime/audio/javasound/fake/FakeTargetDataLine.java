package dev.atomsrealtime.audio.javasound.fake;

import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;

/** A capture line that delivers its mixer's signal at once, then silence. */
public final class FakeTargetDataLine extends FakeDataLine implements TargetDataLine {

  private byte[] signal; // under lock, copied at open
  private long deliveredBytes; // under lock
  private int blockedReaders; // under lock

  FakeTargetDataLine(FakeMixer mixer, DataLine.Info info) {
    super(mixer, info);
  }

  @Override
  public void open(javax.sound.sampled.AudioFormat format, int bufferSize)
      throws javax.sound.sampled.LineUnavailableException {
    synchronized (lock) {
      super.open(format, bufferSize);
      signal = mixer.captureSignal;
      deliveredBytes = 0;
    }
  }

  @Override
  long positionBytes() {
    return deliveredBytes;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    synchronized (lock) {
      checkFrames(len);
      if (!open) {
        return 0;
      }
      if (failing(deliveredBytes)) {
        switch (mixer.failure) {
          case RETURN_ZERO:
            return 0;
          case BLOCK:
            blockedReaders++;
            lock.notifyAll();
            blockUntilClosed();
            blockedReaders--;
            return 0;
          case CLOSE_UNDERNEATH:
            open = false;
            running = false;
            lock.notifyAll();
            return 0;
          case THROW:
            throw new IllegalStateException("fake capture device unplugged");
          default:
            throw new AssertionError(mixer.failure);
        }
      }
      int n = (int) Math.min(len, bytesBeforeFailure(deliveredBytes));
      for (int i = 0; i < n; i++) {
        long at = deliveredBytes + i;
        b[off + i] = at < signal.length ? signal[(int) at] : 0;
      }
      deliveredBytes += n;
      return n;
    }
  }

  /** Waits (bounded) until a read is blocked in the line. */
  public boolean awaitBlockedReader(long timeoutMillis) {
    return await(() -> blockedReaders > 0, timeoutMillis);
  }

  @Override
  public void drain() {}

  @Override
  public void flush() {}

  @Override
  public int available() {
    return 0;
  }
}
