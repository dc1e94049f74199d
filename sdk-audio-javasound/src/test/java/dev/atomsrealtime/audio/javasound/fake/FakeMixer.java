package dev.atomsrealtime.audio.javasound.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.Control;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineListener;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * A pure-Java mixer for tests. Each test sets what the device supports and how it misbehaves:
 * formats, busy on open, a capture signal, the moment and way the device disappears, and whether
 * playback is consumed at once or only when the test says so. It records every line it handed out.
 */
public final class FakeMixer implements Mixer {

  /** 16-bit signed little-endian mono at these rates. */
  public static List<AudioFormat> pcm16Mono(int... ratesHz) {
    List<AudioFormat> formats = new ArrayList<>();
    for (int rate : ratesHz) {
      formats.add(new AudioFormat(rate, 16, 1, true, false));
    }
    return formats;
  }

  private final Mixer.Info info;
  private final List<FakeTargetDataLine> targetLines = new CopyOnWriteArrayList<>();
  private final List<FakeSourceDataLine> sourceLines = new CopyOnWriteArrayList<>();

  private volatile List<AudioFormat> formats = pcm16Mono(8000, 16000, 24000, 48000);
  private volatile boolean capture = true;
  private volatile boolean playback = true;
  volatile boolean busy;
  volatile byte[] captureSignal = new byte[0];
  volatile Failure failure = Failure.NONE;
  volatile long failAfterBytes;
  volatile boolean manualPlayback;

  public FakeMixer(String name) {
    this.info = new Mixer.Info(name, "Atoms tests", "Fake device " + name, "1") {};
  }

  /** The formats both line kinds support (a rate may be AudioSystem.NOT_SPECIFIED). */
  public FakeMixer formats(List<AudioFormat> formats) {
    this.formats = List.copyOf(formats);
    return this;
  }

  public FakeMixer captureOnly() {
    playback = false;
    return this;
  }

  public FakeMixer playbackOnly() {
    capture = false;
    return this;
  }

  /** Opening a line throws LineUnavailableException. */
  public FakeMixer busy(boolean busy) {
    this.busy = busy;
    return this;
  }

  /** What capture delivers, from the start of each opened line; silence after it. */
  public FakeMixer captureSignal(byte[] signal) {
    this.captureSignal = signal.clone();
    return this;
  }

  /** After {@code afterBytes} bytes through a line, the device fails this way. */
  public FakeMixer failure(Failure failure, long afterBytes) {
    this.failure = failure;
    this.failAfterBytes = afterBytes;
    return this;
  }

  /** Playback is consumed only by {@link FakeSourceDataLine#consume}; writes block when full. */
  public FakeMixer manualPlayback(boolean manual) {
    this.manualPlayback = manual;
    return this;
  }

  public List<FakeTargetDataLine> targetLines() {
    return List.copyOf(targetLines);
  }

  public List<FakeSourceDataLine> sourceLines() {
    return List.copyOf(sourceLines);
  }

  public FakeTargetDataLine lastTargetLine() {
    return targetLines.get(targetLines.size() - 1);
  }

  public FakeSourceDataLine lastSourceLine() {
    return sourceLines.get(sourceLines.size() - 1);
  }

  /** Lines of this mixer that are open now. */
  public int openLineCount() {
    int open = 0;
    for (FakeTargetDataLine line : targetLines) {
      open += line.isOpen() ? 1 : 0;
    }
    for (FakeSourceDataLine line : sourceLines) {
      open += line.isOpen() ? 1 : 0;
    }
    return open;
  }

  DataLine.Info targetInfo() {
    return new DataLine.Info(
        TargetDataLine.class, formats.toArray(AudioFormat[]::new), 32, AudioSystem.NOT_SPECIFIED);
  }

  DataLine.Info sourceInfo() {
    return new DataLine.Info(
        SourceDataLine.class, formats.toArray(AudioFormat[]::new), 32, AudioSystem.NOT_SPECIFIED);
  }

  @Override
  public Mixer.Info getMixerInfo() {
    return info;
  }

  @Override
  public Line.Info[] getSourceLineInfo() {
    return playback ? new Line.Info[] {sourceInfo()} : new Line.Info[0];
  }

  @Override
  public Line.Info[] getTargetLineInfo() {
    return capture ? new Line.Info[] {targetInfo()} : new Line.Info[0];
  }

  @Override
  public Line.Info[] getSourceLineInfo(Line.Info wanted) {
    return matching(getSourceLineInfo(), wanted);
  }

  @Override
  public Line.Info[] getTargetLineInfo(Line.Info wanted) {
    return matching(getTargetLineInfo(), wanted);
  }

  private static Line.Info[] matching(Line.Info[] infos, Line.Info wanted) {
    List<Line.Info> result = new ArrayList<>();
    for (Line.Info supported : infos) {
      if (wanted.matches(supported)) { // directional: the request must match what is offered
        result.add(supported);
      }
    }
    return result.toArray(Line.Info[]::new);
  }

  @Override
  public boolean isLineSupported(Line.Info wanted) {
    return getSourceLineInfo(wanted).length > 0 || getTargetLineInfo(wanted).length > 0;
  }

  @Override
  public Line getLine(Line.Info wanted) {
    if (getTargetLineInfo(wanted).length > 0) {
      FakeTargetDataLine line = new FakeTargetDataLine(this, targetInfo());
      targetLines.add(line);
      return line;
    }
    if (getSourceLineInfo(wanted).length > 0) {
      FakeSourceDataLine line = new FakeSourceDataLine(this, sourceInfo());
      sourceLines.add(line);
      return line;
    }
    throw new IllegalArgumentException("Line not supported: " + wanted);
  }

  @Override
  public int getMaxLines(Line.Info wanted) {
    return isLineSupported(wanted) ? AudioSystem.NOT_SPECIFIED : 0;
  }

  @Override
  public Line[] getSourceLines() {
    return sourceLines.stream().filter(Line::isOpen).toArray(Line[]::new);
  }

  @Override
  public Line[] getTargetLines() {
    return targetLines.stream().filter(Line::isOpen).toArray(Line[]::new);
  }

  @Override
  public void synchronize(Line[] lines, boolean maintainSync) {
    throw new IllegalArgumentException("not supported");
  }

  @Override
  public void unsynchronize(Line[] lines) {
    throw new IllegalArgumentException("not supported");
  }

  @Override
  public boolean isSynchronizationSupported(Line[] lines, boolean maintainSync) {
    return false;
  }

  @Override
  public Line.Info getLineInfo() {
    return new Line.Info(Mixer.class);
  }

  @Override
  public void open() {}

  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return true;
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

  @Override
  public String toString() {
    return "FakeMixer[" + info.getName() + "]";
  }
}
