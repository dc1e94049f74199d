package dev.atomsrealtime.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the WAV reader ({@link WavHeader#read} and {@link Wav#read}) with
 * Jazzer, like {@code EventCodecFuzzTest} (see {@code sdk-core/FUZZING.md}). Any input must either
 * read or throw {@link AudioException}; anything else thrown is a finding, and so is a refusal by
 * {@link Wav#read} of a header {@link WavHeader#read} accepted (but for a declared size beyond
 * what an array holds), and a result that
 * breaks what the reader promises: a format outside what it supports, samples that are not the
 * bytes right after the header (as many as the data chunk declares, or up to the end for a
 * placeholder size, cut to whole frames), or a file that does not read back the same once written
 * out again.
 *
 * <p>Regression mode (every build) runs the inputs in {@code
 * src/test/resources/dev/atomsrealtime/audio/WavFuzzTestInputs/readWav/}.
 */
class WavFuzzTest {

  @FuzzTest(maxDuration = "60m", maxExecutions = 1_000_000)
  void readWav(byte[] file) {
    // The header alone: where it leaves the stream is where the samples start.
    ByteArrayInputStream headerIn = new ByteArrayInputStream(file);
    WavHeader header;
    try {
      header = WavHeader.read(headerIn, "fuzz.wav");
    } catch (AudioException refused) {
      mustRefuseWhole(file);
      return;
    }
    int dataStart = file.length - headerIn.available();
    PcmFormat format = header.format();
    check(format.bitsPerSample() == 16 && !format.bigEndian(), "not PCM16 LE", format);
    check(format.channels() == 1 || format.channels() == 2, "channels", format);
    check(format.sampleRateHz() >= WavHeader.MIN_RATE_HZ
        && format.sampleRateHz() <= WavHeader.MAX_RATE_HZ, "rate", format);
    check(header.dataBytes() >= -1, "data size", header);
    check(dataStart >= 44, "a header shorter than the minimal one", dataStart);

    WavData data;
    try {
      data = Wav.read(new ByteArrayInputStream(file), "fuzz.wav");
    } catch (AudioException e) {
      // The one refusal after an accepted header: a declared size no array can hold, which is
      // refused up front whatever the stream really holds (the first finding of this target).
      check(header.dataBytes() > Integer.MAX_VALUE, "Wav.read refused an accepted header",
          e.getMessage());
      return;
    }
    check(data.format().equals(format), "Wav.read and WavHeader.read disagree", data.format());
    long available = file.length - dataStart;
    long expected = header.dataBytes() < 0 ? available : Math.min(header.dataBytes(), available);
    expected -= expected % format.bytesPerFrame();
    check(data.pcm().length == expected, "sample bytes", data.pcm().length + " != " + expected);
    check(Arrays.equals(data.pcm(), Arrays.copyOfRange(file, dataStart, dataStart
        + (int) expected)), "samples are not the bytes after the header", header);

    // Written out canonically, it reads back the same.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Wav.write(out, data.format(), data.pcm());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WavData again = Wav.read(new ByteArrayInputStream(out.toByteArray()), "again.wav");
    check(again.format().equals(data.format()) && Arrays.equals(again.pcm(), data.pcm()),
        "a rewritten file reads back differently", again.format());
  }

  private static void mustRefuseWhole(byte[] file) {
    try {
      Wav.read(new ByteArrayInputStream(file), "fuzz.wav");
    } catch (AudioException expected) {
      return;
    }
    throw new AssertionError("Wav.read accepted a file whose header WavHeader.read refused");
  }

  private static void check(boolean ok, String what, Object detail) {
    if (!ok) {
      throw new AssertionError(what + ": " + detail);
    }
  }
}
