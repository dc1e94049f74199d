package dev.atomsrealtime.examples.cli;

import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.PcmFormat;

/** A sink that accepts audio and keeps nothing (pace it with RealTimeAudioSink). */
final class DiscardingSink implements AudioSink {
  private volatile PcmFormat format;
  private volatile long frames;

  @Override
  public PcmFormat open(PcmFormat requested) {
    format = requested;
    return requested;
  }

  @Override
  public PcmFormat format() {
    return format;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) {
    frames += length / format.bytesPerFrame();
  }

  @Override
  public void flush() {}

  @Override
  public void drain() {}

  @Override
  public long framesPlayed() {
    return frames;
  }

  @Override
  public void close() {}
}
