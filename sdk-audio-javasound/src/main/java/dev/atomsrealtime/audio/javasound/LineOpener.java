package dev.atomsrealtime.audio.javasound;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.javasound.JavaSoundDevice.Kind;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/** Opens a capture or playback line in the best format the device offers. */
final class LineOpener {

  /** An opened, started line, the format it really runs in and how to name its device. */
  record Opened<L extends DataLine>(L line, PcmFormat format, String deviceLabel) {

    /** The line's real buffer in milliseconds, for logs. */
    long bufferMillis() {
      return format.millisForBytes(line.getBufferSize());
    }
  }

  private LineOpener() {}

  /**
   * Takes a line of {@code lineClass} from the selected device, opens it in {@code requested} if
   * supported, else the closest supported format, with a buffer of {@code bufferMillis}, and
   * starts it. On failure nothing is left open.
   *
   * @throws AudioDeviceNotFoundException if there is no such device
   * @throws AudioDeviceBusyException if the device cannot be opened now
   * @throws AudioFormatNotSupportedException if the device offers no usable format
   */
  static <L extends DataLine> Opened<L> open(
      JavaSoundDevices devices,
      DeviceSelector selector,
      Class<L> lineClass,
      PcmFormat requested,
      int bufferMillis) {
    Kind kind = JavaSoundDevices.kindOf(lineClass);
    JavaSoundDevices.Acquired<L> acquired = devices.acquire(lineClass, selector);
    L line = acquired.line();
    DataLine.Info info =
        line.getLineInfo() instanceof DataLine.Info dataInfo ? dataInfo : null;
    List<PcmFormat> toTry = FormatChooser.formatsToTry(requested, info);
    IllegalArgumentException lastRejection = null;
    for (PcmFormat format : toTry) {
      AudioFormat audioFormat = FormatChooser.toAudioFormat(format);
      int bufferBytes = Math.max(format.bytesPerFrame(), format.bytesForMillis(bufferMillis));
      try {
        if (line instanceof TargetDataLine target) {
          target.open(audioFormat, bufferBytes);
        } else {
          ((SourceDataLine) line).open(audioFormat, bufferBytes);
        }
      } catch (IllegalArgumentException e) {
        lastRejection = e; // advertised but refused: try the next one
        continue;
      } catch (LineUnavailableException e) {
        closeQuietly(line);
        throw JavaSoundDevices.busy(kind, acquired.deviceLabel(), e);
      } catch (RuntimeException e) {
        closeQuietly(line);
        throw new AudioException(
            "Could not open the " + JavaSoundDevices.noun(kind) + " device "
                + acquired.deviceLabel() + " in " + format + ": " + e,
            e);
      }
      try {
        line.start();
      } catch (RuntimeException e) {
        closeQuietly(line);
        throw new AudioException(
            "Could not start the " + JavaSoundDevices.noun(kind) + " device "
                + acquired.deviceLabel() + ": " + e,
            e);
      }
      return new Opened<>(line, format, acquired.deviceLabel());
    }
    closeQuietly(line);
    String offered = info == null ? "none listed" : Arrays.toString(info.getFormats());
    throw new AudioFormatNotSupportedException(
        "The " + JavaSoundDevices.noun(kind) + " device " + acquired.deviceLabel()
            + " offers no usable PCM format (wanted " + requested
            + " or a mono or stereo PCM fallback); it offers: " + offered,
        lastRejection);
  }

  static void closeQuietly(DataLine line) {
    try {
      line.close();
    } catch (RuntimeException e) {
      // Closing a broken line may fail; the line is unusable either way.
    }
  }
}
