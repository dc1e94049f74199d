package dev.atomsrealtime.bench;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioStats;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPushSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.audio.TurnMetrics;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.javawebsocket.JavaWebSocketTransportFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SDK as an application uses it: one {@link AtomsClient}, and per session a {@link
 * PcmPushSource} (fed by the harness's pacer) and a {@link TimestampSink} attached with {@code
 * attachAudio} and default {@link AudioOptions}. Interruption-to-silence comes from the SDK's own
 * {@link TurnMetrics}.
 */
final class SdkClients extends LoadClients {
  private static final PcmFormat FORMAT = PcmFormat.pcm16Mono(24_000);

  private final TransportFactory transport;
  private final List<AtomsSession> sessions = new ArrayList<>();
  private final List<SessionAudio> audio = new ArrayList<>();
  private final List<PcmPushSource> sources = new ArrayList<>();
  private volatile boolean closing;
  private AtomsClient client;

  SdkClients(String transportName) {
    this.transport = transport(transportName);
  }

  /**
   * {@code javawebsocket} (the default), {@code jdk}, or the class name of any {@link
   * TransportFactory} with a public no-argument constructor.
   */
  static TransportFactory transport(String name) {
    if (name.equals("javawebsocket")) {
      return new JavaWebSocketTransportFactory();
    }
    if (name.equals("jdk")) {
      return new dev.atomsrealtime.transport.jdk.JdkWebSocketTransportFactory();
    }
    try {
      return (TransportFactory) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("transport '" + name + "' is not on the classpath", e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot create transport " + name, e);
    }
  }

  @Override
  int connect(URI serverUri, int count) throws Exception {
    client = AtomsClient.builder()
        .apiKey("sk_bench")
        .baseUrl(serverUri)
        .transportFactory(transport)
        .build();
    SessionOptions options = SessionOptions.builder().agentId("bench-agent").build();
    List<CompletableFuture<?>> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      PcmPushSource source = PcmPushSource.create(FORMAT, 1_000);
      TimestampSink sink = new TimestampSink(FORMAT);
      AtomsSession session = client.newSession(options, new Listener());
      audio.add(session.attachAudio(source, sink, AudioOptions.defaults()));
      sessions.add(session);
      sources.add(source);
      sinks.add(sink);
      opened.add(session.connect());
    }
    int ok = 0;
    for (CompletableFuture<?> f : opened) {
      try {
        f.get(30, TimeUnit.SECONDS);
        ok++;
      } catch (Exception e) {
        System.err.println("session failed to open: " + e);
      }
    }
    return ok;
  }

  @Override
  void sendChunk(int index, byte[] chunk) {
    sources.get(index).push(chunk); // copies: the pacer reuses its buffer
  }

  @Override
  String notes() {
    long stale = 0;
    long discarded = 0;
    long queueFull = 0;
    long pushDropped = 0;
    for (SessionAudio a : audio) {
      AudioStats s = a.stats();
      stale += s.staleDeltasDropped();
      discarded += s.bytesDiscardedByInterruption();
      queueFull += s.bytesDroppedQueueFull();
    }
    for (PcmPushSource s : sources) {
      pushDropped += s.droppedBytes();
    }
    return "staleDeltasDropped=" + stale + " bytesDiscardedByInterruption=" + discarded
        + " bytesDroppedQueueFull=" + queueFull + " pushSourceDroppedBytes=" + pushDropped;
  }

  @Override
  public void close() {
    closing = true;
    if (client != null) {
      client.close();
    }
  }

  private final class Listener implements SessionListener {
    @Override
    public void onTurnMetrics(AtomsSession session, TurnMetrics metrics) {
      if (metrics.interrupted() && metrics.interruptionToSilence() != null) {
        interruptionSilenced(metrics.interruptionToSilence().toNanos());
      }
    }

    @Override
    public void onClosed(AtomsSession session, SessionEnd end) {
      if (!closing) {
        closedUnexpectedly();
        System.err.println("session closed unexpectedly: " + end);
      }
    }
  }
}
