package dev.atomsrealtime.transport.jdk;

import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportFactory;
import dev.atomsrealtime.transport.TransportRequest;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport over the JDK's {@link java.net.http.WebSocket} ({@code java.net.http}, Java 11+).
 *
 * <h2>Which transport to choose</h2>
 *
 * <ul>
 *   <li>{@code JavaWebSocketTransportFactory} (in {@code atoms-sdk-core}, the default): runs on
 *       Android and on every JVM. Choose it unless you have a reason not to.
 *   <li>This factory ({@code atoms-sdk-transport-jdk}), for servers running many sessions: one
 *       selector thread shared by all connections reads and delivers every frame, so a session
 *       costs no thread of its own and no thread hand-off per message (the README has the load
 *       figures). Java 11+ desktop and server JVMs only: {@code java.net.http} does not exist on
 *       Android.
 * </ul>
 *
 * <pre>{@code
 * try (JdkWebSocketTransportFactory transports = new JdkWebSocketTransportFactory();
 *     AtomsClient client =
 *         AtomsClient.builder().apiKey(key).transportFactory(transports).build()) {
 *   ...
 * }
 * }</pre>
 *
 * <h2>Connections</h2>
 *
 * <p>The upgrade is HTTP/1.1 (the JDK always upgrades over HTTP/1.1; the client is also built for
 * it), with the request's headers, and the request's connect timeout bounding the whole opening
 * handshake. {@code wss://} uses the request's {@link SSLContext} (or the platform default) with
 * hostname verification on, as the JDK does by default. No proxy, no redirects, no frame-size
 * limit.
 *
 * <h2>Threads and closing</h2>
 *
 * <p>The factory owns one {@link HttpClient} per distinct {@link SSLContext} it is asked for
 * (usually exactly one), and one for plain {@code ws://} connections, which never sets up TLS
 * (initialising the platform's TLS context and trust store is a large part of a cold start); each
 * is created on first use. Each {@code HttpClient} has one selector thread of the JDK's ({@code
 * HttpClient-N-SelectorManager}) shared by all of its connections; it lives as long as the
 * client. The clients run the JDK's asynchronous tasks inline instead of handing them
 * to a pool, so incoming frames are read, decoded and delivered to the session on that selector
 * thread, and outgoing frames are written by the thread that sends them: no thread hand-off per
 * message, and no thread per connection. The price: everything the JDK does asynchronously runs
 * on the selector thread too, the CPU work of TLS handshakes included, so while a {@code wss://}
 * connection is being opened, frames of the other connections of the same client wait for it
 * (about a millisecond per handshake). The session's own work there never blocks (see {@code
 * CONCURRENCY.md}).
 *
 * <p>The factory also owns a small pool whose daemon threads are named {@code atoms-jdkws-N}; it
 * runs the rare callbacks that must not run inside the caller's own call (the terminal callback
 * after {@code abort()}, a failed send, a connect failure) and its threads end after one second
 * idle. A closed connection leaves no thread of its own behind.
 *
 * <p>{@link #close()} aborts the connections still open and releases the clients. On Java 21 and
 * later it shuts each client down, which ends its selector thread at once; on Java 17 the JDK has
 * no such method and the selector thread ends once the released client has been garbage collected.
 * Close the factory when the application no longer needs it (after the {@code AtomsClient}s that
 * use it); an application that uses one factory for its lifetime need not close it.
 *
 * <p>Thread-safe; share one instance among clients.
 */
public final class JdkWebSocketTransportFactory implements TransportFactory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JdkWebSocketTransportFactory.class);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final long IDLE_THREAD_MILLIS = 1_000;

  /** Map key for requests without their own SSLContext (the platform default). */
  private static final Object DEFAULT_TLS = new Object();

  /** Map key for {@code ws://} requests: a client whose TLS is never set up. */
  private static final Object NO_TLS = new Object();

  /**
   * The clients' executor: runs the JDK's tasks inline. The JDK hands a task to it only from its
   * selector thread (tasks submitted elsewhere already run inline), so that is where they run.
   */
  private static final Executor INLINE = Runnable::run;

  private final ThreadPoolExecutor executor;
  // Guarded by this.
  private final Map<Object, HttpClient> clients = new IdentityHashMap<>();
  private boolean closed;
  private final Set<JdkWebSocketTransport> live = ConcurrentHashMap.newKeySet();

  /** A factory; it starts no thread until the first connection. */
  public JdkWebSocketTransportFactory() {
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "atoms-jdkws-" + THREAD_IDS.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // For callbacks off the caller's thread: a cached pool with named daemon threads that end soon.
    executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            IDLE_THREAD_MILLIS,
            TimeUnit.MILLISECONDS,
            new SynchronousQueue<>(),
            threads);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if this factory was closed
   */
  @Override
  public Transport create(TransportRequest request, Transport.Listener listener) {
    JdkWebSocketTransport transport =
        new JdkWebSocketTransport(
            request, listener, clientFor(request), executor, live::remove);
    live.add(transport);
    return transport;
  }

  /**
   * The client for {@code request}: for {@code ws://} one that never sets up TLS (so a plain
   * connection does not pay for initialising the platform's TLS context and trust store), else the
   * one for its {@link SSLContext}.
   */
  private HttpClient clientFor(TransportRequest request) {
    if ("ws".equalsIgnoreCase(request.uri().getScheme())) {
      return client(NO_TLS, DeferredTls.context(), DeferredTls.parameters());
    }
    return client(request.sslContext());
  }

  /** The client for {@code ssl} (null: the platform default), created on first use. */
  HttpClient client(SSLContext ssl) {
    return client(ssl == null ? DEFAULT_TLS : ssl, ssl, null);
  }

  private synchronized HttpClient client(Object key, SSLContext ssl, SSLParameters parameters) {
    if (closed) {
      throw new IllegalStateException("this JdkWebSocketTransportFactory is closed");
    }
    return clients.computeIfAbsent(
        key,
        k -> {
          HttpClient.Builder b =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .executor(INLINE);
          if (ssl != null) {
            b.sslContext(ssl);
          }
          if (parameters != null) {
            b.sslParameters(parameters);
          }
          return b.build();
        });
  }

  /**
   * Aborts every connection of this factory that is still open (each gets its terminal callback),
   * releases the HTTP clients and lets the executor's threads end. Idempotent. See the class
   * comment for what happens to the JDK's selector thread.
   */
  @Override
  public void close() {
    List<HttpClient> released;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      released = new ArrayList<>(clients.values());
      clients.clear();
    }
    for (JdkWebSocketTransport t : List.copyOf(live)) {
      t.abort();
    }
    for (HttpClient c : released) {
      shutdownNow(c);
    }
    executor.shutdown();
  }

  /** {@code HttpClient.shutdownNow()} where it exists (Java 21+). */
  private static void shutdownNow(HttpClient client) {
    Method shutdownNow;
    try {
      shutdownNow = HttpClient.class.getMethod("shutdownNow");
    } catch (NoSuchMethodException e) {
      return; // Java 17-20: the client's selector thread ends once the client is collected
    }
    try {
      shutdownNow.invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("HttpClient.shutdownNow failed: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "JdkWebSocketTransportFactory";
  }
}
