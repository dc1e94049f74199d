package dev.atomsrealtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.LoopbackSessionTest;
import org.junit.jupiter.api.Test;

/**
 * G.711 call legs through a session: a mu-law or A-law push source and pull sink at 8 kHz, coded
 * exactly per the standard, converted to and from the session's rate, with no audio thread.
 */
class TelephonyAudioTest extends LoopbackSessionTest {

  /** Every mu-law code, in a scrambled order, as a phone would send them. */
  static byte[] allCodes(int repeat) {
    byte[] codes = new byte[256 * repeat];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) (i * 37 + i / 256);
    }
    return codes;
  }

  static byte[] decode(PcmFormat law, byte[] codes) {
    byte[] pcm = new byte[codes.length * 2];
    if (law.encoding() == SampleEncoding.MU_LAW) {
      G711.muLawToPcm16(codes, 0, codes.length, pcm, 0);
    } else {
      G711.aLawToPcm16(codes, 0, codes.length, pcm, 0);
    }
    return pcm;
  }

  static byte[] encode(PcmFormat law, byte[] pcm) {
    byte[] codes = new byte[pcm.length / 2];
    for (int i = 0; i < codes.length; i++) {
      int s = (short) ((pcm[2 * i + 1] << 8) | (pcm[2 * i] & 0xff));
      codes[i] = (byte) (law.encoding() == SampleEncoding.MU_LAW
          ? G711.linearToMuLaw(s) : G711.linearToALaw(s));
    }
    return codes;
  }

  private void roundTripAt8kHz(PcmFormat law) throws Exception {
    FakeConnection conn = open(SessionOptions.builder().agentId("a").sampleRateHz(8_000).build(),
        listener);
    long threads = SessionAudioTest.audioThreads();
    PcmPushSource phoneIn = PcmPushSource.create(law, 1_000);
    PcmPullSink phoneOut = PcmPullSink.create(law, 200);
    SessionAudio audio = session.attachAudio(phoneIn, phoneOut,
        AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());

    // The caller: 20 ms frames of codes, as a media stream carries them.
    byte[] said = allCodes(5); // 1280 codes = 160 ms
    for (int off = 0; off < said.length; off += 160) {
      assertTrue(phoneIn.push(said, off, 160));
    }
    byte[] sent = SessionAudioTest.sentAudio(conn.awaitReceivedCount(8, LoopbackSessionTest.WAIT));
    assertArrayEquals(decode(law, said), sent, "the server hears the standard's values");
    // Started (audio was sent), so the session format is known: nothing was resampled.
    assertEquals(PcmFormat.pcm16Mono(8_000), audio.sessionFormat());

    // The agent: PCM16 at 8 kHz, which the phone gets as codes, exactly as the standard codes it.
    byte[] reply = SessionAudioTest.tone(PcmFormat.pcm16Mono(8_000), 100);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, reply);
    byte[] heard = SessionAudioTest.pull(phoneOut, reply.length / 2, 160);
    assertArrayEquals(encode(law, reply), heard);
    assertTrue(audio.awaitPlaybackIdle(WAIT));
    assertEquals(reply.length, audio.stats().deltaBytesPlayed());
    assertEquals(threads, SessionAudioTest.audioThreads(), "no capture or playback thread");
  }

  @Test
  void muLawLegsRoundTripExactlyThroughAn8kHzSession() throws Exception {
    roundTripAt8kHz(PcmFormat.muLaw(8_000));
  }

  @Test
  void aLawLegsRoundTripExactlyThroughAn8kHzSession() throws Exception {
    roundTripAt8kHz(PcmFormat.aLaw(8_000));
  }

  @Test
  void muLawLegsAreResampledToAndFromA16kHzSession() throws Exception {
    FakeConnection conn = open(SessionOptions.builder().agentId("a").sampleRateHz(16_000).build(),
        listener);
    long threads = SessionAudioTest.audioThreads();
    PcmFormat law = PcmFormat.muLaw(8_000);
    PcmFormat session16k = PcmFormat.pcm16Mono(16_000);
    PcmPushSource phoneIn = PcmPushSource.create(law, 1_000);
    PcmPullSink phoneOut = PcmPullSink.create(law, 100);
    SessionAudio audio = session.attachAudio(phoneIn, phoneOut,
        AudioOptions.builder().streamSilenceAfterSourceEnds(false).build());

    byte[] said = encode(law, SessionAudioTest.tone(PcmFormat.pcm16Mono(8_000), 200));
    for (int off = 0; off < said.length; off += 160) {
      phoneIn.push(said, off, 160);
    }
    // The resampler holds back its look-ahead: nine whole chunks of ten are out at once.
    byte[] sent = SessionAudioTest.sentAudio(conn.awaitReceivedCount(9, LoopbackSessionTest.WAIT));
    byte[] expected = PcmConverter.convertAll(law, session16k, said);
    assertArrayEquals(java.util.Arrays.copyOf(expected, sent.length), sent);

    // A reply three times what the pull sink holds: the pump converts and waits for the reader.
    byte[] reply = SessionAudioTest.tone(session16k, 300);
    conn.send(new AgentStartTalkingEvent(null));
    SessionAudioTest.sendInOddPieces(conn, reply);
    byte[] want = PcmConverter.convertAll(session16k, law, reply);
    int pulled = want.length * 9 / 10;
    assertArrayEquals(java.util.Arrays.copyOf(want, pulled),
        SessionAudioTest.pull(phoneOut, pulled, 160));

    // Barge-in: what the pump held back for the sink goes with the rest of the reply.
    conn.send(new InterruptionEvent());
    listener.awaitEvent(InterruptionEvent.class, WAIT);
    assertEquals(0, phoneOut.bufferedBytes());
    assertTrue(audio.awaitPlaybackIdle(WAIT), "nothing of the interrupted reply is held");
    assertEquals(0, phoneOut.poll(new byte[160], 0, 160));
    assertEquals(threads, SessionAudioTest.audioThreads(), "no capture or playback thread");
  }
}
