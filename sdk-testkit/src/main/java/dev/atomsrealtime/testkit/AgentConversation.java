package dev.atomsrealtime.testkit;

import dev.atomsrealtime.audio.PcmFormat;
import dev.atomsrealtime.audio.VoiceActivityDetector;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.AgentStopTalkingEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.event.Role;
import dev.atomsrealtime.event.SessionClosedEvent;
import dev.atomsrealtime.event.TranscriptDeltaEvent;
import dev.atomsrealtime.event.TranscriptEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SimulatedAgent}'s work on one connection. All state below the "agent thread" line is
 * confined to the connection's single agent thread ({@code atoms-simagent-N}): the server's
 * callback threads only submit tasks to it.
 */
final class AgentConversation {
  private static final Logger log = LoggerFactory.getLogger(AgentConversation.class);

  /** Numbers agent threads across all agents of the JVM, so names stay unique. */
  private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

  private static final int VAD_CHUNK_MILLIS = 20;
  private static final long IDLE_THREAD_SECONDS = 1;
  private static final long STOP_TIMEOUT_MILLIS = 2000;
  private static final Pattern WORD = Pattern.compile("\\S+");

  private final SimulatedAgent agent;
  private final FakeConnection connection;
  private final SimulatedAgent.Session session;
  private final int sampleRateHz;
  private final ScheduledThreadPoolExecutor executor;

  /** The agent threads alive now (at most one; a new one replaces an idle one that ended). */
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  // ---- agent thread only ----

  private final VoiceActivityDetector vad;
  private final byte[] vadChunk;
  private int vadChunkFill;

  /** Audio heard since {@link #heardStartFrame}: a short window while silent, the utterance. */
  private byte[] heard = new byte[0];

  private int heardBytes;
  private long heardStartFrame;
  private final int silentWindowBytes;

  private int nextTurnIndex;
  private int nextUtteranceIndex;
  private int completedUserReplies;

  /** The reply thinking or talking now, or null. */
  private Reply current;

  /** Set once the connection closed, the client sent session.close, or the call ended. */
  private boolean stopped;

