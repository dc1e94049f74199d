package dev.atomsrealtime.audio;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = SECONDS)
class WavFileSourceSinkTest {

  private static final PcmFormat MONO_24K = PcmFormat.pcm16Mono(24_000);

  @TempDir Path dir;

  @Test
  void fastModeDeliversTheFileBitExactInTheRequestedFormat() {
    WavFileSource source = WavFileSource.builder(Fixtures.path("user_book_table_24k.wav"))
        .realTime(false).build();
    assertEquals(MONO_24K, source.open(MONO_24K));
    assertEquals(MONO_24K, source.fileFormat());
    byte[] all = readAll(source, 960);
    assertArrayEquals(Wav.read(Fixtures.path("user_book_table_24k.wav")).pcm(), all);
    assertEquals(-1, source.read(new byte[960], 0, 960), "stays at end of stream");
    source.close();
  }

  @Test
  void convertsStereo48kToTheSessionFormat() {
    WavData file = Wav.read(Fixtures.path("user_book_table_48k_stereo.wav"));
    WavFileSource source = WavFileSource.builder(Fixtures.path("user_book_table_48k_stereo.wav"))
        .realTime(false).build();
    assertEquals(MONO_24K, source.open(MONO_24K));
    assertEquals(PcmFormat.pcm16(48_000, 2), source.fileFormat());
    byte[] all = readAll(source, 333); // odd: rounded down to whole frames
    assertArrayEquals(PcmConverter.convertAll(file.format(), MONO_24K, file.pcm()), all);
    assertEquals(12_000 * 2, all.length, "0.5 s at 24 kHz mono");
  }

  @Test
  void readsAClasspathStreamAndClosesIt() {
    InputStream resource = getClass().getResourceAsStream("/audio/user_book_table_16k.wav");
    boolean[] closed = {false};
    InputStream tracked = new java.io.FilterInputStream(resource) {
      @Override
      public void close() throws IOException {
        closed[0] = true;
        super.close();
      }
    };
    WavFileSource source = WavFileSource.builder(tracked, "user_book_table_16k.wav")
        .realTime(false).build();
    source.open(PcmFormat.pcm16Mono(16_000));
    assertEquals(32_000, readAll(source, 640).length);
    source.close();
    assertTrue(closed[0], "the source owns and closes the stream");
  }

  @Test
  void openRefusesUnsupportedFilesWithTheReason() {
    WavFileSource source = WavFileSource.of(Fixtures.path("tone_float32_8k.wav"));
    AudioException e = assertThrows(AudioException.class, () -> source.open(MONO_24K));
    assertTrue(e.getMessage().contains("IEEE float"), e.getMessage());
    assertTrue(e.getMessage().contains("supported: 16-bit integer PCM"), e.getMessage());
    AudioException missing = assertThrows(AudioException.class,
        () -> WavFileSource.of(dir.resolve("missing.wav")).open(MONO_24K));
    assertTrue(missing.getMessage().contains("missing.wav"), missing.getMessage());
    assertThrows(IllegalStateException.class, () -> source.open(MONO_24K), "open once");
  }

  /**
   * A clock that moves only when the test moves it, and reports each park: the test learns what
   * a paced read waits for, then lets it go.
   */
  static final class SteppedClock implements AudioClock {
    final BlockingQueue<Long> parks = new LinkedBlockingQueue<>();
    private volatile long now = 1_000_000_000L;
    private volatile Thread parked;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void parkUntil(long deadlineNanos) {
      parked = Thread.currentThread();
      parks.add(deadlineNanos);
      LockSupport.park(this);
    }

    /** The deadline of the next park, waited for (bounded). */
    long nextPark() throws InterruptedException {
      Long deadline = parks.poll(5, SECONDS);
      if (deadline == null) {
        throw new AssertionError("the reader did not park");
      }
      return deadline;
    }

    void advanceTo(long nanos) {
      now = nanos;
      LockSupport.unpark(parked);
    }
  }

  @Test
  void realTimeReadsArePacedOnTheGivenClockWithoutDrift() throws Exception {
    WavFileSource source = WavFileSource.of(Fixtures.path("user_book_table_24k.wav"));
    SteppedClock clock = new SteppedClock();
    source.setClock(clock);
    source.open(MONO_24K);
    long start = clock.nanoTime();
    byte[] chunk = new byte[MONO_24K.bytesForMillis(20)];
    CompletableFuture<Integer> reads = CompletableFuture.supplyAsync(() -> {
      int bytes = 0;
      for (int i = 0; i < 15; i++) { // 300 ms of audio
        bytes += source.read(chunk, 0, chunk.length);
      }
      return bytes;
    });
    long step = TimeUnit.MILLISECONDS.toNanos(20);
    long previous = start;
    for (int k = 1; k <= 15; k++) {
      long due;
      do {
        due = clock.nextPark(); // a park that returned early parks again for the same time
      } while (due == previous);
      // Each read is due on a fixed schedule from the start: a late wake-up (5 ms late here)
      // does not push the next one back.
      assertEquals(start + k * step, due, "read " + k);
      clock.advanceTo(due + TimeUnit.MILLISECONDS.toNanos(5));
      previous = due;
    }
    assertEquals(MONO_24K.bytesForMillis(300), reads.get(5, SECONDS));
    source.close();
  }

