package io.agentwire.socketfactory.server;

import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.socketfactory.FailureReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The selector thread of an {@link AgentServer}: accepting, admission (slots, limits, deadlines),
 * reading, the engines, writing with backpressure, and the handler callbacks. Every field without
 * {@code volatile} belongs to the selector thread.
 */
final class ServerLoop implements Runnable {

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final int ACCEPTS_PER_WAKEUP = 256;
  private static final long ACCEPT_PAUSE_NANOS = 100_000_000L;
  private static final Object ACCEPTOR = new Object();

  /** How a frame header looks, learnt from the context's engines: its length and where. */
  private enum Header {
    /** AgentWire 2: TLS-shaped 5-byte header, u16 length last; an engine checks the first one. */
    AGENTWIRE(5, true),
    /** Raw Noise: a u16 length. */
    RAW(2, false),
    /** Any other engine: every byte goes to the engine, which takes a slot at the first byte. */
    UNKNOWN(0, false);

    final int bytes;
    final boolean probe;

    Header(int bytes, boolean probe) {
      this.bytes = bytes;
      this.probe = probe;
    }
  }

  private final SSLContext context;
  private final InetSocketAddress bind;
  private final int backlog;
  private final ConnectionHandler handler;
  private final long handshakeNanos;
  private final int maxHandshakes;
  private final int maxConnections;
  private final long idleNanos;
  private final long stallNanos;
  final int maxQueuedBytes;
  private final Consumer<SSLEngine> configurator;
  private final Header header;
  private final int packetSize;

  // The shared buffers: every connection's bytes pass through these, none keeps its own.
  private final ByteBuffer netIn;
  private final ByteBuffer netOut;
  private ByteBuffer appIn;

  /** A fresh engine that checks first-frame headers for every connection (see checkHeader). */
  private SSLEngine headerProbe;

  private final ConnList handshaking = new ConnList(false);
  private final ConnList established = new ConnList(false);
  private final ConnList closing = new ConnList(false);
  private final ConnList slotHolders = new ConnList(true);
  private final ArrayDeque<Conn> waiters = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  private Selector selector;
  private ServerSocketChannel server;
  private SelectionKey acceptKey;
  private long acceptPausedUntil;
  private volatile Thread thread;
  private volatile InetSocketAddress localAddress;
  private volatile boolean stopping;
  private volatile boolean running;

  // Counters: written by the selector thread only.
  private volatile long accepted;
  private volatile int slotsInUse;
  private volatile int parkedCount;
  private volatile long handshakesCompleted;
  private final AtomicLongArray failures = new AtomicLongArray(FailureReason.values().length);
  private volatile long ioFailures;
  private volatile long connectionFailures;
  private volatile long rejectedForCapacity;
  private volatile long evictedForCapacity;
  private volatile long evictedStalled;
  private volatile long idleTimeouts;
  private volatile long handlerFailures;
  private volatile long queuedTotal;
  private volatile long maxQueued;

  ServerLoop(
      SSLContext context,
      InetSocketAddress bind,
      int backlog,
      ConnectionHandler handler,
      Duration handshakeTimeout,
      int maxHandshakes,
      int maxConnections,
      Duration idleTimeout,
      Duration stallTimeout,
      int maxQueuedBytes,
      Consumer<SSLEngine> configurator) {
    this.context = context;
    this.bind = bind;
    this.backlog = backlog;
    this.handler = handler;
    this.handshakeNanos = handshakeTimeout.toNanos();
    this.maxHandshakes = maxHandshakes;
    this.maxConnections = maxConnections;
    this.idleNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
    this.stallNanos = stallTimeout.toNanos();
    this.maxQueuedBytes = maxQueuedBytes;
    this.configurator = configurator;
    SSLEngine probe;
    try {
      probe = context.createSSLEngine();
      probe.setUseClientMode(false);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the SSLContext cannot create engines: " + e, e);
    }
    header = headerOf(context, Arrays.asList(probe.getEnabledProtocols()));
    packetSize = probe.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocate(2 * packetSize);
    netOut = ByteBuffer.allocate(Math.max(packetSize, 64 * 1024));
    appIn = ByteBuffer.allocate(probe.getSession().getApplicationBufferSize());
  }

