/**
 * Microphone and speaker for desktop Java: {@link
 * dev.atomsrealtime.audio.javasound.JavaSoundAudioSource} (an {@link
 * dev.atomsrealtime.audio.AudioSource} over a {@link javax.sound.sampled.TargetDataLine}) and
 * {@link dev.atomsrealtime.audio.javasound.JavaSoundAudioSink} (an {@link
 * dev.atomsrealtime.audio.AudioSink} over a {@link javax.sound.sampled.SourceDataLine}).
 *
 * <pre>{@code
 * AudioSource mic = JavaSoundAudioSource.defaultMicrophone();
 * AudioSink speaker = JavaSoundAudioSink.builder().device("USB").bufferMillis(60).build();
 * }</pre>
 *
 * <p><b>Devices.</b> {@link dev.atomsrealtime.audio.javasound.JavaSoundDevices} lists the mixers
 * that capture or play, with their formats, and picks one by exact name, by a unique
 * case-insensitive part of the name, or by index; the system default otherwise. It is also the
 * seam for tests and for applications with their own {@link javax.sound.sampled.Mixer}: {@link
 * dev.atomsrealtime.audio.javasound.JavaSoundDevices#of(java.util.List)}.
 *
 * <p><b>Formats.</b> The line opens in the requested format (the session's signed 16-bit
 * little-endian mono) when the device supports it, else in the closest supported PCM format, which
 * {@code open} returns and logs at INFO; the caller converts. No resampling happens here.
 *
 * <p><b>Latency.</b> Device buffers are small (80 ms by default); the line's blocking {@code read}
 * and {@code write} pace the caller; {@code flush()} empties the speaker's buffer at once.
 *
 * <p><b>Errors.</b> All failures are {@link dev.atomsrealtime.audio.AudioException}s: {@link
 * dev.atomsrealtime.audio.javasound.AudioDeviceNotFoundException} (no device at all, or none by
 * that name), {@link dev.atomsrealtime.audio.javasound.AudioDeviceBusyException} (the device is in
 * use), {@link dev.atomsrealtime.audio.javasound.AudioFormatNotSupportedException} (no usable
 * format) and, mid-call, {@link dev.atomsrealtime.audio.javasound.AudioDeviceLostException}.
 *
 * <p><b>Threads.</b> Reads and writes run on the caller's thread. Each open source or sink has one
 * daemon watchdog thread, {@code atoms-capture-watchdog-N} or {@code atoms-playback-watchdog-N},
 * which ends a read or write stuck in a device that stopped; it ends on {@code close()}.
 */
package dev.atomsrealtime.audio.javasound;
