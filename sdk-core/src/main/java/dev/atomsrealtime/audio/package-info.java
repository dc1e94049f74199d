/**
 * Audio for sessions: sources (the user's voice) and sinks (the agent's voice) attached with
 * {@link dev.atomsrealtime.AtomsSession#attachAudio}, and the pieces they are built from.
 *
 * <ul>
 *   <li>Interfaces: {@link dev.atomsrealtime.audio.AudioSource}, {@link
 *       dev.atomsrealtime.audio.AudioSink}, and their non-blocking forms, which the session drives
 *       without a thread of its own.
 *   <li>For applications that move PCM themselves (telephony, Android's {@code AudioRecord} and
 *       {@code AudioTrack}): {@link dev.atomsrealtime.audio.PcmPushSource} and {@link
 *       dev.atomsrealtime.audio.PcmPullSink}.
 *   <li>Files: {@link dev.atomsrealtime.audio.WavFileSource}, {@link
 *       dev.atomsrealtime.audio.WavFileSink}, {@link dev.atomsrealtime.audio.Wav}.
 *   <li>Formats and conversion: {@link dev.atomsrealtime.audio.PcmFormat}, {@link
 *       dev.atomsrealtime.audio.PcmConverter}, {@link dev.atomsrealtime.audio.Resampler}.
 *   <li>Options, counters and per-turn latency: {@link dev.atomsrealtime.audio.AudioOptions},
 *       {@link dev.atomsrealtime.audio.AudioStats}, {@link dev.atomsrealtime.audio.TurnMetrics}.
 * </ul>
 *
 * <p>The wire format is PCM16 little-endian mono at the negotiated rate; sources and sinks in
 * other formats are converted. Desktop microphones and speakers are in {@code
 * atoms-sdk-audio-javasound}; this package uses no {@code javax.sound} and runs on Android.
 */
package dev.atomsrealtime.audio;