  /**
   * The framing of the context's engines, from their one enabled protocol: "AgentWire/2", "Noise"
   * (raw mode), or "TLSv1.3" from an AgentWire context whose configuration relabels its sessions
   * (only AgentWire mode allows the label). Any other engine gets every byte at once.
   */
  private static Header headerOf(SSLContext context, List<String> protocols) {
    if (protocols.equals(List.of("Noise"))) {
      return Header.RAW;
    }
    if (protocols.equals(List.of("AgentWire/2"))
        || context.getProvider() instanceof AgentWireJsseProvider
            && protocols.equals(List.of("TLSv1.3"))) {
      return Header.AGENTWIRE;
    }
    return Header.UNKNOWN;
  }

  // ------------------------------------------------------------------------- life cycle

  synchronized void start() throws IOException {
    if (stopping) {
      throw new IllegalStateException("this server is closed");
    }
    selector = Selector.open();
    try {
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(bind, backlog);
      server.configureBlocking(false);
      acceptKey = server.register(selector, SelectionKey.OP_ACCEPT, ACCEPTOR);
    } catch (IOException | RuntimeException e) {
      closeQuietly(server);
      closeQuietly(selector);
      throw e;
    }
    localAddress = (InetSocketAddress) server.getLocalAddress();
    Thread t = new Thread(this, "agentwire-server-" + localAddress.getPort());
    t.setDaemon(true);
    running = true;
    thread = t;
    t.start();
  }

  InetSocketAddress localAddress() {
    return localAddress;
  }

