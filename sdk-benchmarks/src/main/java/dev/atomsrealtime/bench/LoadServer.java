package dev.atomsrealtime.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.ClientEvent;
import dev.atomsrealtime.event.InputAudioBufferAppendEvent;
import dev.atomsrealtime.event.InterruptionEvent;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import dev.atomsrealtime.testkit.FakeConnection;
import dev.atomsrealtime.testkit.ServerBehavior;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server side of the load harness, run in its own JVM by {@link LoadHarness} so that the
 * client's CPU time is the client's alone. A {@link FakeAtomsServer} on loopback whose behaviour
 * plays an agent that talks without pause: per connection, {@code agent_start_talking}, then one
 * 20 ms {@code output_audio.delta} every 20 ms (from one shared scheduler thread) stamped with the
 * send time and a sequence number, and every {@code --interrupt-ms} an {@code interruption}
 * followed by a new {@code agent_start_talking}. It also measures the client-to-server direction
 * from the stamps the harness puts in the appended audio.
 *
 * <p>Control on stdin, one command a line: {@code CLOCK} (answers {@code CLOCK <nanoTime>}), {@code
 * RESET} (starts the measurement window), {@code STATS} (answers one {@code STATS k=v ...} line);
 * end of input stops the server.
 */
public final class LoadServer {
  private static final int CHUNK_MILLIS = 20;
  private static final int CHUNK_BYTES = CHUNK_MILLIS * Pcm.BYTES_PER_MILLI;

  private final int interruptTicks;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-server-ticker");
            t.setDaemon(true);
            return t;
          });
  private final Map<FakeConnection, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicLong deltasSent = new AtomicLong();
  private final AtomicLong interruptionsSent = new AtomicLong();
  private final AtomicLong tickLagMaxNanos = new AtomicLong();
  private volatile boolean recording;
  // Guarded by upLatencies.
  private final LongSamples upLatencies = new LongSamples();

  private LoadServer(int interruptMillis) {
    this.interruptTicks = Math.max(1, interruptMillis / CHUNK_MILLIS);
  }

  public static void main(String[] args) throws Exception {
    int interruptMillis = 2_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--interrupt-ms")) {
        interruptMillis = Integer.parseInt(args[++i]);
      }
    }
    new LoadServer(interruptMillis).run();
  }

  private void run() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    FakeAtomsServer built = FakeAtomsServer.builder().behavior(new Agent()).build();
    boolean noDelay = !Boolean.getBoolean("bench.serverNagle") && setTcpNoDelay(built);
    try (FakeAtomsServer server = built.start()) {
      System.err.println("[server] TCP_NODELAY " + (noDelay ? "on" : "off (Nagle)"));
      out.println("READY " + server.port());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      long cpu0 = 0;
      long wall0 = 0;
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "CLOCK" -> out.println("CLOCK " + System.nanoTime());
          case "RESET" -> {
            synchronized (upLatencies) {
              upLatencies.clear();
            }
            deltasSent.set(0);
            interruptionsSent.set(0);
            tickLagMaxNanos.set(0);
            recording = true;
            cpu0 = os.getProcessCpuTime();
            wall0 = System.nanoTime();
            out.println("OK");
          }
          case "STATS" -> {
            recording = false;
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            synchronized (upLatencies) {
              out.println("STATS deltasSent=" + deltasSent.get()
                  + " interruptionsSent=" + interruptionsSent.get()
                  + " upChunks=" + upLatencies.size()
                  + " upP50=" + upLatencies.percentile(50)
                  + " upP99=" + upLatencies.percentile(99)
                  + " upMax=" + upLatencies.max()
                  + " upLate=" + upLatencies.countAbove(TimeUnit.MILLISECONDS.toNanos(40))
                  + " tickLagMax=" + tickLagMaxNanos.get()
                  + " serverCpuNanos=" + cpu
                  + " wallNanos=" + wall
                  + " connections=" + server.connectionCount());
            }
          }
          default -> out.println("ERROR unknown command " + line);
        }
      }
    } finally {
      ticker.shutdownNow();
    }
  }

  /**
   * FakeAtomsServer leaves Nagle's algorithm on (Java-WebSocket's server default). With one small
   * frame every 20 ms each way, Nagle holds a server frame until the client's next frame carries
   * the ACK, which adds a phase-dependent 0-20 ms to every delta and would swamp what the harness
   * measures. A real gateway sets TCP_NODELAY (the probe's server did too), so the harness turns
   * it on through the server's Java-WebSocket endpoint; {@code -Dbench.serverNagle=true} keeps
   * the testkit's default.
   */
  private static boolean setTcpNoDelay(FakeAtomsServer server) {
    try {
      java.lang.reflect.Field field = FakeAtomsServer.class.getDeclaredField("endpoint");
      field.setAccessible(true);
      ((org.java_websocket.AbstractWebSocket) field.get(server)).setTcpNoDelay(true);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("[server] cannot set TCP_NODELAY on the FakeAtomsServer: " + e);
      return false;
    }
  }

  /** One connection's agent: its sequence and tick count. Ticks run on the one ticker thread. */
  private final class Stream implements Runnable {
    private final FakeConnection connection;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private final long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    private long ticks;
    private long seq;
    private volatile ScheduledFuture<?> future;

    Stream(FakeConnection connection) {
      this.connection = connection;
    }

    void cancel() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }

    @Override
    public void run() {
      if (!connection.isOpen()) {
        cancel();
        streams.remove(connection);
        return;
      }
      long now = System.nanoTime();
      long due = startNanos + ticks * TimeUnit.MILLISECONDS.toNanos(CHUNK_MILLIS);
      if (recording) {
        tickLagMaxNanos.accumulateAndGet(now - due, Math::max);
      }
      if (ticks == 0) {
        // The first turn.
        connection.send(new AgentStartTalkingEvent(null));
      } else if (ticks % interruptTicks == 0) {
        // Barge-in: the previous chunk went out 20 ms ago; the next one belongs to a new turn.
        connection.send(new InterruptionEvent());
        connection.send(new AgentStartTalkingEvent(null));
        if (recording) {
          interruptionsSent.incrementAndGet();
        }
      }
      ticks++;
      ChunkHeader.write(chunk, System.nanoTime(), seq++);
      connection.sendAudio(chunk); // encodes at once, so the buffer is reused
      if (recording) {
        deltasSent.incrementAndGet();
      }
    }
  }

  private final class Agent implements ServerBehavior {
    @Override
    public void onSessionCreated(FakeConnection connection) {
      Stream stream = new Stream(connection);
      streams.put(connection, stream);
      stream.future = ticker.scheduleAtFixedRate(stream, 1, CHUNK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean onClientEvent(FakeConnection connection, ClientEvent event) {
      if (event instanceof InputAudioBufferAppendEvent append && recording) {
        long now = System.nanoTime();
        ByteBuffer audio = append.audio();
        byte[] head = new byte[ChunkHeader.BYTES];
        if (audio.remaining() >= head.length) {
          audio.get(audio.position(), head);
          if (ChunkHeader.present(head, 0, head.length)) {
            synchronized (upLatencies) {
              upLatencies.add(now - ChunkHeader.sentNanos(head, 0));
            }
          }
        }
      }
      return false;
    }

    @Override
    public void onClosed(FakeConnection connection, int code, String reason, boolean remote) {
      Stream stream = streams.remove(connection);
      if (stream != null) {
        stream.cancel();
      }
    }
  }
}
