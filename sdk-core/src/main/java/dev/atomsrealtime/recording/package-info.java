/**
 * Client-side call recording: {@link dev.atomsrealtime.recording.CallRecorder} records a session's
 * audio as it really went (the user's side as sent, the agent's side as played and cut by
 * interruptions) to a stereo WAV on one timeline, with a JSON transcript whose turns carry their
 * offsets in the recording, the interrupted flag and the turn's latency. It is an {@link
 * dev.atomsrealtime.audio.AudioTap}, attached with {@code AudioOptions.Builder.tap}.
 */
package dev.atomsrealtime.recording;
