package io.agentwire.socketfactory.server;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.socketfactory.FailureReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A non-blocking AgentWire server: one selector thread accepts TCP connections, runs every
 * handshake through an {@code SSLEngine} from the given {@link SSLContext} (AgentWire's engine,
 * server mode), and hands each established connection's data to a {@link ConnectionHandler} on that
 * same thread. Thread count does not grow with connections, and an idle connection costs a few
 * hundred bytes of heap, so thousands of silent or slow clients cannot exhaust the server.
 *
 * <pre>{@code
 * try (AgentServer server =
 *     AgentServer.builder(config)                     // or builder(sslContext)
 *         .bind(new InetSocketAddress("0.0.0.0", 7000))
 *         .handler((connection, data) -> connection.write(data))   // echo; must not block
 *         .build()
 *         .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <h2>Admission</h2>
 *
 * <ul>
 *   <li><b>Handshake timeout</b> (default the configuration's, else 10 s): a connection whose
 *       handshake has not completed this long after it was accepted is closed ({@link
 *       FailureReason#HANDSHAKE_TIMEOUT}). Connections in their handshake are kept in accept order,
 *       which is deadline order, and the selector wakes for the earliest deadline, so silent
 *       connections are reaped on time without being scanned.
 *   <li><b>Handshake slots</b> ({@link Builder#maxConcurrentHandshakes}, default 256) bound the
 *       handshakes that hold live Noise state (an engine, ephemeral keys) at once. A connection
 *       takes a slot only when a whole first frame has arrived, and holds it until its handshake
 *       ends. Before that it has no engine and no buffers: a silent connection is a small record
 *       and a socket; a connection trickling bytes (slow loris) keeps only the bytes it sent, at
 *       most one frame, and the timeout ends it. So neither can take the slot a legitimate client
 *       needs, whose hello arrives in one piece. When every slot is taken, a connection with a
 *       complete frame waits, unread, in arrival order; and while any waits, a slot holder whose
 *       peer has made no progress for the {@link Builder#handshakeStallTimeout stall timeout}
 *       (default 1 s) is closed to free its slot (counted as {@code evictedStalled}). (With an
 *       engine from another provider, whose framing the server does not know, a connection takes
 *       its slot at its first byte.)
 *   <li><b>Connections</b> ({@link Builder#maxConnections}, default 20,000): a connection accepted
 *       beyond the limit makes the server close the <em>oldest connection still in its
 *       handshake</em> (counted as {@code evictedForCapacity}); only when every connection is
 *       established is the new one refused (closed at once, {@code rejectedForCapacity}). A real
 *       handshake takes milliseconds, so the oldest unfinished one is the likeliest to be a stalled
 *       or hostile client, and a flood cannot lock out a new legitimate client unless it opens the
 *       whole limit within that client's handshake time.
 *   <li><b>Idle timeout</b> (optional, {@link Builder#idleTimeout}): an established connection that
 *       neither sends nor is written to for this long is closed.
 * </ul>
 *
 * <p>Each failure closes only its connection, and is counted by its {@link FailureReason} ({@link
 * #stats()}). Garbage, TLS and HTTP clients fail on their first five bytes.
 *
 * <h2>Memory</h2>
 *
 * The selector thread owns one network input buffer (two packets), one output buffer and one
 * application buffer, shared by every connection. A connection keeps only the leftover of a partial
 * frame between reads (exactly its size, released when empty) and the encrypted bytes the socket
 * has not yet taken (bounded in effect by {@link Builder#maxQueuedBytesPerConnection}).
 *
 * <p>Thread-safe: {@link #start()}, {@link #close()} and the counters may be used from any thread.
 */
public final class AgentServer implements AutoCloseable {

  private final ServerLoop loop;
  private volatile boolean started;

  private AgentServer(ServerLoop loop) {
    this.loop = loop;
  }

  /** A builder for a server whose engines come from {@code context} (an AgentWire context). */
  public static Builder builder(SSLContext context) {
    return new Builder(Objects.requireNonNull(context, "context"), null);
  }

  /**
   * A builder for a server running {@code config}, through {@link
   * AgentWireJsseProvider#newContext}; the handshake timeout defaults to the configuration's.
   */
  public static Builder builder(AgentSocketConfig config) {
    Objects.requireNonNull(config, "config");
    return new Builder(AgentWireJsseProvider.newContext(config), config.handshakeTimeout());
  }

  /**
   * Binds and starts the selector thread; returns this server.
   *
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public synchronized AgentServer start() throws IOException {
    if (started) {
      throw new IllegalStateException("this server was already started");
    }
    started = true;
    loop.start();
    return this;
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    return localAddress().getPort();
  }

  /** The bound address. */
  public InetSocketAddress localAddress() {
    InetSocketAddress a = loop.localAddress();
    if (a == null) {
      throw new IllegalStateException("the server is not started");
    }
    return a;
  }

  /** Whether the selector thread is running. */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /**
   * Stops accepting, sends every established peer the authenticated close (best effort: a peer that
   * does not read is not waited for), closes every connection (handlers see {@code onClose} with a
   * {@code null} cause) and waits for the selector thread to end. Idempotent; from a handler, it
   * returns without waiting.
   */
  @Override
  public void close() {
    loop.stop();
  }

  // ---------------------------------------------------------------------------- counters

  /** A snapshot of every counter (each read on its own, so they may disagree by a connection). */
  public Stats stats() {
    return loop.stats();
  }

  /** Connections accepted and not yet closed, in their handshake or established. */
  public int openConnections() {
    return loop.openConnections();
  }

  /** Connections accepted whose handshake has not completed (silent ones included). */
  public int handshakesInProgress() {
    return loop.handshakesInProgress();
  }

  /** Handshakes that failed with {@code reason}. */
  public long handshakeFailures(FailureReason reason) {
    return loop.handshakeFailures(reason);
  }

  /** New connections closed at once because every connection was established. */
  public long rejectedForCapacity() {
    return loop.rejectedForCapacity();
  }

  /**
   * The server's counters at one moment.
   *
   * @param accepted TCP connections accepted since start
   * @param openConnections accepted and not closed
   * @param handshakesInProgress open and not yet established
   * @param handshakeSlotsInUse handshakes holding live Noise state
   * @param waitingForSlot connections with a complete frame waiting for a slot
   * @param established open and established
   * @param handshakesCompleted handshakes that completed since start
   * @param handshakeFailures failed handshakes by reason (timeouts, protocol errors, refused keys,
   *     peers closing); every reason is present
   * @param handshakeIoFailures failed handshakes with no reason: I/O errors such as a reset
   * @param connectionFailures established connections that ended with a failure
   * @param rejectedForCapacity new connections refused: every connection was established
   * @param evictedForCapacity connections in their handshake closed to make room for new ones
   * @param evictedStalled slot holders closed for making no progress while others waited
   * @param idleTimeouts established connections closed by the idle timeout
   * @param handlerFailures connections closed because a handler threw
   * @param queuedBytes encrypted bytes waiting for sockets, over all connections
   * @param maxQueuedBytes the largest queue one connection has reached
   */
  public record Stats(
      long accepted,
      int openConnections,
      int handshakesInProgress,
      int handshakeSlotsInUse,
      int waitingForSlot,
      int established,
      long handshakesCompleted,
      Map<FailureReason, Long> handshakeFailures,
      long handshakeIoFailures,
      long connectionFailures,
      long rejectedForCapacity,
      long evictedForCapacity,
      long evictedStalled,
      long idleTimeouts,
      long handlerFailures,
      long queuedBytes,
      long maxQueuedBytes) {

    public Stats {
      handshakeFailures = Collections.unmodifiableMap(new EnumMap<>(handshakeFailures));
    }

    /** The failed handshakes with {@code reason}. */
    public long failures(FailureReason reason) {
      return handshakeFailures.getOrDefault(reason, 0L);
    }

    /** Every failed handshake, with a reason or not. */
    public long handshakesFailed() {
      long n = handshakeIoFailures;
      for (long v : handshakeFailures.values()) {
        n += v;
      }
      return n;
    }
  }

  /** Builds an {@link AgentServer}, checking each value as it is set; not thread-safe. */
  public static final class Builder {
    private final SSLContext context;
    private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private int backlog = 4096;
    private ConnectionHandler handler;
    private Duration handshakeTimeout;
    private int maxConcurrentHandshakes = 256;
    private int maxConnections = 20_000;
    private Duration idleTimeout;
    private Duration stallTimeout = Duration.ofSeconds(1);
    private int maxQueuedBytes = 256 * 1024;
    private Consumer<SSLEngine> engineConfigurator;

    private Builder(SSLContext context, Duration handshakeTimeout) {
      this.context = context;
      this.handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
    }

    /** The address to listen on (default 127.0.0.1, a free port). */
    public Builder bind(InetSocketAddress address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The listen backlog (default 4096; the kernel may cap it, Linux at net.core.somaxconn). */
    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("the backlog must be at least 1, not " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /** Required: what to do with connections. Its methods must not block. */
    public Builder handler(ConnectionHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** A connection must complete its handshake within this long of being accepted. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshake timeout");
      return this;
    }

    /** At most this many handshakes hold live Noise state at once (default 256). */
    public Builder maxConcurrentHandshakes(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConcurrentHandshakes must be at least 1, not " + n);
      }
      this.maxConcurrentHandshakes = n;
      return this;
    }

    /**
     * At most this many open connections (default 20,000); beyond it the oldest connection still in
     * its handshake is closed for the new one, or the new one is refused when all are established.
     * Each connection is a file descriptor: keep the limit below the process's.
     */
    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, not " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /**
     * Close established connections with no traffic for this long; {@code null} (default) never.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout == null ? null : positive(timeout, "idle timeout");
      return this;
    }

    /**
     * While connections wait for a handshake slot, a slot holder whose peer has sent nothing that
     * advanced the handshake for this long is closed (default 1 s). It is also the minimum progress
     * rule: a stalled holder costs others at most this long.
     */
    public Builder handshakeStallTimeout(Duration timeout) {
      this.stallTimeout = positive(timeout, "stall timeout");
      return this;
    }

    /**
     * Beyond this many queued encrypted bytes (default 256 KiB), the server stops reading from that
     * connection until its queue has drained below half of it.
     */
    public Builder maxQueuedBytesPerConnection(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException(
            "the per-connection queue limit must be at least 1024 bytes, not " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    /**
     * Called with each new engine (already in server mode), on the selector thread, to set what a
     * context cannot: ALPN ({@code SSLParameters.setApplicationProtocols}), client authentication,
     * suites. Must not block.
     */
    public Builder configureEngine(Consumer<SSLEngine> configurator) {
      this.engineConfigurator = configurator;
      return this;
    }

    /**
     * @throws IllegalArgumentException if no handler was set, or the context cannot create engines
     */
    public AgentServer build() {
      if (handler == null) {
        throw new IllegalArgumentException(
            "a ConnectionHandler is required: builder(...).handler((connection, data) -> ...)");
      }
      return new AgentServer(
          new ServerLoop(
              context,
              bind,
              backlog,
              handler,
              handshakeTimeout,
              maxConcurrentHandshakes,
              maxConnections,
              idleTimeout,
              stallTimeout,
              maxQueuedBytes,
              engineConfigurator));
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("the " + what + " must be positive, not " + d);
      }
      return d;
    }
  }
}
