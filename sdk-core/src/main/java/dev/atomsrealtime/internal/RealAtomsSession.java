package dev.atomsrealtime.internal;

import dev.atomsrealtime.AgentActivity;
import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.CredentialProvider;
import dev.atomsrealtime.SessionEnd;
import dev.atomsrealtime.SessionInfo;
import dev.atomsrealtime.SessionListener;
import dev.atomsrealtime.SessionOptions;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.SessionStats;
import dev.atomsrealtime.audio.AudioOptions;
import dev.atomsrealtime.audio.AudioSink;
import dev.atomsrealtime.audio.AudioSource;
import dev.atomsrealtime.audio.SessionAudio;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.FunctionCallResultEvent;
import dev.atomsrealtime.event.InputAudioBufferCommitEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.SessionUpdateEvent;
import dev.atomsrealtime.event.ToolDefinition;
import dev.atomsrealtime.tools.ClientTools;
import dev.atomsrealtime.transport.SerialContext;
import dev.atomsrealtime.transport.TransportFactory;
import java.net.URI;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session: the public {@link AtomsSession} face over four named parts, each in its own file.
 *
 * <ul>
 *   <li>a {@link SerialContext} that owns all session state (no lock guards it);
 *   <li>the {@link SessionStateMachine}: states, the current {@link ConnectionAttempt}, reconnect
 *       decisions and the terminal outcome;
 *   <li>{@link ListenerDispatch}: ordered listener callbacks on the event threads;
 *   <li>the {@link OutboundQueue}: one writer, bounded audio, control never dropped.
 * </ul>
 *
 * <p>This class checks arguments, encodes frames on the caller's thread, and hands every change
 * of session state to the context. Audio goes straight to the outbound queue (its hot path never
 * touches the context). See {@code sdk-core/CONCURRENCY.md}.
 */
public final class RealAtomsSession implements AtomsSession, ChunkSender {
  private static final Logger log = LoggerFactory.getLogger(RealAtomsSession.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final SessionOptions options;
  private final ClientResources resources;
  private final SerialContext context;
  private final ListenerDispatch dispatch;
  private final OutboundQueue outbound;
  private final SessionStateMachine machine;
  private final AudioAttachment audio;
  private final EventCodec codec = EventCodec.INSTANCE;
  private final AtomicReference<AudioEngine> attached = new AtomicReference<>();
  private final AtomicLong audioDroppedNotOpen = new AtomicLong();

  public RealAtomsSession(
      SessionOptions options,
      SessionListener listener,
      CredentialProvider credentials,
      URI baseUrl,
      TransportFactory transportFactory,
      SSLContext sslContext,
      ClientResources resources) {
    this.options = options;
    this.resources = resources;
    this.context = SerialContext.create("session " + id);
    this.dispatch = new ListenerDispatch(id, this, listener, resources.events(),
        options.maxPendingListenerEvents());
    this.outbound = new OutboundQueue(resources.ioScheduler(), id);
    ConnectionAttempt.Env env = new ConnectionAttempt.Env(id, options, credentials, baseUrl,
        transportFactory, sslContext, resources, context);
    this.audio = new AudioAttachment(id, this, dispatch, context, resources, this);
    this.machine = new SessionStateMachine(env, this, dispatch, outbound, audio,
        () -> resources.unregister(this));
  }

  @Override
  public CompletableFuture<SessionInfo> connect() {
    SessionState s = machine.state();
    if (s == SessionState.CLOSING || s == SessionState.CLOSED) {
      throw new IllegalStateException("cannot connect: the session is " + s
          + "; a session is single-use, open a new one with AtomsClient.newSession");
    }
    context.execute(machine::connect);
    return machine.openedFuture();
  }

  // -----------------------------------------------------------------------------------------------
  // Sending

  @Override
  public void sendAudio(byte[] pcm, int offset, int length) {
    Objects.requireNonNull(pcm, "pcm");
    Backports.checkFromIndexSize(offset, length, pcm.length);
    checkAudioLength(length);
    sendAudioFrame(pcm, offset, length);
  }

  @Override
  public void sendAudio(ByteBuffer pcm) {
    Objects.requireNonNull(pcm, "pcm");
    int length = pcm.remaining();
    checkAudioLength(length);
    if (pcm.hasArray()) {
      sendAudioFrame(pcm.array(), pcm.arrayOffset() + pcm.position(), length);
      ((Buffer) pcm).position(pcm.limit());
    } else {
      byte[] copy = new byte[length];
      pcm.get(copy);
      sendAudioFrame(copy, 0, length);
    }
  }

  private static void checkAudioLength(int length) {
    if (length == 0) {
      throw new IllegalArgumentException("audio chunk is empty");
    }
    if ((length & 1) != 0) {
      throw new IllegalArgumentException(
          "audio chunk has an odd length (" + length + " bytes); PCM16 samples are 2 bytes each");
    }
  }

  private void sendAudioFrame(byte[] pcm, int offset, int length) {
    if (send(pcm, offset, length) == Result.CLOSED) {
      throw closedError("send audio");
    }
  }

  /**
   * The capture stage's chunk sender, and the end of {@link #sendAudio}: the chunk is encoded on
   * the caller's thread and queued, or dropped and counted when no session is open.
   */
  @Override
  public Result send(byte[] pcm, int offset, int length) {
    SessionState s = machine.state();
    if (s == SessionState.CLOSING || s == SessionState.CLOSED) {
      return Result.CLOSED;
    }
    if (s != SessionState.OPEN) {
      // Audio is never held: it would be stale, and never replayed into a new session.
      audioDroppedNotOpen.incrementAndGet();
      return Result.NOT_OPEN;
    }
    // A state change between the check and the send is harmless: a detached queue refuses it.
    byte[] frame = codec.encodeAudioAppend(pcm, offset, length);
    if (!outbound.send(frame, true)) {
      if (machine.state() == SessionState.CLOSED) {
        return Result.CLOSED;
      }
      audioDroppedNotOpen.incrementAndGet();
      return Result.NOT_OPEN;
    }
    return Result.SENT;
  }

  @Override
  public void sendText(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("text must not be empty");
    }
    sendControl(new InputTextSendEvent(text), "send text");
  }

