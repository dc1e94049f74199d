package dev.atomsrealtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.OutputAudioDeltaEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.ServerEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.java_websocket.exceptions.WebsocketNotConnectedException;

/** A raw WebSocket client talking to a {@link SimulatedAgent}, for the agent's tests. */
final class AgentClient {
  static final String KEY = "sk_test_123";

  final TestClient client;
  final SessionCreatedEvent created;

  private AgentClient(TestClient client, SessionCreatedEvent created) {
    this.client = client;
    this.created = created;
  }

  /** Opens a connection with {@code rawQuery} and reads {@code session.created}. */
  static AgentClient open(FakeAtomsServer server, String rawQuery) throws InterruptedException {
    TestClient client = TestClient.open(server.connectUri(rawQuery), KEY);
    return new AgentClient(client, client.next(SessionCreatedEvent.class));
  }

  int sampleRateHz() {
    return created.sampleRateHz();
  }

  /** {@code audio} converted to this session's wire format. */
  byte[] wire(WavData audio) {
    return audio.convertTo(PcmFormat.pcm16Mono(sampleRateHz())).pcm();
  }

  /** Sends {@code pcm} in 40 ms appends, as fast as the socket takes them. */
  void sendAudio(byte[] pcm) {
    int chunk = PcmFormat.pcm16Mono(sampleRateHz()).bytesForMillis(40);
    for (int i = 0; i < pcm.length; i += chunk) {
      client.send(
          InputAudioBufferAppendEvent.of(
              Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + chunk))));
    }
  }

  /**
   * Like {@link #sendAudio}, but stops without failing once the connection has closed: the agent
   * may end the call as soon as it has heard the end of the utterance, while the rest of its
   * trailing silence is still being sent.
   */
  void sendAudioUntilClosed(byte[] pcm) {
    try {
      sendAudio(pcm);
    } catch (WebsocketNotConnectedException e) {
      // the call ended meanwhile
    }
  }

  ServerEvent next() throws InterruptedException {
    return client.nextEvent();
  }

  <T extends ServerEvent> T next(Class<T> type) throws InterruptedException {
    return client.next(type);
  }

  /** Reads the user transcript that ends an utterance. */
  String userTranscript() throws InterruptedException {
    TranscriptEvent transcript = next(TranscriptEvent.class);
    assertEquals(Role.USER, transcript.role());
    return transcript.text();
  }

  /** What the client saw of one agent reply. */
  record Reply(
      Instant startedAt,
      Instant stoppedAt,
      List<byte[]> deltas,
      byte[] audio,
      List<String> transcriptDeltas,
      String finalTranscript) {}

  /**
   * Reads a whole reply from {@code agent_start_talking} to the final assistant transcript,
   * asserting the order of a normal turn and that the cumulative transcript only grows.
   */
  Reply reply() throws InterruptedException {
    AgentStartTalkingEvent start = next(AgentStartTalkingEvent.class);
    Instant startedAt = Instant.parse(start.timestamp());
    List<byte[]> deltas = new ArrayList<>();
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    List<String> texts = new ArrayList<>();
    Instant stoppedAt;
    while (true) {
      ServerEvent event = next();
      if (event instanceof OutputAudioDeltaEvent delta) {
        byte[] pcm = delta.audioCopy();
        deltas.add(pcm);
        audio.writeBytes(pcm);
      } else if (event instanceof TranscriptDeltaEvent text) {
        assertEquals(Role.AGENT, text.role());
        if (!texts.isEmpty()) {
          String previous = texts.get(texts.size() - 1);
          assertTrue(
              text.text().startsWith(previous) && text.text().length() > previous.length(),
              () -> "transcript delta did not grow: '" + previous + "' then '" + text.text() + "'");
        }
        texts.add(text.text());
      } else if (event instanceof AgentStopTalkingEvent stop) {
        stoppedAt = Instant.parse(stop.timestamp());
        break;
      } else {
        fail("unexpected event in a reply: " + event);
      }
    }
    TranscriptEvent last = next(TranscriptEvent.class);
    assertEquals(Role.AGENT, last.role());
    return new Reply(startedAt, stoppedAt, deltas, audio.toByteArray(), texts, last.text());
  }
}
