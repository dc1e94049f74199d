package dev.atomsrealtime.examples.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atomsrealtime.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A phone for testing a bridge: it opens a media stream the way a telephony provider does
 * ({@code connected}, {@code start} with custom parameters, then a mu-law {@code media} frame
 * every 20 ms), speaks a script of utterances, and plays what it receives in real time, echoing
 * each {@code mark} when playback reaches it and dropping its buffer (and returning its pending
 * marks) on {@code clear}, as Twilio does. It records everything it received. Its clock is the
 * caller's: {@link #tick()} is one 20 ms step, so many phones share one timer thread.
 */
public final class SimulatedPhone extends WebSocketClient {
  /** Mu-law bytes per 20 ms frame at 8 kHz. */
  public static final int FRAME = 160;

  private final String streamSid;
  private final Map<String, String> parameters;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final CountDownLatch cleared = new CountDownLatch(1);
  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<byte[]> script = new ArrayDeque<>();
  private final ArrayDeque<Object> playback = new ArrayDeque<>(); // byte[] media, or String mark
  private int playOffset;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final ByteArrayOutputStream played = new ByteArrayOutputStream();
  private final List<Integer> clearsAt = new ArrayList<>(); // bytes received when each clear came
  private final List<Long> clearNanos = new ArrayList<>();
  private boolean stopped;

  /**
   * A phone that will stream to {@code bridge}.
   *
   * @param bridge the bridge's WebSocket address
   * @param streamSid the stream's id
   * @param parameters the stream's custom parameters
   */
  public SimulatedPhone(URI bridge, String streamSid, Map<String, String> parameters) {
    super(bridge);
    this.streamSid = streamSid;
    this.parameters = parameters;
  }

