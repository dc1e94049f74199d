package dev.atomsrealtime.transport;

/**
 * Creates {@link Transport}s, one per connection attempt. Implementations are thread-safe and
 * may be shared by many clients.
 */
@FunctionalInterface
public interface TransportFactory {

  /**
   * Creates an unstarted transport for {@code request} that reports to {@code listener}.
   *
   * @param request what to connect to
   * @param listener receives the events
   * @return the transport
   */
  Transport create(TransportRequest request, Transport.Listener listener);
}
