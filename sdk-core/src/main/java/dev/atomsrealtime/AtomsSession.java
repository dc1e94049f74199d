package dev.atomsrealtime;

import dev.atomsrealtime.event.ToolDefinition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One live conversation with an Atoms agent. Created by {@link AtomsClient#newSession}; opened by
 * {@link #connect()}; ended by {@link #close()} (or by the server). A session is single-use: once
 * {@link SessionState#CLOSED}, open a new one.
 *
 * <h2>Sending</h2>
 *
 * All send methods are thread-safe: many threads may send at once and frames never interleave.
 * Nothing reaches the wire before {@code session.created}: control sends made earlier (text,
 * tools, commit) are held and sent in order once the session opens; audio sent earlier is dropped
 * and counted in {@link #audioFramesDroppedBeforeOpen()}, since it would be stale. Sending after
 * {@link #close()} throws {@link IllegalStateException}.
 *
 * <p>This interface is thread-safe.
 */
public interface AtomsSession extends AutoCloseable {

  /**
   * Connects. The future completes when {@code session.created} arrives, or fails with an {@link
   * AtomsException} subtype saying why (refused credential, unreachable server, timeout, an {@code
   * sk_} API key without {@link SessionOptions#agentId agent id}, ...). Calling it again while the
   * session is connecting or open returns the same future.
   *
   * @return the future of the open session's details
   * @throws IllegalStateException if the session is closing or closed (a session is single-use)
   */
  CompletableFuture<SessionInfo> connect();

  /** {@return the current state} */
  SessionState state();

  /** {@return the options this session was opened with} */
  SessionOptions options();

  /**
   * Whether the agent is speaking now, as the user hears it; see {@link AgentActivity}. Changes
   * are reported in order to {@link SessionListener#onAgentActivityChanged}.
   *
   * @return whether the agent is speaking now, as the user hears it; see {@link AgentActivity}
   */
  AgentActivity agentActivity();

  /** {@return the server's session details once open, else null} */
  SessionInfo info();

  /**
   * Sends user audio: PCM signed 16-bit little-endian mono at the negotiated rate. The bytes are
   * copied before this returns. Stream 20-40 ms chunks continuously, silence included: the server
   * decides turns from the audio.
   *
   * @param pcm 16-bit PCM bytes
   * @param offset where the bytes start in the array
   * @param length how many bytes
   * @throws IllegalArgumentException if {@code length} is zero or odd (a PCM16 sample is 2 bytes)
   * @throws IllegalStateException if the session is closing or closed
   */
  void sendAudio(byte[] pcm, int offset, int length);

  /**
   * Sends all of {@code pcm}. See {@link #sendAudio(byte[], int, int)}.
   *
   * @param pcm 16-bit PCM bytes
   */
  default void sendAudio(byte[] pcm) {
    sendAudio(pcm, 0, pcm.length);
  }

  /**
   * Sends the remaining bytes of {@code pcm} and advances its position. See {@link
   * #sendAudio(byte[], int, int)}.
   *
   * @param pcm 16-bit PCM bytes
   */
  void sendAudio(ByteBuffer pcm);

  /**
   * Sends a user turn as text ({@code input_text.send}).
   *
   * @param text the text
   * @throws IllegalArgumentException if {@code text} is empty
   * @throws IllegalStateException if the session is closing or closed
   */
  void sendText(String text);

  /**
   * Sends {@code input_audio_buffer.commit}. The server currently accepts it as a no-op (its own
   * voice activity detection decides turns); it is offered for completeness.
   */
  void commitAudio();

  /**
   * Declares the client tools the agent may call; the whole set replaces any earlier one, and is
   * declared again on every reconnect. The application answers the calls itself ({@link
   * SessionListener#onEvent} gets each {@code function_call}; answer with {@link
   * #sendFunctionResult}); tools with handlers are declared with {@link
   * #declareTools(dev.atomsrealtime.tools.ClientTools)} instead, and this call ends their handling.
   *
   * @param tools the tools
   * @return completes with the declared tool names when the server acknowledges ({@code
   *     session.updated}; on the event threads); fails with {@link
   *     dev.atomsrealtime.tools.ToolDeclarationException} if the server refuses ({@code
   *     invalid_tools}, {@code tool_name_conflict}, {@code client_tools_managed_by_config}, {@code
   *     too_many_updates}), or with {@link IllegalStateException} if the session ends first
   * @throws IllegalArgumentException if {@code tools} is empty or two tools share a name
   * @throws IllegalStateException if the session is closing or closed
   */
  java.util.concurrent.CompletionStage<List<String>> declareTools(List<ToolDefinition> tools);

  /**
   * Declares client tools with their handlers: from now on the session answers every {@code
   * function_call} itself, running the tool's handler off the socket and listener threads and
   * sending {@code function_call.result} before the tool's timeout (see {@link
   * dev.atomsrealtime.tools.ClientTools}). Replaces any earlier set, and is declared again on every
   * reconnect. Listeners still see each {@code function_call} event.
   *
   * @param tools the tools and their handlers
   * @return as {@link #declareTools(List)}
   * @throws IllegalStateException if the session is closing or closed
   */
  java.util.concurrent.CompletionStage<List<String>> declareTools(
      dev.atomsrealtime.tools.ClientTools tools);

  /**
   * Answers a {@code function_call}.
   *
   * @param callId the call identifier
   * @param output the tool's output
   * @throws IllegalArgumentException if {@code output} exceeds 65536 UTF-8 bytes or {@code callId}
   *     is empty
   */
  void sendFunctionResult(String callId, String output);

  /**
   * Attaches an audio source (the user's voice) and sink (where the agent's voice goes) and
   * returns the engine that runs them. The capture pump streams the source in fixed chunks at the
   * negotiated rate; the playback engine plays agent audio with barge-in (an {@code interruption}
   * empties its queue and flushes the sink at once, and stale deltas are dropped until the next
   * reply). Either may be null (capture only, or playback only). Formats are converted as needed.
   * If the session is not open yet, the engine starts when it opens; it stops when the session
   * ends. At most one engine per session. A blocking source or sink (a device, a paced file) gets
   * a thread of its own; a {@link dev.atomsrealtime.audio.NonBlockingAudioSource} or {@link
   * dev.atomsrealtime.audio.NonBlockingAudioSink} (such as {@code PcmPushSource} and {@code
   * PcmPullSink}) gets none and is driven by the threads that push, receive and read.
   *
   * @param source the audio source
   * @param sink the audio sink
   * @param options the settings
   * @return the attached audio, to mute, inspect or detach
   * @throws IllegalStateException if audio is already attached or the session is closing/closed
   */
  dev.atomsrealtime.audio.SessionAudio attachAudio(
      dev.atomsrealtime.audio.AudioSource source,
      dev.atomsrealtime.audio.AudioSink sink,
      dev.atomsrealtime.audio.AudioOptions options);

  /**
   * Attaches audio with {@link dev.atomsrealtime.audio.AudioOptions#defaults()}.
   *
   * @param source the audio source
   * @param sink the audio sink
   * @return the attached audio, to mute, inspect or detach
   */
  default dev.atomsrealtime.audio.SessionAudio attachAudio(
      dev.atomsrealtime.audio.AudioSource source, dev.atomsrealtime.audio.AudioSink sink) {
    return attachAudio(source, sink, dev.atomsrealtime.audio.AudioOptions.defaults());
  }

  /** {@return counters of sent, dropped and queued data, across reconnects} */
  SessionStats stats();

  /** {@return audio chunks dropped because they were sent before the session opened} */
  long audioFramesDroppedBeforeOpen();

  /**
   * Ends the session gracefully ({@code session.close}, then the server's {@code session.closed},
   * then close code 1000), bounded by {@link SessionOptions#closeTimeout()}; the connection is
   * dropped if the server does not finish in time. Idempotent: later calls return the same future.
   *
   * @return a future completed with how the session ended
   */
  CompletableFuture<SessionEnd> closeAsync();

  /**
   * {@link #closeAsync()} and waits for the end (bounded). When called from a listener callback it
   * does not wait (the end is delivered after the callback returns).
   */
  @Override
  void close();
}