  AgentConversation(
      SimulatedAgent agent, FakeConnection connection, SimulatedAgent.Session session) {
    this.agent = agent;
    this.connection = connection;
    this.session = session;
    this.sampleRateHz = connection.sampleRateHz();
    PcmFormat format = PcmFormat.pcm16Mono(sampleRateHz);
    this.vad =
        VoiceActivityDetector.builder(sampleRateHz)
            .thresholdDbfs(agent.voiceThresholdDbfs)
            .minSpeechMillis(agent.minSpeechMillis)
            .hangoverMillis(agent.silenceToEndTurnMillis)
            .build();
    this.vadChunk = new byte[format.bytesForMillis(VAD_CHUNK_MILLIS)];
    // A voiced run shorter than minSpeech may turn out to be the start of speech: keep it.
    this.silentWindowBytes = format.bytesForMillis(agent.minSpeechMillis) + vadChunk.length;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread =
                  new Thread(
                      () -> {
                        try {
                          runnable.run();
                        } finally {
                          threads.remove(Thread.currentThread());
                        }
                      },
                      "atoms-simagent-" + THREAD_NUMBERS.incrementAndGet());
              thread.setDaemon(true);
              threads.add(thread);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    executor.setKeepAliveTime(IDLE_THREAD_SECONDS, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
  }

  // -----------------------------------------------------------------------------------------------
  // Called by the server's callback thread of this connection

  void sessionCreated() {
    submit(this::greet);
  }

  /** {@code audio} is a read-only view of the event's PCM, read only by the agent thread. */
  void audio(ByteBuffer audio) {
    submit(() -> heard(audio));
  }

  void text(String text) {
    submit(() -> userText(text));
  }

  /** Stops any reply in progress and waits (bounded) until the agent thread has done so. */
  void stop() {
    Future<?> done;
    try {
      done = executor.submit(() -> stopNow(AgentTurn.Outcome.CLOSED));
    } catch (RejectedExecutionException e) {
      return; // already shut down
    }
    if (threads.contains(Thread.currentThread())) {
      return;
    }
    try {
      done.get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("connection {}: the simulated agent did not stop cleanly", connection.id(), e);
    }
  }

  /** Stops the agent, then ends its thread and waits (bounded) until it has ended. */
  void shutdown() {
    stop();
    executor.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
    try {
      executor.awaitTermination(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      for (Thread thread : threads) {
        if (thread != Thread.currentThread()) {
          TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!threads.isEmpty()) {
      log.warn("connection {}: the simulated agent's thread did not end", connection.id());
    }
  }

  private void submit(Runnable task) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("connection {}: simulated agent task failed", connection.id(), e);
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("connection {}: agent stopped, frame ignored", connection.id());
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Agent thread

  private void greet() {
    if (stopped || agent.greeting == null) {
      return;
    }
    Reply greeting =
        new Reply(
            nextTurnIndex++,
            AgentTurn.Kind.GREETING,
            null,
            null,
            agent.greeting,
            session.isChat() ? new byte[0] : agent.greetingPcm(sampleRateHz));
    log.debug("connection {}: greeting", connection.id());
    if (session.isChat()) {
      answerInChat(greeting);
    } else {
      plan(greeting, 0);
    }
  }

  private void heard(ByteBuffer audio) {
    if (stopped || session.isChat()) {
      return;
    }
    while (audio.hasRemaining()) {
      int n = Math.min(audio.remaining(), vadChunk.length - vadChunkFill);
      audio.get(vadChunk, vadChunkFill, n);
      vadChunkFill += n;
      if (vadChunkFill == vadChunk.length) {
        vadChunkFill = 0;
        detect();
        if (stopped) {
          return;
        }
      }
    }
  }

  /** Runs the detector on the full {@link #vadChunk}. */
  private void detect() {
    if (!vad.isSpeaking() && heardBytes > silentWindowBytes) {
      int drop = heardBytes - silentWindowBytes;
      System.arraycopy(heard, drop, heard, 0, silentWindowBytes);
      heardBytes = silentWindowBytes;
      heardStartFrame += drop / 2;
    }
    if (heardBytes + vadChunk.length > heard.length) {
      heard = Arrays.copyOf(heard, Math.max(heard.length * 2, heardBytes + vadChunk.length));
    }
    System.arraycopy(vadChunk, 0, heard, heardBytes, vadChunk.length);
    heardBytes += vadChunk.length;

    switch (vad.process(vadChunk, 0, vadChunk.length)) {
      case SPEECH_STARTED -> speechStarted();
      case SPEECH_ENDED -> speechEnded(vad.speechStartFrame(), vad.speechEndFrame());
      case NONE -> {}
    }
  }

  private void speechStarted() {
    log.debug(
        "connection {}: user speech started at {} ms",
        connection.id(),
        millis(vad.speechStartFrame()));
    bargeIn();
  }

  private void speechEnded(long startFrame, long endFrame) {
    int from = (int) Math.max(0, (startFrame - heardStartFrame) * 2);
    int to = (int) Math.min(heardBytes, Math.max(from, (endFrame - heardStartFrame) * 2));
    String description =
        String.format(
            Locale.ROOT, "[user speech %.2f s]", (endFrame - startFrame) / (double) sampleRateHz);
    UserUtterance utterance =
        new UserUtterance(
            nextUtteranceIndex++,
            millis(startFrame),
            millis(endFrame),
            Arrays.copyOfRange(heard, from, to),
            sampleRateHz,
            description);
    log.debug(
        "connection {}: user utterance {} ({} ms)",
        connection.id(),
        utterance.index(),
        utterance.durationMillis());
    session.addUtterance(utterance);
    connection.send(new TranscriptEvent(Role.USER, Role.USER.wireName(), description));
    byte[] audio = agent.echo ? utterance.audio() : agent.replyPcm(sampleRateHz);
    plan(
        userReply(AgentTurn.Kind.SPEECH, utterance, description, audio), agent.responseDelayMillis);
  }

  private void userText(String text) {
    if (stopped) {
      return;
    }
    if (session.isChat()) {
      connection.send(new TranscriptEvent(Role.USER, Role.USER.wireName(), text));
      answerInChat(userReply(AgentTurn.Kind.CHAT, null, text, new byte[0]));
      return;
    }
    bargeIn();
    connection.send(new TranscriptEvent(Role.USER, Role.USER.wireName(), text));
    plan(
        userReply(AgentTurn.Kind.TEXT, null, text, agent.replyPcm(sampleRateHz)),
        agent.responseDelayMillis);
  }

  private Reply userReply(
      AgentTurn.Kind kind, UserUtterance utterance, String userText, byte[] audio) {
    int index = nextTurnIndex++;
    String text =
        kind == AgentTurn.Kind.CHAT
            ? agent.chatReply.apply(userText)
            : agent.replyText.apply(index, userText);
    return new Reply(
        index, kind, utterance, userText, Objects.requireNonNull(text, "reply text"), audio);
  }

  /** The user spoke or typed: cut the reply in progress. */
  private void bargeIn() {
    Reply reply = current;
    if (reply == null) {
      return;
    }
    if (reply.talking) {
      log.debug("connection {}: barge-in on reply {}", connection.id(), reply.index);
      finish(reply, AgentTurn.Outcome.INTERRUPTED);
    } else {
      log.debug("connection {}: reply {} cancelled before it began", connection.id(), reply.index);
      finish(reply, AgentTurn.Outcome.CANCELLED);
    }
  }

  private void answerInChat(Reply reply) {
    session.addTurn(reply.toTurn(AgentTurn.Outcome.COMPLETED, reply.text, sampleRateHz));
    connection.send(new TranscriptEvent(Role.AGENT, Role.AGENT.wireName(), reply.text));
    connection.send(new AgentStopTalkingEvent(now()));
    replyCompleted(reply);
  }

  private void plan(Reply reply, int delayMillis) {
    current = reply;
    reply.task = executor.schedule(() -> startTalking(reply), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void startTalking(Reply reply) {
    if (stopped || current != reply) {
      return;
    }
    reply.talking = true;
    log.debug(
        "connection {}: reply {} starts ({} bytes)",
        connection.id(),
        reply.index,
        reply.audio.length);
    connection.send(new AgentStartTalkingEvent(now()));
    if (agent.realTime) {
      long periodNanos = TimeUnit.MILLISECONDS.toNanos(agent.deltaMillis);
      reply.task =
          executor.scheduleAtFixedRate(
              () -> sendNextDelta(reply), 0, periodNanos, TimeUnit.NANOSECONDS);
    } else {
      reply.task = null;
      executor.execute(() -> sendDeltasQuickly(reply));
    }
  }

  private void sendDeltasQuickly(Reply reply) {
    sendNextDelta(reply);
    if (!stopped && current == reply) {
      executor.execute(() -> sendDeltasQuickly(reply));
    }
  }

  private void sendNextDelta(Reply reply) {
    if (stopped || current != reply) {
      return;
    }
    int total = reply.audio.length;
    long endFrame = (long) (reply.deltasSent + 1) * agent.deltaMillis * sampleRateHz / 1000;
    int end = (int) Math.min(total, endFrame * 2);
    if (end > reply.sentBytes) {
      byte[] delta = Arrays.copyOfRange(reply.audio, reply.sentBytes, end);
      connection.sendAudio(delta);
      reply.sent.write(delta, 0, delta.length);
      reply.sentBytes = end;
      reply.deltasSent++;
      int words = reply.wordsCoveredBy(end);
      if (words > reply.wordsSent) {
        reply.wordsSent = words;
        connection.send(
            new TranscriptDeltaEvent(Role.AGENT, Role.AGENT.wireName(), reply.spokenText()));
      }
    }
    if (reply.sentBytes >= total) {
      finish(reply, AgentTurn.Outcome.COMPLETED);
    }
  }

  /** Ends {@code reply}: records it, then sends its closing frames. */
  private void finish(Reply reply, AgentTurn.Outcome outcome) {
    if (current == reply) {
      current = null;
    }
    if (reply.task != null) {
      reply.task.cancel(false);
      reply.task = null;
    }
    String spoken =
        switch (outcome) {
          case COMPLETED -> reply.text;
          case CANCELLED -> "";
          case INTERRUPTED, CLOSED -> reply.spokenText();
        };
    session.addTurn(reply.toTurn(outcome, spoken, sampleRateHz));
    log.debug(
        "connection {}: reply {} {} after {} of {} bytes",
        connection.id(),
        reply.index,
        outcome,
        reply.sentBytes,
        reply.audio.length);
    switch (outcome) {
      case COMPLETED -> {
        connection.send(new AgentStopTalkingEvent(now()));
        connection.send(new TranscriptEvent(Role.AGENT, Role.AGENT.wireName(), spoken));
        replyCompleted(reply);
      }
      case INTERRUPTED -> {
        connection.send(new InterruptionEvent());
        connection.send(new AgentStopTalkingEvent(now()));
        connection.send(new TranscriptEvent(Role.AGENT, Role.AGENT.wireName(), spoken));
      }
      case CANCELLED, CLOSED -> {}
    }
  }

  private void replyCompleted(Reply reply) {
    if (reply.kind == AgentTurn.Kind.GREETING) {
      return;
    }
    completedUserReplies++;
    if (agent.endCallAfterReplies > 0 && completedUserReplies >= agent.endCallAfterReplies) {
      log.debug(
          "connection {}: ending the call after {} replies", connection.id(), completedUserReplies);
      stopNow(AgentTurn.Outcome.CLOSED);
      session.markCallEnded();
      connection.send(new SessionClosedEvent(SessionClosedEvent.ENDED));
      connection.close(CloseFrame.NORMAL, "");
    }
  }

  /** Stops for good: the reply in progress (if any) ends with {@code outcome}. */
  private void stopNow(AgentTurn.Outcome outcome) {
    if (stopped) {
      return;
    }
    Reply reply = current;
    if (reply != null) {
      finish(reply, outcome);
    }
    stopped = true;
    session.markStopped();
  }

  private long millis(long frames) {
    return frames * 1000 / sampleRateHz;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** One reply, thinking or talking; touched only by the agent thread. */
  private static final class Reply {
    final int index;
    final AgentTurn.Kind kind;
    final UserUtterance utterance;
    final String userText;
    final String text;
    final byte[] audio; // shared with the agent's per-rate cache: never written
    final int[] wordEnds; // end offset in text of each word

    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    ScheduledFuture<?> task; // the pending start, or the real-time delta schedule
    boolean talking;
    int sentBytes;
    int deltasSent;
    int wordsSent;

    Reply(
        int index,
        AgentTurn.Kind kind,
        UserUtterance utterance,
        String userText,
        String text,
        byte[] audio) {
      this.index = index;
      this.kind = kind;
      this.utterance = utterance;
      this.userText = userText;
      this.text = text;
      this.audio = audio;
      List<Integer> ends = new ArrayList<>();
      Matcher m = WORD.matcher(text);
      while (m.find()) {
        ends.add(m.end());
      }
      this.wordEnds = ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Words spread evenly over the audio: those wholly covered by its first {@code bytes}. */
    int wordsCoveredBy(int bytes) {
      if (bytes >= audio.length) {
        return wordEnds.length;
      }
      return (int) ((long) wordEnds.length * bytes / audio.length);
    }

    /** The text of the words sent so far, as written in {@link #text}. */
    String spokenText() {
      if (wordsSent == wordEnds.length) {
        return text;
      }
      return wordsSent == 0 ? "" : text.substring(0, wordEnds[wordsSent - 1]);
    }

    AgentTurn toTurn(AgentTurn.Outcome outcome, String spoken, int sampleRateHz) {
      return new AgentTurn(
          index,
          kind,
          utterance,
          userText,
          text,
          spoken,
          sent.toByteArray(),
          audio.length,
          deltasSent,
          sampleRateHz,
          outcome);
    }
  }
}