  /**
   * The bundled mu-law 8 kHz speech: {@code "book_table"} (4.4 s) or {@code "barge_in"} (3.6 s).
   *
   * @param name which utterance
   * @return the mu-law bytes
   */
  public static byte[] utterance(String name) {
    String file = "user_" + name + "_8k_mulaw.wav";
    try (InputStream in = SimulatedPhone.class.getResourceAsStream(file)) {
      return Wav.read(in, file).pcm();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Mu-law silence.
   *
   * @param millis how long
   * @return the bytes
   */
  public static byte[] silence(int millis) {
    byte[] s = new byte[millis * 8];
    java.util.Arrays.fill(s, (byte) 0xFF);
    return s;
  }

  /**
   * Queues audio to say after what is queued, in 20 ms frames.
   *
   * @param mulaw the audio
   */
  public void say(byte[] mulaw) {
    synchronized (lock) {
      for (int off = 0; off < mulaw.length; off += FRAME) {
        byte[] f = silence(20);
        System.arraycopy(mulaw, off, f, 0, Math.min(FRAME, mulaw.length - off));
        script.add(f);
      }
    }
  }

  /**
   * Connects and starts the stream.
   *
   * @return whether it connected within 5 s
   * @throws InterruptedException if interrupted
   */
  public boolean open() throws InterruptedException {
    connect();
    return opened.await(5, TimeUnit.SECONDS);
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
    send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
    ObjectNode start = MediaStreamMessages.JSON.createObjectNode();
    start.put("event", "start");
    start.put("sequenceNumber", "1");
    start.put("streamSid", streamSid);
    ObjectNode s = start.putObject("start");
    s.put("streamSid", streamSid);
    s.put("accountSid", "AC0000");
    s.put("callSid", "CA" + streamSid);
    s.putArray("tracks").add("inbound");
    ObjectNode custom = s.putObject("customParameters");
    parameters.forEach(custom::put);
    ObjectNode format = s.putObject("mediaFormat");
    format.put("encoding", "audio/x-mulaw");
    format.put("sampleRate", 8000);
    format.put("channels", 1);
    send(start.toString());
    opened.countDown();
  }

  /** One 20 ms step: send the next frame of the script (or silence), play 20 ms. */
  public void tick() {
    if (!isOpen()) {
      return;
    }
    List<String> marks = new ArrayList<>();
    byte[] frame;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      frame = script.isEmpty() ? silence(20) : script.poll();
      int toPlay = FRAME;
      while (!playback.isEmpty()) {
        Object head = playback.peek();
        if (head instanceof String mark) {
          marks.add(mark);
          playback.poll();
          continue;
        }
        if (toPlay == 0) {
          break;
        }
        byte[] media = (byte[]) head;
        int n = Math.min(toPlay, media.length - playOffset);
        played.write(media, playOffset, n);
        playOffset += n;
        toPlay -= n;
        if (playOffset == media.length) {
          playback.poll();
          playOffset = 0;
        }
      }
      lock.notifyAll(); // awaitPlayed
    }
    send("{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"track\":"
        + "\"inbound\",\"payload\":\"" + Base64.getEncoder().encodeToString(frame) + "\"}}");
    for (String mark : marks) {
      send(MediaStreamMessages.mark(streamSid, mark));
    }
  }

  /** Ends the stream as the provider does when the call hangs up: {@code stop}, then close. */
  public void hangUp() {
    synchronized (lock) {
      stopped = true;
    }
    if (isOpen()) {
      send("{\"event\":\"stop\",\"streamSid\":\"" + streamSid + "\",\"stop\":{}}");
      close(1000, "hang up");
    }
  }

  @Override
  public void onMessage(String message) {
    MediaStreamMessages.Inbound m = MediaStreamMessages.parse(message);
    List<String> returned = new ArrayList<>();
    synchronized (lock) {
      switch (m.event()) {
        case "media" -> {
          byte[] audio = m.payload();
          received.write(audio, 0, audio.length);
          playback.add(audio);
          lock.notifyAll(); // awaitReceived
        }
        case "mark" -> playback.add(m.markName());
        case "clear" -> {
          clearsAt.add(received.size());
          clearNanos.add(System.nanoTime());
          for (Object o : playback) {
            if (o instanceof String mark) {
              returned.add(mark);
            }
          }
          playback.clear();
          playOffset = 0;
        }
        default -> { }
      }
    }
    for (String mark : returned) {
      send(MediaStreamMessages.mark(streamSid, mark));
    }
    if (m.event().equals("clear")) {
      cleared.countDown();
    }
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {}

  @Override
  public void onError(Exception ex) {}

  /**
   * Everything received as {@code media}, in order.
   *
   * @return the mu-law bytes
   */
  public byte[] received() {
    synchronized (lock) {
      return received.toByteArray();
    }
  }

  /**
   * Waits until at least {@code bytes} of {@code media} have been received.
   *
   * @param bytes how many mu-law bytes
   * @param timeout how long at most
   * @return whether they came in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitReceived(int bytes, Duration timeout) throws InterruptedException {
    return awaitSize(received, bytes, timeout);
  }

  /**
   * Waits until at least {@code bytes} have been played.
   *
   * @param bytes how many mu-law bytes
   * @param timeout how long at most
   * @return whether they were played in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitPlayed(int bytes, Duration timeout) throws InterruptedException {
    return awaitSize(played, bytes, timeout);
  }

  private boolean awaitSize(ByteArrayOutputStream stream, int bytes, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (stream.size() < bytes) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /**
   * What was played (received and not dropped by a clear), in order.
   *
   * @return the mu-law bytes
   */
  public byte[] played() {
    synchronized (lock) {
      return played.toByteArray();
    }
  }

  /**
   * For each {@code clear}, how many bytes had been received when it came.
   *
   * @return the positions
   */
  public List<Integer> clears() {
    synchronized (lock) {
      return new ArrayList<>(clearsAt);
    }
  }

  /**
   * When each {@code clear} arrived ({@code System.nanoTime()}).
   *
   * @return the times
   */
  public List<Long> clearTimes() {
    synchronized (lock) {
      return new ArrayList<>(clearNanos);
    }
  }

  /**
   * Waits for the first {@code clear}.
   *
   * @param millis how long at most
   * @return whether one came
   * @throws InterruptedException if interrupted
   */
  public boolean awaitClear(long millis) throws InterruptedException {
    return cleared.await(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Audio still to be said.
   *
   * @return whether the script is done
   */
  public boolean scriptDone() {
    synchronized (lock) {
      return script.isEmpty();
    }
  }

  /**
   * The stream's id.
   *
   * @return the id
   */
  public String streamSid() {
    return streamSid;
  }

}