  boolean isRunning() {
    return running;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  void stop() {
    Thread t;
    synchronized (this) {
      stopping = true;
      t = thread;
      if (selector != null) {
        selector.wakeup();
      }
    }
    if (t != null && Thread.currentThread() != t) {
      boolean interrupted = false;
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs {@code task} on the selector thread (dropped once the server has stopped). */
  void execute(Runnable task) {
    tasks.add(task);
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        try {
          selector.select(this::handleKey, timeoutMillis(System.nanoTime()));
          runTasks();
          expire(System.nanoTime());
          serveWaiters();
        } catch (ClosedSelectorException e) {
          break;
        } catch (IOException | RuntimeException e) {
          // A bug or a broken selector: never let one connection's trouble end the server.
          if (!selector.isOpen()) {
            break;
          }
        }
      }
    } finally {
      shutdown();
    }
  }

  private void shutdown() {
    closeQuietly(server);
    tasks.clear();
    for (ConnList l : List.of(handshaking, established, closing)) {
      for (Conn c = l.first(); c != null; c = l.first()) {
        if (c.state == Conn.State.ESTABLISHED) {
          sayGoodbye(c);
          closeNow(c, null, false);
        } else if (c.state == Conn.State.CLOSING) {
          closeNow(c, null, false);
        } else {
          closeNow(
              c,
              new AgentConnectionException(FailureReason.NOT_PERMITTED, "the server is closing"),
              false);
        }
      }
    }
    closeQuietly(selector);
    running = false;
  }

  /** Best effort, never blocking: the authenticated close, if the socket takes it now. */
  private void sayGoodbye(Conn c) {
    try {
      c.engine.closeOutbound();
    } catch (RuntimeException e) {
      return; // the peer gets a bare end of stream
    }
    if (c.queue == null) {
      writeOwedFrames(c);
    }
  }

  /**
   * Best effort, never blocking: writes what the engine still owes the peer (a CLOSE, a REJECT, an
   * ALERT) if the socket takes it now.
   */
  private void writeOwedFrames(Conn c) {
    try {
      netOut.clear();
      for (int i = 0; i < 4; i++) {
        SSLEngineResult r = c.engine.wrap(EMPTY, netOut);
        if (r.bytesProduced() == 0 || r.getStatus() == Status.CLOSED) {
          break;
        }
      }
      netOut.flip();
      c.channel.write(netOut);
    } catch (IOException | RuntimeException e) {
      // best effort
    } finally {
      netOut.clear();
    }
  }

  private void runTasks() {
    for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // a write or close of a connection that has gone: nothing to do
      }
    }
  }

  // ---------------------------------------------------------------------------- timers

  private long timeoutMillis(long now) {
    long next = Long.MAX_VALUE;
    Conn h = handshaking.first();
    if (h != null) {
      next = Math.min(next, h.acceptedAt + handshakeNanos);
    }
    if (idleNanos > 0 && established.first() != null) {
      next = Math.min(next, established.first().lastProgress + idleNanos);
    }
    if (closing.first() != null) {
      next = Math.min(next, closing.first().closingSince + handshakeNanos);
    }
    if (parkedCount > 0 && slotHolders.first() != null) {
      next = Math.min(next, slotHolders.first().lastProgress + stallNanos);
    }
    if (acceptPausedUntil != 0) {
      next = Math.min(next, acceptPausedUntil);
    }
    if (next == Long.MAX_VALUE) {
      return 0; // nothing to expire: wait for I/O or a wakeup
    }
    return Math.max(1, (next - now + 999_999) / 1_000_000);
  }

  private void expire(long now) {
    for (Conn c = handshaking.first(); c != null; c = handshaking.first()) {
      if (now - c.acceptedAt < handshakeNanos) {
        break;
      }
      closeNow(
          c,
          new AgentHandshakeException(
              FailureReason.HANDSHAKE_TIMEOUT,
              "no complete AgentWire handshake from "
                  + describe(c)
                  + " within "
                  + handshakeNanos / 1_000_000
                  + " ms"),
          true);
    }
    if (parkedCount > 0) {
      // The minimum progress rule: while others wait, a stalled slot holder gives its slot up.
      int toFree = parkedCount - (maxHandshakes - slotsInUse);
      for (Conn c = slotHolders.first(); c != null && toFree > 0; c = slotHolders.first()) {
        if (now - c.lastProgress < stallNanos) {
          break;
        }
        evictedStalled++;
        closeNow(
            c,
            new AgentHandshakeException(
                FailureReason.HANDSHAKE_TIMEOUT,
                describe(c)
                    + " made no handshake progress for "
                    + stallNanos / 1_000_000
                    + " ms while "
                    + parkedCount
                    + " connections waited for a handshake slot"),
            false);
        toFree--;
      }
    }
    if (idleNanos > 0) {
      for (Conn c = established.first(); c != null; c = established.first()) {
        if (now - c.lastProgress < idleNanos) {
          break;
        }
        idleTimeouts++;
        sayGoodbye(c);
        closeNow(
            c,
            new SocketTimeoutException(
                "no traffic with " + describe(c) + " for " + idleNanos / 1_000_000 + " ms"),
            false);
      }
    }
    for (Conn c = closing.first(); c != null; c = closing.first()) {
      if (now - c.closingSince < handshakeNanos) {
        break;
      }
      closeNow(
          c,
          new SocketTimeoutException(
              describe(c)
                  + " did not take the last "
                  + c.queued
                  + " bytes within "
                  + handshakeNanos / 1_000_000
                  + " ms of the close"),
          true);
    }
    if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0) {
      acceptPausedUntil = 0;
      if (acceptKey.isValid()) {
        acceptKey.interestOps(SelectionKey.OP_ACCEPT);
      }
    }
  }

  // ---------------------------------------------------------------------------- events

  private void handleKey(SelectionKey key) {
    Object a = key.attachment();
    if (a == ACCEPTOR) {
      accept();
      return;
    }
    Conn c = (Conn) a;
    try {
      if (!key.isValid()) {
        return;
      }
      int ready = key.readyOps();
      if ((ready & SelectionKey.OP_WRITE) != 0) {
        onWritable(c);
      }
      if (c.state != Conn.State.CLOSED && key.isValid() && (ready & SelectionKey.OP_READ) != 0) {
        onReadable(c);
      }
    } catch (Throwable t) {
      fail(c, t);
    }
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        // Out of file descriptors, most likely: make one free and stop accepting for a moment,
        // or the ready accept would spin this thread.
        Conn oldest = handshaking.first();
        if (oldest != null) {
          evictForCapacity(
              oldest, "the server ran out of file descriptors (" + e.getMessage() + ")");
        }
        acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
        acceptKey.interestOps(0);
        return;
      }
      if (ch == null) {
        return;
      }
      accepted++;
      if (openConnections() >= maxConnections) {
        Conn oldest = handshaking.first();
        if (oldest == null) {
          rejectedForCapacity++;
          closeQuietly(ch);
          continue;
        }
        evictForCapacity(
            oldest,
            "the server holds its maximum of "
                + maxConnections
                + " connections and this was the oldest still in its handshake");
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn c = new Conn(this, ch, (InetSocketAddress) ch.getRemoteAddress(), System.nanoTime());
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        handshaking.add(c);
      } catch (IOException e) {
        ioFailures++;
        closeQuietly(ch);
      }
    }
  }

  private void evictForCapacity(Conn c, String why) {
    evictedForCapacity++;
    closeNow(
        c,
        new AgentConnectionException(FailureReason.NOT_PERMITTED, describe(c) + " closed: " + why),
        false);
  }

  private void onReadable(Conn c) throws IOException {
    ByteBuffer buf = netIn;
    buf.clear();
    if (c.pending != null) {
      buf.put(c.pending);
      c.pending = null;
    }
    buf.limit(readLimit(c, buf));
    int n;
    try {
      n = c.channel.read(buf);
    } finally {
      buf.flip();
    }
    if (n > 0) {
      if (c.state == Conn.State.ESTABLISHED) {
        touch(c);
      }
    }
    if (buf.hasRemaining()) {
      process(c, buf);
    }
    if (n < 0 && c.state != Conn.State.CLOSED) {
      onEndOfStream(c);
    }
  }

  /** Before its engine, a connection is read only up to the end of its first frame. */
  private int readLimit(Conn c, ByteBuffer buf) {
    if (c.engine != null || header == Header.UNKNOWN) {
      return buf.capacity();
    }
    int have = buf.position();
    int want = packetSize;
    if (have >= header.bytes) {
      want = header.bytes + frameLength(buf, 0);
    }
    return Math.min(buf.capacity(), Math.max(have, want));
  }

  private int frameLength(ByteBuffer buf, int at) {
    return ((buf.get(at + header.bytes - 2) & 0xff) << 8) | (buf.get(at + header.bytes - 1) & 0xff);
  }

  private void process(Conn c, ByteBuffer buf) throws IOException {
    if (c.engine == null && !admit(c, buf)) {
      keep(c, buf);
      return;
    }
    drive(c, buf);
    keep(c, buf);
  }

  /** Keeps what no frame has used yet, exactly sized; or nothing. */
  private void keep(Conn c, ByteBuffer buf) {
    if (c.state == Conn.State.CLOSED || !buf.hasRemaining()) {
      c.pending = null;
      return;
    }
    byte[] rest = new byte[buf.remaining()];
    buf.get(rest);
    c.pending = rest;
  }

  /**
   * Whether the connection, which has no engine yet, may have one now: when a whole first frame is
   * there and a slot is free. Otherwise it keeps its bytes and either reads on (a partial frame,
   * whose header an engine has checked) or waits, unread, for a slot.
   */
  private boolean admit(Conn c, ByteBuffer buf) throws SSLException {
    if (header != Header.UNKNOWN) {
      int have = buf.remaining();
      if (have < header.bytes) {
        return false;
      }
      int frame = header.bytes + frameLength(buf, buf.position());
      if (have < frame) {
        if (header.probe && !c.headerChecked) {
          checkHeader(c, buf);
        }
        return false;
      }
    }
    if (slotsInUse >= maxHandshakes) {
      c.parked = true;
      parkedCount++;
      waiters.add(c);
      updateInterest(c);
      return false;
    }
    takeSlot(c);
    return true;
  }

  /**
   * Lets an engine judge a first frame's header before the frame is complete, so TLS, HTTP, garbage
   * and version 1 clients fail on their first five bytes instead of at the timeout. One engine
   * serves every connection: it is fresh (waiting for a hello), and an incomplete frame gives
   * BUFFER_UNDERFLOW, which by the {@code SSLEngine} contract consumes nothing and changes nothing.
   * A header it refuses fails that engine, which then goes to the refused connection (to send what
   * it owes the peer) and is replaced.
   */
  private void checkHeader(Conn c, ByteBuffer buf) throws SSLException {
    c.headerChecked = true;
    SSLEngine probe = headerProbe;
    headerProbe = null;
    if (probe == null) {
      probe = newEngine(c);
    }
    SSLEngineResult r;
    try {
      r = probe.unwrap(buf.duplicate(), appIn);
    } catch (SSLException | RuntimeException e) {
      c.engine = probe;
      throw e;
    } finally {
      appIn.clear();
    }
    if (r.getStatus() == Status.BUFFER_UNDERFLOW && r.bytesConsumed() == 0) {
      headerProbe = probe; // untouched: keep it for the next connection
    }
  }

  private void takeSlot(Conn c) throws SSLException {
    c.holdsSlot = true;
    slotsInUse++;
    c.lastProgress = System.nanoTime();
    slotHolders.add(c);
    c.engine = newEngine(c);
  }

  private void releaseSlot(Conn c) {
    if (c.holdsSlot) {
      c.holdsSlot = false;
      slotsInUse--;
      slotHolders.remove(c);
    }
  }

  private void serveWaiters() {
    while (slotsInUse < maxHandshakes && !waiters.isEmpty()) {
      Conn c = waiters.poll();
      if (!c.parked || c.state == Conn.State.CLOSED) {
        continue;
      }
      c.parked = false;
      parkedCount--;
      try {
        ByteBuffer buf = netIn;
        buf.clear();
        buf.put(c.pending);
        c.pending = null;
        buf.flip();
        takeSlot(c);
        drive(c, buf);
        keep(c, buf);
        updateInterest(c);
      } catch (Throwable t) {
        fail(c, t);
      }
    }
  }

  private SSLEngine newEngine(Conn c) {
    SSLEngine e = context.createSSLEngine(c.remote.getHostString(), c.remote.getPort());
    e.setUseClientMode(false);
    if (configurator != null) {
      configurator.accept(e);
    }
    return e;
  }

  /** Runs the engine over the bytes in {@code buf}: handshake steps, records, callbacks. */
  private void drive(Conn c, ByteBuffer buf) throws IOException {
    SSLEngine e = c.engine;
    while (c.state == Conn.State.HANDSHAKING || c.state == Conn.State.ESTABLISHED && !c.inputDone) {
      HandshakeStatus hs = e.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        runDelegatedTasks(e);
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP) {
        if (wrapAndSend(c, EMPTY) == 0) {
          return;
        }
        continue;
      }
      if (!buf.hasRemaining()) {
        return;
      }
      ByteBuffer app = appIn;
      app.clear();
      SSLEngineResult r = e.unwrap(buf, app);
      switch (r.getStatus()) {
        case BUFFER_UNDERFLOW:
          return;
        case BUFFER_OVERFLOW:
          int size = e.getSession().getApplicationBufferSize();
          if (size <= appIn.capacity()) {
            throw new SSLException(
                "the engine needs more than its application buffer size (" + size + ") to unwrap");
          }
          appIn = ByteBuffer.allocate(size);
          continue;
        case CLOSED:
          if (c.state == Conn.State.HANDSHAKING) {
            throw new AgentHandshakeException(
                FailureReason.PEER_CLOSED, describe(c) + " closed during the handshake");
          }
          c.inputDone = true;
          updateInterest(c);
          if (r.bytesProduced() > 0) {
            deliver(c, app);
          }
          try {
            handler.onInputClosed(c);
          } catch (Throwable t) {
            handlerFailed(c, t);
          }
          return;
        default:
          break;
      }
      if (r.bytesConsumed() > 0 && c.state == Conn.State.HANDSHAKING) {
        c.lastProgress = System.nanoTime();
        slotHolders.moveToEnd(c);
      }
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        established(c);
      }
      if (r.bytesProduced() > 0) {
        deliver(c, app);
      }
      if (r.bytesConsumed() == 0
          && r.bytesProduced() == 0
          && e.getHandshakeStatus() != HandshakeStatus.NEED_WRAP
          && e.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
        return; // the engine can do nothing more with these bytes
      }
    }
  }

  private static void runDelegatedTasks(SSLEngine e) {
    for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
      t.run();
    }
  }

  private void deliver(Conn c, ByteBuffer app) {
    app.flip();
    if (c.state != Conn.State.ESTABLISHED) {
      app.clear();
      return; // closing: what the peer still sends is dropped
    }
    c.bytesIn += app.remaining();
    try {
      handler.onData(c, app.asReadOnlyBuffer());
    } catch (Throwable t) {
      handlerFailed(c, t);
    } finally {
      app.clear();
    }
  }

  private void established(Conn c) {
    if (c.state != Conn.State.HANDSHAKING) {
      return;
    }
    long now = System.nanoTime();
    releaseSlot(c);
    handshaking.remove(c);
    c.session = c.engine.getSession();
    String alpn = c.engine.getApplicationProtocol();
    c.applicationProtocol = alpn == null ? "" : alpn;
    c.handshakeNanos = now - c.acceptedAt;
    c.lastProgress = now;
    c.state = Conn.State.ESTABLISHED;
    established.add(c);
    handshakesCompleted++;
    try {
      handler.onOpen(c);
    } catch (Throwable t) {
      handlerFailed(c, t);
    }
  }

  private void touch(Conn c) {
    c.lastProgress = System.nanoTime();
    if (idleNanos > 0 && c.list == established) {
      established.moveToEnd(c);
    }
  }

  private void onEndOfStream(Conn c) {
    switch (c.state) {
      case HANDSHAKING:
        closeNow(
            c,
            new AgentHandshakeException(
                FailureReason.PEER_CLOSED,
                describe(c) + " closed the connection during the handshake"),
            true);
        return;
      case ESTABLISHED:
        if (c.inputDone) {
          return;
        }
        try {
          c.engine.closeInbound(); // AgentWire: truncation unless the CLOSE record came first
        } catch (SSLException e) {
          closeNow(c, e, true);
          return;
        }
        c.inputDone = true;
        updateInterest(c);
        try {
          handler.onInputClosed(c);
        } catch (Throwable t) {
          handlerFailed(c, t);
        }
        return;
      default:
        closeNow(c, null, false);
    }
  }

  // ---------------------------------------------------------------------------- writing

  /** {@link AgentConnection#write} on the selector thread. */
  boolean write(Conn c, ByteBuffer data) {
    if (c.state != Conn.State.ESTABLISHED) {
      data.position(data.limit());
      return false;
    }
    c.bytesOut += data.remaining();
    try {
      wrapAndSend(c, data);
    } catch (Throwable t) {
      fail(c, t);
      return false;
    }
    touch(c);
    return true;
  }

  /** {@link AgentConnection#close} on the selector thread. */
  void close(Conn c) {
    if (c.state != Conn.State.ESTABLISHED) {
      return;
    }
    c.state = Conn.State.CLOSING;
    established.remove(c);
    c.closingSince = System.nanoTime();
    closing.add(c);
    try {
      c.engine.closeOutbound();
      wrapAndSend(c, EMPTY);
    } catch (Throwable t) {
      closeNow(c, t, true);
      return;
    }
    if (c.queue == null) {
      closeNow(c, null, false);
    } else {
      updateInterest(c);
    }
  }

  /**
   * Wraps all of {@code src} (and whatever the engine must send first) into the shared output
   * buffer and writes it; what the socket does not take is queued. Returns the bytes produced.
   */
  private int wrapAndSend(Conn c, ByteBuffer src) throws IOException {
    SSLEngine e = c.engine;
    ByteBuffer out = netOut;
    out.clear();
    boolean finished = false;
    int produced = 0;
    try {
      while (true) {
        SSLEngineResult r = e.wrap(src, out);
        produced += r.bytesProduced();
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
          finished = true;
        }
        if (r.getStatus() == Status.BUFFER_OVERFLOW) {
          if (out.position() == 0) {
            throw new SSLException("the engine cannot wrap into " + out.capacity() + " bytes");
          }
          send(c);
          continue;
        }
        if (r.getStatus() == Status.CLOSED) {
          break;
        }
        HandshakeStatus hs = e.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_TASK) {
          runDelegatedTasks(e);
          continue;
        }
        if (!src.hasRemaining() && hs != HandshakeStatus.NEED_WRAP) {
          break;
        }
        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
          break;
        }
        if (out.remaining() < packetSize) {
          send(c);
        }
      }
    } catch (SSLException ex) {
      try {
        send(c); // the records before the failure are good
      } catch (IOException ignored) {
        // the failure is what to report
      }
      throw ex;
    }
    send(c);
    if (finished) {
      established(c);
    }
    return produced;
  }

  /** Writes the shared output buffer, queueing what the socket does not take. */
  private void send(Conn c) throws IOException {
    ByteBuffer out = netOut;
    out.flip();
    try {
      if (!out.hasRemaining() || c.state == Conn.State.CLOSED) {
        return;
      }
      if (c.queue == null) {
        c.channel.write(out);
      }
      if (out.hasRemaining()) {
        ByteBuffer rest = ByteBuffer.allocate(out.remaining());
        rest.put(out).flip();
        boolean wasEmpty = c.queue == null;
        if (wasEmpty) {
          c.queue = new ArrayDeque<>(4);
        }
        c.queue.add(rest);
        c.queued += rest.remaining();
        queuedTotal += rest.remaining();
        if (c.queued > maxQueued) {
          maxQueued = c.queued;
        }
        if (c.queued > maxQueuedBytes && !c.backpressured) {
          c.backpressured = true;
          c.wasUnwritable = true;
          updateInterest(c);
        } else if (wasEmpty) {
          updateInterest(c);
        }
      }
    } finally {
      out.clear();
    }
  }

  private void onWritable(Conn c) throws IOException {
    ArrayDeque<ByteBuffer> q = c.queue;
    if (q == null) {
      updateInterest(c);
      return;
    }
    while (!q.isEmpty()) {
      ByteBuffer b = q.peekFirst();
      int n = c.channel.write(b);
      c.queued -= n;
      queuedTotal -= n;
      if (b.hasRemaining()) {
        break;
      }
      q.pollFirst();
    }
    if (q.isEmpty()) {
      c.queue = null;
      if (c.state == Conn.State.CLOSING) {
        closeNow(c, null, false);
        return;
      }
    }
    if (c.backpressured && c.queued <= maxQueuedBytes / 2) {
      c.backpressured = false;
    }
    updateInterest(c);
    if (c.wasUnwritable && c.queued <= maxQueuedBytes / 2 && c.state == Conn.State.ESTABLISHED) {
      c.wasUnwritable = false;
      try {
        handler.onWritable(c);
      } catch (Throwable t) {
        handlerFailed(c, t);
      }
    }
  }

  private void updateInterest(Conn c) {
    if (c.state == Conn.State.CLOSED || !c.key.isValid()) {
      return;
    }
    int ops = 0;
    boolean reading =
        !c.parked
            && !c.backpressured
            && !c.inputDone
            && (c.state == Conn.State.HANDSHAKING || c.state == Conn.State.ESTABLISHED);
    if (reading) {
      ops |= SelectionKey.OP_READ;
    }
    if (c.queue != null) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (c.key.interestOps() != ops) {
      c.key.interestOps(ops);
    }
  }

  // ---------------------------------------------------------------------------- closing

  private void handlerFailed(Conn c, Throwable t) {
    handlerFailures++;
    closeNow(c, t, true);
  }

  /** Closes after a failure, first sending what the engine owes the peer (a REJECT, an ALERT). */
  private void fail(Conn c, Throwable t) {
    if (c.state == Conn.State.CLOSED) {
      return;
    }
    if (c.engine != null && t instanceof SSLException && c.queue == null) {
      writeOwedFrames(c);
    }
    closeNow(c, t, true);
  }

  /**
   * Closes the socket at once and forgets the connection. {@code count}: whether this is a failure
   * for the counters (a handshake failure by its reason, or a connection failure).
   */
  private void closeNow(Conn c, Throwable cause, boolean count) {
    Conn.State was = c.state;
    if (was == Conn.State.CLOSED) {
      return;
    }
    c.state = Conn.State.CLOSED;
    if (c.list != null) {
      c.list.remove(c);
    }
    releaseSlot(c);
    if (c.parked) {
      c.parked = false;
      parkedCount--;
    }
    queuedTotal -= c.queued;
    c.queued = 0;
    c.queue = null;
    c.pending = null;
    if (c.key != null) {
      c.key.cancel();
    }
    closeQuietly(c.channel);
    SSLEngine e = c.engine;
    c.engine = null;
    if (e != null) {
      // Both directions done: the engine wipes its keys.
      e.closeOutbound();
      try {
        e.closeInbound();
      } catch (SSLException | RuntimeException ignored) {
        // truncation, which is why we are here
      }
    }
    if (was == Conn.State.HANDSHAKING) {
      if (count) {
        FailureReason reason = FailureReason.of(cause).orElse(null);
        if (reason == null) {
          ioFailures++;
        } else {
          failures.incrementAndGet(reason.ordinal());
        }
      }
      try {
        handler.onHandshakeFailed(c.remote, cause);
      } catch (Throwable ignored) {
        handlerFailures++;
      }
    } else {
      if (count && cause != null) {
        connectionFailures++;
      }
      try {
        handler.onClose(c, cause);
      } catch (Throwable ignored) {
        handlerFailures++;
      }
    }
  }

  private static String describe(Conn c) {
    return c.remote.getHostString() + ":" + c.remote.getPort();
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  // ---------------------------------------------------------------------------- counters

  int openConnections() {
    return handshaking.size() + established.size() + closing.size();
  }

  int handshakesInProgress() {
    return handshaking.size();
  }

  long handshakeFailures(FailureReason reason) {
    return failures.get(reason.ordinal());
  }

  long rejectedForCapacity() {
    return rejectedForCapacity;
  }

  AgentServer.Stats stats() {
    Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
    for (FailureReason r : FailureReason.values()) {
      byReason.put(r, failures.get(r.ordinal()));
    }
    return new AgentServer.Stats(
        accepted,
        openConnections(),
        handshaking.size(),
        slotsInUse,
        parkedCount,
        established.size(),
        handshakesCompleted,
        byReason,
        ioFailures,
        connectionFailures,
        rejectedForCapacity,
        evictedForCapacity,
        evictedStalled,
        idleTimeouts,
        handlerFailures,
        queuedTotal,
        maxQueued);
  }
}
