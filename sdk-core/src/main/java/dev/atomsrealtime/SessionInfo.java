package dev.atomsrealtime;

/**
 * What the server said when the session opened ({@code session.created}).
 *
 * @param sessionId the server's session id
 * @param callId the call id, to fetch the call log afterwards
 * @param sampleRateHz the negotiated PCM rate, used for audio in both directions
 * @param channels audio channels (1)
 */
public record SessionInfo(String sessionId, String callId, int sampleRateHz, int channels) {}