  @Override
  public void commitAudio() {
    sendControl(new InputAudioBufferCommitEvent(), "commit audio");
  }

  @Override
  public CompletionStage<List<String>> declareTools(List<ToolDefinition> tools) {
    return declare(tools, null);
  }

  @Override
  public CompletionStage<List<String>> declareTools(ClientTools tools) {
    Objects.requireNonNull(tools, "tools");
    return declare(tools.definitions(), tools);
  }

  private CompletionStage<List<String>> declare(List<ToolDefinition> tools, ClientTools handlers) {
    Objects.requireNonNull(tools, "tools");
    if (tools.isEmpty()) {
      throw new IllegalArgumentException("declare at least one tool");
    }
    Set<String> names = new HashSet<>();
    for (ToolDefinition tool : tools) {
      if (!names.add(Objects.requireNonNull(tool, "tool").name())) {
        throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
      }
    }
    byte[] frame = codec.encode(new SessionUpdateEvent(tools));
    checkNotClosed("declare tools");
    CompletableFuture<List<String>> answer = new CompletableFuture<>();
    context.execute(() -> machine.declareTools(frame, SessionUpdateEvent.TYPE, answer, handlers));
    return answer;
  }

  @Override
  public void sendFunctionResult(String callId, String output) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(output, "output");
    if (callId.isEmpty()) {
      throw new IllegalArgumentException("callId must not be empty");
    }
    int bytes = output.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > FunctionCallResultEvent.MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException("function result output is " + bytes
          + " UTF-8 bytes; the server accepts at most " + FunctionCallResultEvent.MAX_OUTPUT_BYTES);
    }
    sendControl(new FunctionCallResultEvent(callId, output), "send a function result");
  }

  /**
   * Encodes on the caller's thread, then lets the context send or hold it: the context decides,
   * so frames held before the session opened always go out before this one.
   */
  private void sendControl(ClientEvent event, String what) {
    byte[] frame = codec.encode(event);
    checkNotClosed(what);
    context.execute(() -> machine.sendControl(frame, event.type()));
  }

  private void checkNotClosed(String what) {
    SessionState s = machine.state();
    if (s == SessionState.CLOSING || s == SessionState.CLOSED) {
      throw closedError(what);
    }
  }

  private IllegalStateException closedError(String what) {
    return new IllegalStateException("cannot " + what + ": the session is " + machine.state());
  }

  // -----------------------------------------------------------------------------------------------
  // Audio

  @Override
  public SessionAudio attachAudio(AudioSource source, AudioSink sink, AudioOptions audioOptions) {
    Objects.requireNonNull(audioOptions, "audioOptions");
    if (source == null && sink == null) {
      throw new IllegalArgumentException("attach a source, a sink, or both");
    }
    checkNotClosed("attach audio");
    AudioEngine engine = new AudioEngine(audio, source, sink, audioOptions);
    if (!attached.compareAndSet(null, engine)) {
      throw new IllegalStateException("audio is already attached to this session");
    }
    context.execute(() -> machine.audioAttached(engine));
    return engine;
  }

  // -----------------------------------------------------------------------------------------------
  // State and counters

  @Override
  public long audioFramesDroppedBeforeOpen() {
    return audioDroppedNotOpen.get();
  }

  @Override
  public SessionStats stats() {
    return new SessionStats(
        outbound.audioSent(),
        audioDroppedNotOpen.get(),
        outbound.audioDropped(),
        outbound.queuedBytes(),
        dispatch.deltasDropped(),
        machine.invalidFrames(),
        machine.reconnects());
  }

  @Override
  public SessionState state() {
    return machine.state();
  }

  @Override
  public AgentActivity agentActivity() {
    return audio.agentActivity();
  }

  @Override
  public SessionOptions options() {
    return options;
  }

  @Override
  public SessionInfo info() {
    return machine.info();
  }

  // -----------------------------------------------------------------------------------------------
  // Closing

  @Override
  public CompletableFuture<SessionEnd> closeAsync() {
    context.execute(machine::close);
    return machine.endedFuture();
  }

  @Override
  public void close() {
    CompletableFuture<SessionEnd> end = closeAsync();
    if (dispatch.isDispatchThread()) {
      return; // the end is delivered after this callback returns
    }
    long boundMillis = options.closeTimeout().toMillis()
        + ConnectionAttempt.CLOSE_HANDSHAKE_BOUND.toMillis() + 2_000;
    try {
      end.get(boundMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("session {} did not finish closing within {} ms", id, boundMillis);
    }
  }

  @Override
  public String toString() {
    return "AtomsSession[id=" + id + ", state=" + state() + ", agentId=" + options.agentId() + "]";
  }
}
