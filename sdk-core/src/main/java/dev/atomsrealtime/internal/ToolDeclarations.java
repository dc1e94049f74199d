package dev.atomsrealtime.internal;

import dev.atomsrealtime.event.ErrorEvent;
import dev.atomsrealtime.event.SessionUpdatedEvent;
import dev.atomsrealtime.tools.ToolDeclarationException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The futures of tool declarations waiting for the server's answer. The server answers each
 * {@code session.update} in order, with {@code session.updated} or a tool error, so one entry per
 * frame on the wire is kept in a queue; a declaration held until the session opens joins the queue
 * when its frame goes out. When a connection is lost its unanswered declarations wait for the
 * re-declaration on the next connection. Futures are completed through {@code deliver} (the event
 * threads), never on a socket thread.
 *
 * <p>Owned by the session's serial context: every method runs there.
 */
final class ToolDeclarations {
  private final Consumer<Runnable> deliver;
  private final Map<byte[], CompletableFuture<List<String>>> held = new IdentityHashMap<>();
  private final ArrayDeque<List<CompletableFuture<List<String>>>> awaiting = new ArrayDeque<>();
  private final List<CompletableFuture<List<String>>> lost = new ArrayList<>();

  ToolDeclarations(Consumer<Runnable> deliver) {
    this.deliver = deliver;
  }

  /** A declaration whose frame went out now ({@code sent}) or is held until the session opens. */
  void declared(byte[] frame, CompletableFuture<List<String>> future, boolean sent) {
    if (sent) {
      awaiting.add(Collections.singletonList(future));
    } else {
      held.put(frame, future);
    }
  }

  /**
   * The session opened: {@code redeclared} (or null) went out first, then the {@code heldFrames} in
   * order. Declarations lost with the last connection wait for the first tool frame among them.
   */
  void opened(byte[] redeclared, List<byte[]> heldFrames) {
    List<CompletableFuture<List<String>>> carry = new ArrayList<>(lost);
    lost.clear();
    if (redeclared != null) {
      awaiting.add(carry);
      carry = new ArrayList<>();
    }
    for (byte[] frame : heldFrames) {
      CompletableFuture<List<String>> future = held.remove(frame);
      if (future != null) {
        carry.add(future);
        awaiting.add(carry);
        carry = new ArrayList<>();
      }
    }
    lost.addAll(carry);
  }

  /** The connection ended: what it did not answer waits for the next one. */
  void connectionLost() {
    for (List<CompletableFuture<List<String>>> entry : awaiting) {
      lost.addAll(entry);
    }
    awaiting.clear();
  }

  void updated(SessionUpdatedEvent event) {
    List<CompletableFuture<List<String>>> entry = awaiting.poll();
    if (entry != null) {
      List<String> names = event.tools();
      entry.forEach(f -> deliver.accept(() -> f.complete(names)));
    }
  }

  void error(ErrorEvent error) {
    if (!ToolDeclarationException.isDeclarationCode(error.code())) {
      return;
    }
    List<CompletableFuture<List<String>>> entry = awaiting.poll();
    if (entry != null) {
      ToolDeclarationException refused =
          new ToolDeclarationException(error.code(), error.message());
      entry.forEach(f -> deliver.accept(() -> f.completeExceptionally(refused)));
    }
  }

  /** The session ended: nothing waiting will be answered. */
  void ended() {
    List<CompletableFuture<List<String>>> all = new ArrayList<>(lost);
    awaiting.forEach(all::addAll);
    all.addAll(held.values());
    awaiting.clear();
    lost.clear();
    held.clear();
    IllegalStateException ended =
        new IllegalStateException("the session ended before the server answered the tools");
    all.forEach(f -> deliver.accept(() -> f.completeExceptionally(ended)));
  }
}
