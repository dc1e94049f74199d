package dev.atomsrealtime.testkit;

import dev.atomsrealtime.audio.AudioException;
import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.Wav;
import dev.atomsrealtime.audio.WavData;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.SessionCloseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link ServerBehavior} that plays an Atoms voice agent, so that a whole conversation runs
 * offline on a {@link FakeAtomsServer}: no key, no network. It listens to the audio a client
 * streams, decides turns with an energy voice activity detector (as the real server decides them
 * with its VAD), answers each user utterance with speech and transcripts, can be interrupted, and
 * records every reply for assertions.
 *
 * <pre>{@code
 * SimulatedAgent agent =
 *     SimulatedAgent.builder()
 *         .greeting("Hello! How can I help you today?")
 *         .realTime(false) // tests: send reply audio as fast as possible
 *         .build();
 * try (FakeAtomsServer server = FakeAtomsServer.builder().behavior(agent).build().start()) {
 *   startMyApp(server.uri()); // the app streams the microphone (or a WAV file) to the server
 *
 *   SimulatedAgent.Session session = agent.awaitSession(Duration.ofSeconds(5));
 *   List<AgentTurn> turns = session.awaitTurns(2, Duration.ofSeconds(10)); // greeting + 1 reply
 *   AgentTurn reply = turns.get(1);
 *   // reply.audio() is exactly the PCM the server sent; compare it with what the app played.
 * }
 * }</pre>
 *
 * <h2>What it does on each connection</h2>
 *
 * <p><b>Webcall mode</b> ({@code mode=webcall} or no {@code mode}):
 *
 * <ul>
 *   <li>With a {@link Builder#greeting greeting}, right after {@code session.created}: a normal
 *       agent reply (below) with the greeting text and the {@link Builder#greetingAudio greeting
 *       audio}.
 *   <li>Each {@code input_audio_buffer.append} is taken as PCM16 mono at the connection's
 *       negotiated rate ({@link FakeConnection#sampleRateHz()}) and cut into 20 ms chunks for the
 *       {@link dev.atomsrealtime.audio.VoiceActivityDetector}. Speech starts after {@link
 *       Builder#minSpeechMillis minSpeechMillis} of voiced audio and an utterance ends after {@link
 *       Builder#silenceToEndTurnMillis silenceToEndTurnMillis} of silence.
 *   <li>At the end of an utterance: {@code transcript} (role {@code user}) describing it, such as
 *       {@code "[user speech 1.42 s]"} (no words are recognised; the text depends only on the
 *       utterance's length); then, after {@link Builder#responseDelayMillis responseDelayMillis} of
 *       "thinking", the reply: {@code agent_start_talking} (ISO-8601 UTC timestamp), {@code
 *       output_audio.delta}s of {@link Builder#deltaMillis deltaMillis} each (the last one may be
 *       shorter), each followed by a {@code transcript.delta} (role {@code assistant}) whenever the
 *       cumulative text grows by a word (words are spread evenly over the audio), then {@code
 *       agent_stop_talking} and the final {@code transcript} with the full text.
 *   <li>Barge-in: when speech starts while the agent is talking, the agent sends {@code
 *       interruption}, sends no more audio of that reply, then {@code agent_stop_talking} and the
 *       final {@code transcript} with the words spoken so far (possibly empty). The new speech is
 *       the next utterance. Speech that starts while the agent is still thinking cancels the
 *       pending reply silently ({@link AgentTurn.Outcome#CANCELLED}). Like the real agent, it hears
 *       whatever the client streams: a client without echo cancellation or half duplex that sends
 *       the agent's own voice back interrupts it.
 *   <li>{@code input_text.send} is a user turn too: {@code transcript} (role {@code user}) with the
 *       text, then an audio reply as above; it interrupts a talking agent like speech does.
 * </ul>
 *
 * <p><b>Chat mode</b> ({@code mode=chat}, or a call token minted for chat): each {@code input_text.send} is answered with a {@code
 * transcript} role {@code user} echoing the text, a {@code transcript} role {@code assistant} with
 * {@link Builder#chatReply chatReply(text)}, then {@code agent_stop_talking}. A greeting is sent
 * the same way (without the user transcript). No audio either way; appended audio is ignored.
 *
 * <p><b>Ending</b>: after {@link Builder#endCallAfterReplies endCallAfterReplies} completed replies
 * to the user (the greeting does not count; chat replies do), the agent sends {@code
 * session.closed} with reason {@code ended} and closes with 1000. A client's {@code session.close}
 * stops any reply in progress at once (no audio after it); the server's default reply ({@code
 * session.closed client_requested}, close 1000) still follows.
 *
 * <h2>Timing: audio time and wall time</h2>
 *
 * <p>Turn detection runs in <em>audio time</em>: speech and silence are measured by counting the
 * frames received, never with a clock, so a client may stream faster than real time (a test sending
 * a whole WAV file at once) and get the same turns as one streaming at real time. A client must
 * therefore stream the silence after speech (as the protocol asks) for an utterance to end. The
 * agent's own output runs in <em>wall time</em>: the response delay is a delay, and with {@link
 * Builder#realTime realTime(true)} (the default) the deltas of a reply are sent on a fixed-rate
 * schedule, one every {@code deltaMillis}, so the server sends audio at exactly the real-time rate
 * without drift however slowly the client reads. With {@code realTime(false)} a reply goes out as
 * fast as the socket takes it (still in separate tasks, so that incoming audio is processed between
 * deltas). A barge-in can only cut a reply still being sent, so tests of barge-in use real-time
 * replies.
 *
 * <h2>Records</h2>
 *
 * <p>Each connection gets a {@link Session} ({@link #awaitSession}, {@link #session}) holding its
 * {@link AgentTurn}s (one per reply, recorded when it ends, before its last frames are sent, with
 * the exact audio sent) and {@link UserUtterance}s, with bounded waits on both.
 *
 * <h2>Threads</h2>
 *
 * <p>Thread-safe; one instance serves any number of concurrent connections, each with its own
 * state. Every connection has one thread of its own, named {@code atoms-simagent-N} (daemon), where
 * all of its agent work runs one task at a time: the server's callback threads only hand frames
 * over to it and never wait for a reply to be sent. The thread ends when the connection closes
 * ({@link ServerBehavior#onClosed} waits for it, bounded), so none is left after {@link
 * FakeAtomsServer#close()}; it also ends by itself after a second with nothing to do and is started
 * again when needed. Logging (SLF4J, DEBUG) names events and lengths, never audio.
 */
public final class SimulatedAgent implements ServerBehavior {
  /** The default reply text: the words of the bundled agent reply audio. */
  public static final String DEFAULT_REPLY_TEXT =
      "Sure, I can help with that. What time would you like the table?";

  private static final String AUDIO_DIR = "audio/";

  // Configuration, immutable.
  final String greeting;
  final BiFunction<Integer, String, String> replyText;
  final WavData replyAudio;
  final WavData greetingAudio;
  final boolean echo;
  final int silenceToEndTurnMillis;
  final double voiceThresholdDbfs;
  final int minSpeechMillis;
  final int deltaMillis;
  final boolean realTime;
  final int responseDelayMillis;
  final int endCallAfterReplies; // 0 = never
  final Function<String, String> chatReply;

  /** Reply and greeting audio converted to each negotiated rate, computed once per rate. */
  private final Map<Integer, byte[]> replyPcmByRate = new ConcurrentHashMap<>();

  private final Map<Integer, byte[]> greetingPcmByRate = new ConcurrentHashMap<>();

  private final Map<FakeConnection, AgentConversation> conversations = new ConcurrentHashMap<>();
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Session> unclaimed = new LinkedBlockingQueue<>();

  private SimulatedAgent(Builder builder) {
    this.greeting = builder.greeting;
    this.replyText = builder.replyText;
    this.replyAudio = builder.replyAudio != null ? builder.replyAudio : bundledAgentReply();
    this.greetingAudio = builder.greetingAudio != null ? builder.greetingAudio : replyAudio;
    this.echo = builder.echo;
    this.silenceToEndTurnMillis = builder.silenceToEndTurnMillis;
    this.voiceThresholdDbfs = builder.voiceThresholdDbfs;
    this.minSpeechMillis = builder.minSpeechMillis;
    this.deltaMillis = builder.deltaMillis;
    this.realTime = builder.realTime;
    this.responseDelayMillis = builder.responseDelayMillis;
    this.endCallAfterReplies = builder.endCallAfterReplies;
    this.chatReply = builder.chatReply;
  }

  /**
   * A builder with the defaults described on each of its methods.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return an agent with every default: no greeting, the bundled reply, real-time pacing} */
  public static SimulatedAgent create() {
    return builder().build();
  }

  // -----------------------------------------------------------------------------------------------
  // Bundled audio

  /**
   * The bundled user utterance "Hello, I would like to book a table for two tonight." (espeak-ng),
   * 24 kHz mono 16-bit, with 0.3 s of silence before and 1.0 s after. A fresh copy on each call.
   *
   * @return the bundled user utterance "Hello, I would like to book a table for two tonight."
   *     (espeak-ng), 24 kHz mono 16-bit, with 0.3 s of silence before and 1.0 s after
   */
  public static WavData bundledUserUtterance() {
    return bundled("user_book_table_24k.wav");
  }

  /**
   * The bundled barge-in "Wait, actually make it four people." (espeak-ng), 24 kHz mono 16-bit,
   * with 0.3 s of silence before and 1.0 s after. A fresh copy on each call.
   *
   * @return the bundled barge-in "Wait, actually make it four people." (espeak-ng), 24 kHz mono
   *     16-bit, with 0.3 s of silence before and 1.0 s after
   */
  public static WavData bundledBargeIn() {
    return bundled("user_barge_in_24k.wav");
  }

  /**
   * The bundled agent reply, the words of {@link #DEFAULT_REPLY_TEXT} (espeak-ng), 24 kHz mono
   * 16-bit, with 0.1 s of silence before and after. A fresh copy on each call.
   *
   * @return the bundled agent reply, the words of {@link #DEFAULT_REPLY_TEXT} (espeak-ng), 24 kHz
   *     mono 16-bit, with 0.1 s of silence before and after
   */
  public static WavData bundledAgentReply() {
    return bundled("agent_reply_24k.wav");
  }

  private static WavData bundled(String name) {
    try (InputStream in = SimulatedAgent.class.getResourceAsStream(AUDIO_DIR + name)) {
      if (in == null) {
        throw new AudioException("bundled audio " + name + " is missing from the classpath");
      }
      return Wav.read(in, name);
    } catch (IOException e) {
      throw new AudioException("cannot read bundled audio " + name + ": " + e.getMessage(), e);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Sessions

  /**
   * Returns the next session not yet returned by this method, in the order the agent saw their
   * connections open, waiting for it if needed.
   *
   * @param timeout how long to wait at most
   * @return the next session not yet returned by this method, in the order the agent saw their
   *     connections open, waiting for it if needed
   * @throws AwaitTimeoutException if no connection opens within {@code timeout}
   * @throws IllegalStateException if interrupted (the interrupt flag is set again)
   */
  public Session awaitSession(Duration timeout) {
    try {
      Session session = unclaimed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (session == null) {
        throw new AwaitTimeoutException(
            "no connection reached the simulated agent within "
                + timeout
                + "; sessions so far: "
                + sessions.size());
      }
      return session;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a session", e);
    }
  }

  /**
   * The session of {@code connection}.
   *
   * @param connection the connection
   * @return the session of {@code connection}
   * @throws IllegalArgumentException if this agent has not served {@code connection}
   */
  public Session session(FakeConnection connection) {
    for (Session session : sessions) {
      if (session.connection == connection) {
        return session;
      }
    }
    throw new IllegalArgumentException(
        "connection " + connection.id() + " was not served by this agent");
  }

  /**
   * {@return every session so far, open or closed, in the order connections opened (a snapshot)}
   */
  public List<Session> sessions() {
    return List.copyOf(sessions);
  }

  // -----------------------------------------------------------------------------------------------
  // ServerBehavior (FakeAtomsServer callback threads)

  @Override
  public void onConnected(FakeConnection connection) {
    boolean chat = "chat".equals(connection.mode());
    Session session = new Session(connection, chat);
    conversations.put(connection, new AgentConversation(this, connection, session));
    sessions.add(session);
    unclaimed.add(session);
  }

  @Override
  public void onSessionCreated(FakeConnection connection) {
    AgentConversation conversation = conversations.get(connection);
    if (conversation != null) {
      conversation.sessionCreated();
    }
  }

  /** Hands the frame to the connection's agent thread; never suppresses a default reply. */
  @Override
  public boolean onClientEvent(FakeConnection connection, ClientEvent event) {
    AgentConversation conversation = conversations.get(connection);
    if (conversation == null || connection.sessionCreated() == null) {
      return false; // before session.created the server answers no_session
    }
    if (event instanceof InputAudioBufferAppendEvent append) {
      conversation.audio(append.audio());
    } else if (event instanceof InputTextSendEvent text) {
      conversation.text(text.text());
    } else if (event instanceof SessionCloseEvent) {
      // Stop the reply before the default reply sends session.closed: no audio after it.
      conversation.stop();
    }
    return false;
  }

  @Override
  public void onClosed(FakeConnection connection, int code, String reason, boolean remote) {
    AgentConversation conversation = conversations.remove(connection);
    if (conversation != null) {
      conversation.shutdown();
    }
  }

  // -----------------------------------------------------------------------------------------------
  // For AgentConversation

  byte[] replyPcm(int sampleRateHz) {
    return replyPcmByRate.computeIfAbsent(sampleRateHz, rate -> convert(replyAudio, rate));
  }

  byte[] greetingPcm(int sampleRateHz) {
    return greetingPcmByRate.computeIfAbsent(sampleRateHz, rate -> convert(greetingAudio, rate));
  }

  private static byte[] convert(WavData audio, int sampleRateHz) {
    return audio.convertTo(PcmFormat.pcm16Mono(sampleRateHz)).pcm();
  }

  @Override
  public String toString() {
    return "SimulatedAgent[sessions=" + sessions.size() + ", realTime=" + realTime + "]";
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * What the agent did on one connection: its replies ({@link AgentTurn}) and the user utterances
   * it heard ({@link UserUtterance}), with bounded waits on them.
   *
   * <p>Thread-safe. Every {@code await...} method waits at most the given time and then throws
   * {@link AwaitTimeoutException} listing what happened; it fails at once with {@link
   * IllegalStateException} when the connection has ended without the awaited thing (nothing more
   * can happen), or when interrupted (the interrupt flag is set again).
   */
  public static final class Session {
    private final FakeConnection connection;
    private final boolean chat;

    private final Object lock = new Object();
    // Guarded by lock; written by the connection's agent thread, waiters wait on lock.
    private final List<AgentTurn> turns = new ArrayList<>();
    private final List<UserUtterance> utterances = new ArrayList<>();
    private boolean callEnded;
    private boolean stopped;

    Session(FakeConnection connection, boolean chat) {
      this.connection = connection;
      this.chat = chat;
    }

    /** {@return the server connection this session runs on} */
    public FakeConnection connection() {
      return connection;
    }

    /** {@return the connection's negotiated sample rate; all recorded audio is at this rate} */
    public int sampleRateHz() {
      return connection.sampleRateHz();
    }

    /** {@return whether the connection is in chat mode ({@code mode=chat}): text only} */
    public boolean isChat() {
      return chat;
    }

    /** {@return the replies that have ended so far, in order, including a greeting (a snapshot)} */
    public List<AgentTurn> turns() {
      synchronized (lock) {
        return List.copyOf(turns);
      }
    }

    /** {@return the user utterances detected so far, in order (a snapshot)} */
    public List<UserUtterance> utterances() {
      synchronized (lock) {
        return List.copyOf(utterances);
      }
    }

    /** {@return whether the agent ended the call ({@link Builder#endCallAfterReplies})} */
    public boolean callEnded() {
      synchronized (lock) {
        return callEnded;
      }
    }

    /**
     * Whether the agent has stopped on this connection (the connection closed or the client sent
     * {@code session.close}); nothing more is recorded after that.
     *
     * @return whether the agent has stopped on this connection (the connection closed or the
     *     client sent {@code session.close}); nothing more is recorded after that
     */
    public boolean isStopped() {
      synchronized (lock) {
        return stopped;
      }
    }

    /**
     * Waits until at least {@code count} replies (of any outcome, the greeting included) have
     * ended, and returns the first {@code count}.
     *
     * @param count how many events to wait for
     * @param timeout how long to wait at most
     * @return waits until at least {@code count} replies (of any outcome, the greeting included)
     *     have ended, and returns the first {@code count}
     */
    public List<AgentTurn> awaitTurns(int count, Duration timeout) {
      return await(
          timeout,
          () -> turns.size() >= count ? List.copyOf(turns.subList(0, count)) : null,
          () -> count + " agent replies");
    }

    /**
     * Waits for the first reply (in order) that matches {@code condition}, and returns it.
     *
     * @param condition what the turn must satisfy
     * @param timeout how long to wait at most
     * @return waits for the first reply (in order) that matches {@code condition}, and returns it
     */
    public AgentTurn awaitTurn(Predicate<? super AgentTurn> condition, Duration timeout) {
      Objects.requireNonNull(condition, "condition");
      return await(
          timeout,
          () -> turns.stream().filter(condition).findFirst().orElse(null),
          () -> "an agent reply matching the condition");
    }

    /**
     * Waits for the first reply that the user interrupted, and returns it.
     *
     * @param timeout how long to wait at most
     * @return waits for the first reply that the user interrupted, and returns it
     */
    public AgentTurn awaitInterruption(Duration timeout) {
      return await(
          timeout,
          () -> turns.stream().filter(AgentTurn::interrupted).findFirst().orElse(null),
          () -> "an interrupted agent reply");
    }

    /**
     * Waits until at least {@code count} user utterances were detected; returns the first ones.
     *
     * @param count how many events to wait for
     * @param timeout how long to wait at most
     * @return waits until at least {@code count} user utterances were detected; returns the first
     *     ones
     */
    public List<UserUtterance> awaitUtterances(int count, Duration timeout) {
      return await(
          timeout,
          () -> utterances.size() >= count ? List.copyOf(utterances.subList(0, count)) : null,
          () -> count + " user utterances");
    }

    @Override
    public String toString() {
      synchronized (lock) {
        return "SimulatedAgent.Session[connection="
            + connection.id()
            + (chat ? ", chat" : ", webcall")
            + ", utterances="
            + utterances.size()
            + ", turns="
            + turns.stream().map(t -> t.kind() + "/" + t.outcome()).toList()
            + (callEnded ? ", call ended" : "")
            + (stopped ? ", stopped" : "")
            + "]";
      }
    }

    // Called by the agent thread.

    void addUtterance(UserUtterance utterance) {
      synchronized (lock) {
        utterances.add(utterance);
        lock.notifyAll();
      }
    }

    void addTurn(AgentTurn turn) {
      synchronized (lock) {
        turns.add(turn);
        lock.notifyAll();
      }
    }

    void markCallEnded() {
      synchronized (lock) {
        callEnded = true;
        lock.notifyAll();
      }
    }

    void markStopped() {
      synchronized (lock) {
        stopped = true;
        lock.notifyAll();
      }
    }

    private <T> T await(Duration timeout, Supplier<T> poll, Supplier<String> what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (lock) {
        while (true) {
          T value = poll.get();
          if (value != null) {
            return value;
          }
          if (stopped) {
            throw new IllegalStateException(
                "the agent stopped before " + what.get() + ": " + describe());
          }
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            throw new AwaitTimeoutException(
                "waited " + timeout + " for " + what.get() + ": " + describe());
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what.get(), e);
          }
        }
      }
    }

    private String describe() {
      return toString() + " " + connection;
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * Configures a {@link SimulatedAgent}. Not thread-safe; build once. Every setting has a default,
   * so {@code SimulatedAgent.builder().build()} is a working agent.
   */
  public static final class Builder {
    private String greeting;
    private BiFunction<Integer, String, String> replyText = (index, user) -> DEFAULT_REPLY_TEXT;
    private WavData replyAudio;
    private WavData greetingAudio;
    private boolean echo;
    private int silenceToEndTurnMillis = 600;
    private double voiceThresholdDbfs = -40;
    private int minSpeechMillis = 200;
    private int deltaMillis = 40;
    private boolean realTime = true;
    private int responseDelayMillis = 300;
    private int endCallAfterReplies;
    private Function<String, String> chatReply = text -> "You said: " + text;

    private Builder() {}

    /**
     * Text the agent speaks right after {@code session.created}, as a normal reply (audio and
     * transcripts; in chat mode a transcript only). Default: none. Null or empty means none.
     *
     * @param greeting the text of the greeting
     * @return this builder
     */
    public Builder greeting(String greeting) {
      this.greeting = greeting == null || greeting.isEmpty() ? null : greeting;
      return this;
    }

    /**
     * The text of every reply to the user (its transcript deltas and final transcript). Default:
     * {@link SimulatedAgent#DEFAULT_REPLY_TEXT}, the words of the bundled reply audio.
     *
     * @param text the text
     * @return this builder
     */
    public Builder replyText(String text) {
      Objects.requireNonNull(text, "text");
      return replyText((index, user) -> text);
    }

    /**
     * Computes the text of each reply to the user from the reply's {@link AgentTurn#index() index}
     * on its connection (from 0; a greeting is index 0) and the user transcript it answers (the
     * utterance's description, or the text the client sent). Called on the connection's agent
     * thread; it must be quick and must not return null.
     *
     * @param textForReply the reply text, from the reply number and the user's transcript
     * @return this builder
     */
    public Builder replyText(BiFunction<Integer, String, String> textForReply) {
      this.replyText = Objects.requireNonNull(textForReply, "textForReply");
      return this;
    }

    /**
     * The audio of every reply (any WAV {@link Wav} reads; converted to each connection's rate with
     * {@link dev.atomsrealtime.audio.PcmConverter}). Default: {@link
     * SimulatedAgent#bundledAgentReply()}. Turns off {@link #echo()}.
     *
     * @param audio the audio to reply with
     * @return this builder
     */
    public Builder replyAudio(WavData audio) {
      Objects.requireNonNull(audio, "audio");
      this.replyAudio = new WavData(audio.format(), audio.pcm().clone());
      this.echo = false;
      return this;
    }

    /**
     * The audio of the greeting. Default: the {@link #replyAudio reply audio}.
     *
     * @param audio the audio to reply with
     * @return this builder
     */
    public Builder greetingAudio(WavData audio) {
      Objects.requireNonNull(audio, "audio");
      this.greetingAudio = new WavData(audio.format(), audio.pcm().clone());
      return this;
    }

    /**
     * Replies to each utterance with the utterance itself, as the agent heard it (exactly the bytes
     * of {@link UserUtterance#audio()}). Replies to {@code input_text.send} and the greeting still
     * use the reply audio.
     *
     * @return this builder
     */
    public Builder echo() {
      this.echo = true;
      return this;
    }

    /**
     * Silence (in audio time) that ends a user utterance. Default 600 ms.
     *
     * @param millis a duration in milliseconds
     * @return this builder
     */
    public Builder silenceToEndTurnMillis(int millis) {
      this.silenceToEndTurnMillis = positive("silenceToEndTurnMillis", millis);
      return this;
    }

    /**
     * RMS level at or above which a 20 ms chunk counts as voiced, in dBFS. Default -40.
     *
     * @param dbfs the threshold in dBFS
     * @return this builder
     */
    public Builder voiceThresholdDbfs(double dbfs) {
      if (!(dbfs < 0)) {
        throw new IllegalArgumentException("voiceThresholdDbfs must be below 0, got " + dbfs);
      }
      this.voiceThresholdDbfs = dbfs;
      return this;
    }

    /**
     * Voiced audio (in audio time) needed before speech counts as started. Default 200 ms.
     *
     * @param millis a duration in milliseconds
     * @return this builder
     */
    public Builder minSpeechMillis(int millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("minSpeechMillis must be >= 0, got " + millis);
      }
      this.minSpeechMillis = millis;
      return this;
    }

    /**
     * Audio per {@code output_audio.delta}, 1 to 1000 ms. Default 40 ms.
     *
     * @param millis a duration in milliseconds
     * @return this builder
     */
    public Builder deltaMillis(int millis) {
      if (millis < 1 || millis > 1000) {
        throw new IllegalArgumentException("deltaMillis must be 1..1000, got " + millis);
      }
      this.deltaMillis = millis;
      return this;
    }

    /**
     * Whether replies are paced at real time, one delta every {@code deltaMillis} on a fixed-rate
     * schedule (default true); false sends them as fast as possible, for quick tests.
     *
     * @param realTime whether to pace reads at real time
     * @return this builder
     */
    public Builder realTime(boolean realTime) {
      this.realTime = realTime;
      return this;
    }

    /**
     * "Thinking" time (wall time) between the end of a user utterance or text and {@code
     * agent_start_talking}. Default 300 ms; 0 answers at once.
     *
     * @param millis a duration in milliseconds
     * @return this builder
     */
    public Builder responseDelayMillis(int millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("responseDelayMillis must be >= 0, got " + millis);
      }
      this.responseDelayMillis = millis;
      return this;
    }

    /**
     * Ends the call after {@code replies} completed replies to the user (interrupted ones and the
     * greeting do not count): {@code session.closed} with reason {@code ended}, then close 1000.
     * Default: never.
     *
     * @param replies how many replies before the call ends
     * @return this builder
     */
    public Builder endCallAfterReplies(int replies) {
      this.endCallAfterReplies = positive("endCallAfterReplies", replies);
      return this;
    }

    /**
     * The chat-mode answer to an {@code input_text.send}. Default: {@code "You said: " + text}.
     * Called on the connection's agent thread; it must be quick and must not return null.
     *
     * @param reply the reply text for a user text
     * @return this builder
     */
    public Builder chatReply(Function<String, String> reply) {
      this.chatReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /**
     * Builds the agent (reading the bundled reply audio when no reply audio was set).
     *
     * @return the simulated agent
     */
    public SimulatedAgent build() {
      return new SimulatedAgent(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