  @Test
  void fastModeIsNotPaced() {
    WavFileSource source = WavFileSource.builder(Fixtures.path("user_book_table_24k.wav"))
        .realTime(false).build();
    SteppedClock clock = new SteppedClock();
    source.setClock(clock);
    source.open(MONO_24K);
    int bytes = readAll(source, 960).length;
    assertEquals(MONO_24K.bytesForMillis(4397) + 2, bytes); // 105529 frames
    assertTrue(clock.parks.isEmpty(), "never waited for time");
  }

  @Test
  void closeUnblocksAPacedRead() throws Exception {
    WavFileSource source = WavFileSource.of(Fixtures.path("user_book_table_24k.wav"));
    SteppedClock clock = new SteppedClock();
    source.setClock(clock);
    source.open(MONO_24K);
    byte[] oneSecond = new byte[MONO_24K.bytesForMillis(1000)];
    CompletableFuture<Integer> result =
        CompletableFuture.supplyAsync(() -> source.read(oneSecond, 0, oneSecond.length));
    clock.nextPark(); // waiting for a second that never comes
    source.close();
    assertEquals(-1, result.get(5, SECONDS));
    assertEquals(-1, source.read(oneSecond, 0, oneSecond.length));
  }

  @Test
  void sinkRoundTripIsBitExactAndCountsFrames() throws IOException {
    WavData speech = Wav.read(Fixtures.path("user_book_table_24k.wav"));
    Path file = dir.resolve("out.wav");
    WavFileSink sink = WavFileSink.create(file);
    assertEquals(MONO_24K, sink.open(MONO_24K));
    byte[] pcm = speech.pcm();
    int[] chunkFrames = {1, 480, 7, 960, 3};
    int pos = 0;
    for (int i = 0; pos < pcm.length; i++) {
      int len = Math.min(chunkFrames[i % chunkFrames.length] * 2, pcm.length - pos);
      sink.write(pcm, pos, len);
      pos += len;
    }
    sink.flush(); // no-op: nothing buffered
    assertEquals(speech.frames(), sink.framesPlayed());
    sink.close();
    sink.close();
    sink.write(pcm, 0, 2); // ignored after close
    assertArrayEquals(Files.readAllBytes(Fixtures.path("user_book_table_24k.wav")),
        Files.readAllBytes(file), "identical to the sox-written fixture, header included");

    WavFileSource source = WavFileSource.builder(file).realTime(false).build();
    source.open(MONO_24K);
    assertArrayEquals(pcm, readAll(source, 4800));
  }

  @Test
  void unfinishedRecordingIsReadableAndDrainPatchesSizes() throws IOException {
    Path file = dir.resolve("partial.wav");
    WavFileSink sink = WavFileSink.create(file);
    assertEquals(PcmFormat.pcm16(16_000, 2), sink.open(PcmFormat.pcm16(16_000, 2)));
    byte[] frames = new byte[4 * 100];
    frames[5] = 9;
    sink.write(frames, 0, frames.length);
    byte[] onDisk = Files.readAllBytes(file);
    assertEquals(0xFFFF_FFFFL, WavHeader.u32(onDisk, 40), "placeholder data size");
    assertArrayEquals(frames, Wav.read(file).pcm(), "placeholder means: read to the end");
    sink.drain();
    onDisk = Files.readAllBytes(file);
    assertEquals(400, WavHeader.u32(onDisk, 40));
    assertEquals(436, WavHeader.u32(onDisk, 4));
    sink.write(frames, 0, 4);
    sink.close();
    assertEquals(404, Wav.read(file).pcm().length);
    assertEquals(101, sink.framesPlayed());
  }

  @Test
  void sinkAcceptsAtMostStereo16BitAndRefusesPartialFrames() {
    WavFileSink sink = WavFileSink.create(dir.resolve("x.wav"));
    assertEquals(PcmFormat.pcm16(8000, 2), sink.open(new PcmFormat(8000, 6, 24, true)));
    assertThrows(IllegalArgumentException.class, () -> sink.write(new byte[6], 0, 6));
    assertThrows(IllegalStateException.class, () -> sink.open(MONO_24K));
    sink.close();
    WavData empty = Wav.read(dir.resolve("x.wav"));
    assertEquals(PcmFormat.pcm16(8000, 2), empty.format());
    assertEquals(0, empty.pcm().length);
  }

  static byte[] readAll(AudioSource source, int chunkBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[chunkBytes];
    int frameBytes = source.format().bytesPerFrame();
    for (int n; (n = source.read(chunk, 0, chunk.length)) != -1; ) {
      assertTrue(n > 0 && n % frameBytes == 0, "whole frames: " + n);
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }
}
