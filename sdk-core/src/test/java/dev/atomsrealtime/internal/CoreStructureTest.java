package dev.atomsrealtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The structural rules of {@code sdk-core/CONCURRENCY.md} and {@code ARCHITECTURE.md} that a
 * build can check on the sources: the session core holds no lock at all (so none can be held
 * across a call into user code, a source, a sink, a credential supplier or a transport), and no
 * file grows past the size a reader can hold in their head.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CoreStructureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/atomsrealtime");

  /** The session core: the session, its context, attempt, state machine, dispatch, outbound. */
  static final List<String> SESSION_CORE = List.of(
      "internal/RealAtomsSession.java",
      "internal/SessionStateMachine.java",
      "internal/ConnectionAttempt.java",
      "internal/AttemptCredential.java",
      "internal/ToolDeclarations.java",
      "internal/ToolRunner.java",
      "internal/Liveness.java",
      "internal/ConnectRequests.java",
      "internal/ReconnectStreak.java",
      "internal/ListenerDispatch.java",
      "internal/OutboundQueue.java",
      "internal/AudioAttachment.java",
      "internal/AgentActivityTracker.java",
      "internal/PlaybackQueue.java",
      "transport/SerialContext.java",
      "transport/OrderedCallbacks.java");

  private static final Pattern LOCKING = Pattern.compile(
      "\\bsynchronized\\b|java\\.util\\.concurrent\\.locks\\.(?!LockSupport)|\\.wait\\(|\\bLock\\b");

  @Test
  void theSessionCoreHoldsNoLock() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String file : SESSION_CORE) {
      List<String> lines = Files.readAllLines(MAIN.resolve(file));
      for (int i = 0; i < lines.size(); i++) {
        String code = lines.get(i).replaceAll("//.*|^\\s*\\*.*|/\\*.*?\\*/", "");
        if (LOCKING.matcher(code).find()) {
          offenders.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theSessionCoreStaysUnderFiveHundredLinesAFileAndTheCoreUnderFourHundred()
      throws IOException {
    List<String> tooLong = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        checked++;
        long lines = Files.readAllLines(f).size();
        if (lines > 400) {
          tooLong.add(MAIN.relativize(f) + ": " + lines + " lines");
        }
      }
    }
    assertTrue(checked > 80, "expected the core's sources under " + MAIN + ", found " + checked);
    assertEquals(List.of(), tooLong);
  }
}
