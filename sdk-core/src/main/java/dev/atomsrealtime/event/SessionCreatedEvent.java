package dev.atomsrealtime.event;

/**
 * {@code session.created}: the server accepted the session. Always the first server event; the
 * audio path uses {@code sampleRateHz} from here, not the requested rate.
 *
 * @param sessionId the server's session id
 * @param callId the call id ({@code CALL-<epoch ms>-<6 hex>}), used to fetch the call log
 * @param sampleRateHz the negotiated PCM sample rate in both directions
 * @param channels audio channels (1)
 */
public record SessionCreatedEvent(String sessionId, String callId, int sampleRateHz, int channels)
    implements ServerEvent {
  /** The wire {@code type} of this event, {@code "session.created"}. */
  public static final String TYPE = "session.created";

  @Override
  public String type() {
    return TYPE;
  }
}
