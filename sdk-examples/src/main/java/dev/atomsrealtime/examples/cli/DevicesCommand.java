package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.audio.javasound.JavaSoundDevice;
import dev.atomsrealtime.audio.javasound.JavaSoundDevices;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sound.sampled.AudioFormat;
import picocli.CommandLine.Command;

/** {@code atoms devices}: the sound devices javax.sound offers. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "List capture (microphone) and playback (speaker) devices with their formats.")
final class DevicesCommand implements Callable<Integer> {
  private final PrintStream stdout;
  private final JavaSoundDevices devices;

  DevicesCommand(PrintStream stdout, JavaSoundDevices devices) {
    this.stdout = stdout;
    this.devices = devices;
  }

  @Override
  public Integer call() {
    print("Capture devices (--mic)", devices.captureDevices());
    print("Playback devices (--speaker)", devices.playbackDevices());
    return ExitCodes.OK;
  }

  private void print(String title, List<JavaSoundDevice> list) {
    stdout.println(title + ":");
    if (list.isEmpty()) {
      stdout.println("  none found (no sound card, or no access to it)");
    }
    for (JavaSoundDevice d : list) {
      stdout.printf("  [%d] %s%s%n", d.index(), d.name(),
          d.description() == null || d.description().isEmpty() ? "" : " - " + d.description());
      stdout.println("      formats: " + summarize(d.formats()));
    }
  }

  private static String summarize(List<AudioFormat> formats) {
    if (formats.isEmpty()) {
      return "(none reported)";
    }
    StringBuilder s = new StringBuilder();
    int shown = 0;
    for (AudioFormat f : formats) {
      if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || f.getSampleSizeInBits() != 16) {
        continue;
      }
      if (shown++ == 6) {
        s.append(", ...");
        break;
      }
      if (s.length() > 0) {
        s.append(", ");
      }
      float rate = f.getSampleRate();
      s.append(rate == javax.sound.sampled.AudioSystem.NOT_SPECIFIED ? "any rate" : (int) rate + " Hz")
          .append(' ').append(f.getChannels() == 1 ? "mono" : f.getChannels() + " ch")
          .append(f.isBigEndian() ? " BE" : " LE");
    }
    return s.length() == 0 ? formats.size() + " non-16-bit formats" : s.toString();
  }

}
