package dev.atomsrealtime.examples.bridge;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.audio.AudioClock;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioTap;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.PcmPullSink;
import dev.atomsrealtime.audio.PcmPushSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.java_websocket.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phone call: a media stream bridged to its own Atoms session, with no thread of its own.
 * The caller's frames are pushed into the session as they arrive (a {@link PcmPushSource} in the
 * stream's G.711 format); after each one, and after each mark the phone plays back, the agent's
 * audio is polled from a {@link PcmPullSink} and sent as {@code media} frames, each followed by a
 * {@code mark}, keeping at most {@link #LEAD_MILLIS} ahead of what the phone says it has played.
 * When the session cuts playback (an interruption), a {@code clear} goes out at once, from the
 * socket thread that received the interruption, so the phone drops what it still buffers.
 */
final class PhoneCall implements AudioTap {
  private static final Logger log = LoggerFactory.getLogger(PhoneCall.class);
  /** How far the audio sent may run ahead of what the phone has played. */
  static final int LEAD_MILLIS = 200;

  private final WebSocket phone;
  private final AtomsClient client;
  private final SessionOptions base;
  private final PhoneBridge bridge;
  private final Object sendLock = new Object(); // orders media, marks and clear to the phone
  private byte[] frame = new byte[0]; // the phone's socket thread only
  private volatile String streamSid;
  private volatile AtomsSession session;
  private volatile PcmPushSource caller;
  private volatile PcmPullSink agent;
  private volatile boolean ended;
  // Guarded by sendLock.
  private long cuts;
  private int leadBytes;
  private long sentBytes;
  private long heardBytes;

  PhoneCall(WebSocket phone, AtomsClient client, SessionOptions base, PhoneBridge bridge) {
    this.phone = phone;
    this.client = client;
    this.base = base;
    this.bridge = bridge;
  }

  /** The phone's socket thread: one message of the stream. */
  void onMessage(MediaStreamMessages.Inbound m) {
    switch (m.event()) {
      case "start" -> start(m);
      case "media" -> {
        PcmPushSource in = caller;
        if (in != null && m.inboundTrack()) {
          in.push(m.payload());
        }
        sendAgentAudio();
      }
      case "mark" -> {
        try {
          long played = Long.parseLong(m.markName());
          synchronized (sendLock) {
            heardBytes = Math.max(heardBytes, played);
          }
        } catch (NumberFormatException e) {
          log.debug("stream {}: a mark we did not send: {}", streamSid, m.markName());
        }
        sendAgentAudio();
      }
      case "stop" -> end("the stream stopped");
      default -> { } // connected, dtmf, and events we do not know
    }
  }

  /** The phone's socket closed (with or without a stop first). */
  void phoneClosed() {
    end("the phone's socket closed");
  }

  private void start(MediaStreamMessages.Inbound m) {
    if (session != null) {
      return;
    }
    streamSid = m.streamSid();
    PcmFormat leg = m.encoding().contains("alaw") ? PcmFormat.aLaw(m.sampleRateHz())
        : PcmFormat.muLaw(m.sampleRateHz());
    Map<String, Object> variables = new LinkedHashMap<>(base.variables());
    variables.putAll(m.customParameters());
    SessionOptions options = base.toBuilder().sampleRateHz(leg.sampleRateHz())
        .variables(variables).build();
    frame = new byte[leg.bytesForMillis(20)];
    synchronized (sendLock) {
      leadBytes = leg.bytesForMillis(LEAD_MILLIS);
    }
    caller = PcmPushSource.create(leg, 1_000);
    agent = PcmPullSink.create(leg, 1_000);
    AtomsSession s = client.newSession(options, new SessionListener() {
      @Override
      public void onClosed(AtomsSession closed, SessionEnd end) {
        log.info("stream {}: session ended ({})", streamSid, end.closedReason());
        bridge.sessionClosed(PhoneCall.this);
        if (phone.isOpen()) {
          phone.close(1000, "the agent session ended");
        }
      }
    });
    session = s;
    s.attachAudio(caller, agent, AudioOptions.builder().tap(this).build());
    bridge.callStarted(this);
    s.connect().whenComplete((info, error) -> {
      if (error != null) {
        log.warn("stream {}: could not open the agent session: {}", streamSid, error.toString());
      }
    });
  }

  /**
   * Sends the agent audio that is due: as much as keeps within the lead of what was played. The
   * phone's socket thread only (media and marks arrive there), so {@link #frame} is its own. A
   * frame polled just before a cut is dropped, not sent after the {@code clear}.
   */
  private void sendAgentAudio() {
    PcmPullSink out = agent;
    String sid = streamSid;
    if (out == null || sid == null) {
      return;
    }
    while (true) {
      long cutsBefore;
      synchronized (sendLock) {
        if (sentBytes - heardBytes >= leadBytes) {
          return;
        }
        cutsBefore = cuts;
      }
      int n = out.poll(frame, 0, frame.length); // no lock held: the sink may run the pump
      if (n <= 0) {
        return;
      }
      synchronized (sendLock) {
        if (cuts != cutsBefore) {
          continue; // taken from the interrupted reply before the flush: never heard
        }
        sentBytes += n;
        phone.send(MediaStreamMessages.media(sid, frame, n));
        phone.send(MediaStreamMessages.mark(sid, Long.toString(sentBytes)));
      }
    }
  }

  private void end(String why) {
    if (ended) {
      return;
    }
    ended = true;
    PcmPushSource in = caller;
    if (in != null) {
      in.endOfStream();
    }
    AtomsSession s = session;
    if (s != null) {
      log.info("stream {}: {}; closing the agent session", streamSid, why);
      s.closeAsync();
    }
  }

  String streamSid() {
    return streamSid;
  }

  AtomsSession session() {
    return session;
  }

  // -----------------------------------------------------------------------------------------------
  // AudioTap: only the cut matters here

  @Override
  public void started(PcmFormat sessionFormat, AudioClock clock) {}

  @Override
  public void userAudio(byte[] pcm, int offset, int length, long nanos) {}

  @Override
  public void agentAudio(byte[] pcm, int offset, int length, long nanos) {}

  /** The socket thread that received the interruption, right after the sink was flushed. */
  @Override
  public void agentAudioCut(long nanos) {
    String sid = streamSid;
    if (sid == null || !phone.isOpen()) {
      return;
    }
    synchronized (sendLock) {
      cuts++;
      phone.send(MediaStreamMessages.clear(sid));
      heardBytes = sentBytes; // the phone dropped the rest; its pending marks come back now
    }
    bridge.cleared(this, nanos);
  }

  @Override
  public void stopped(long nanos) {}
}
