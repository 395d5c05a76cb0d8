package io.agentwire.socketfactory.internal;

import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.internal.protocol.ConnectionCore;
import io.agentwire.socketfactory.internal.protocol.ConnectionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An AgentWire connection as a blocking {@link SSLSocket}: a thin adapter that moves bytes between
 * a plain TCP socket and the I/O-free {@link ConnectionCore}. The handshake runs on {@link
 * #startHandshake()} or the first read or write, within the configured handshake timeout.
 *
 * <p>Thread-safe in the way sockets are: one thread may read while another writes, and {@link
 * #close()} from any thread unblocks both. Three locks: the handshake lock (taken first), the read
 * lock, then the write lock; a reader that must answer the peer (a DH step) only ever tries the
 * write lock, so a writer blocked on a full TCP window never stalls the reader.
 *
 * <p>Over 700 lines because the three locks, the handshake timeout, the authenticated close and the
 * layered-socket cases meet in every read, write and close path; kept together so the lock order
 * can be checked in one file. The SSLEngine adapter planned beside it will share the core, not this
 * class.
 *
 * <p>What AgentWire leaves alone (addresses, socket options, the JSSE settings) is forwarded by
 * {@link ForwardingSslSocket}; this class holds the connection's own behaviour.
 */
public final class AgentSocketImpl extends ForwardingSslSocket {

  public static final String DEFAULT_IDENTIFICATION = "HTTPS";
  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AgentSocketConfig config;
  private final Socket delegate;
  private final boolean layered;
  private final boolean autoClose;
  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();
  private final AppInput appIn = new AppInput();
  private final AppOutput appOut = new AppOutput();

  private String peerHost;
  private int peerPort;
  private byte[] consumedInput;
  private volatile boolean clientMode;
  private volatile ConnectionCore wire;
  private volatile AgentSessionImpl session;
  private volatile boolean handshakeDone;
  private volatile IOException failure;
  private volatile boolean closed;
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;
  private volatile boolean wipePending;
  private volatile int soTimeout;
  private volatile java.util.function.BiFunction<SSLSocket, List<String>, String> selector;
  private InputStream rawIn;
  private OutputStream rawOut;

  private final SocketParameters parameters;

  /**
   * @param delegate the TCP socket to run over, connected or not
   * @param peerHost the name the peer was reached by (clients), or {@code null}
   * @param layered whether {@code delegate} belongs to the caller (createSocket(Socket, ...))
   */
  public AgentSocketImpl(
      AgentSocketConfig config,
      Socket delegate,
      String peerHost,
      int peerPort,
      boolean layered,
      boolean autoClose,
      boolean clientMode) {
    this.config = config;
    this.delegate = delegate;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.layered = layered;
    this.autoClose = autoClose;
    this.clientMode = clientMode;
    // Clients check that the server's key is the one pinned for the host they asked for. Any
    // non-null algorithm means that; "HTTPS" is the default so HttpsURLConnection, seeing its own
    // check done, needs no Noise-aware HostnameVerifier.
    this.parameters = new SocketParameters(config, clientMode ? DEFAULT_IDENTIFICATION : null);
    try {
      // A layered socket keeps the read timeout its owner set on the plain socket.
      this.soTimeout = delegate.getSoTimeout();
    } catch (SocketException e) {
      // closed already; the first I/O reports it
    }
    if (delegate.isConnected()) {
      connected();
    }
  }

  /** Takes the settings of the server socket that accepted it. */
  void inherit(SocketParameters serverParameters) {
    parameters.set(serverParameters.get());
    parameters.setEndpointIdentification(clientMode ? DEFAULT_IDENTIFICATION : null);
  }

  /** A server socket layered over a connection whose first bytes were already read. */
  public void setConsumedInput(byte[] consumed) {
    this.consumedInput = consumed == null || consumed.length == 0 ? null : consumed.clone();
  }

  private void connected() {
    if (peerHost == null) {
      peerHost = delegate.getInetAddress().getHostAddress();
    }
    if (peerPort == 0) {
      peerPort = delegate.getPort();
    }
    try {
      delegate.setTcpNoDelay(true);
    } catch (SocketException e) {
      // Not all socket implementations support it; correctness does not depend on it.
    }
  }

  // ------------------------------------------------------------------------- handshake

  @Override
  public void startHandshake() throws IOException {
    checkUsable();
    if (handshakeDone) {
      return;
    }
    handshakeLock.lock();
    try {
      if (handshakeDone) {
        return;
      }
      checkUsable();
      if (!delegate.isConnected()) {
        throw new SocketException("the socket is not connected");
      }
      readLock.lock();
      writeLock.lock();
      try {
        runHandshake();
      } catch (IOException | RuntimeException e) {
        throw fail(e);
      } finally {
        writeLock.unlock();
        readLock.unlock();
      }
    } finally {
      handshakeLock.unlock();
      leave();
    }
    HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, session);
    for (HandshakeCompletedListener l : listeners) {
      try {
        l.handshakeCompleted(event);
      } catch (RuntimeException e) {
        // A listener's bug must not break the connection.
      }
    }
  }

  private void runHandshake() throws IOException {
    rawIn = delegate.getInputStream();
    rawOut = delegate.getOutputStream();
    long timeoutNanos = config.handshakeTimeout().toNanos();
    long deadline = System.nanoTime() + timeoutNanos;
    boolean client = clientMode;
    ConnectionCore w =
        new ConnectionCore(
            new ConnectionSettings(
                config,
                client,
                client ? peerHost : null,
                parameters.endpointIdentification() != null,
                parameters.suites(),
                // JSSE settings may tighten the configuration's client authentication, never
                // loosen it.
                client
                    ? !config.anonymousPeers()
                    : !config.anonymousPeers() || parameters.needClientAuth(),
                parameters.applicationProtocols(),
                alpnSelector()));
    wire = w;
    if (consumedInput != null) {
      w.feed(consumedInput, 0, consumedInput.length);
      consumedInput = null;
    }
    try {
      w.beginHandshake();
      writeOutbound();
      while (!w.isHandshakeComplete()) {
        ConnectionCore.Event e;
        try {
          e = w.unwrap();
        } finally {
          writeOutbound(); // a refusal is sent before the exception ends the connection
        }
        if (e == ConnectionCore.Event.NEED_INPUT) {
          readHandshakeInput(deadline);
        }
      }
    } finally {
      try {
        delegate.setSoTimeout(soTimeout);
      } catch (SocketException ignored) {
        // closed under us; the caller sees the failure
      }
    }
    session = AgentSessionImpl.established(w, config, peerHost, peerPort);
    handshakeDone = true;
  }

  private void readHandshakeInput(long deadline) throws IOException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) {
      throw handshakeTimeout(null);
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, remaining);
    if (soTimeout > 0) {
      timeout = Math.min(timeout, soTimeout);
    }
    delegate.setSoTimeout(timeout);
    int n;
    try {
      int space = wire.inboundSpace(); // first: it may move or grow the buffer
      n = rawIn.read(wire.inboundArray(), wire.inboundOffset(), space);
    } catch (SocketTimeoutException e) {
      throw handshakeTimeout(e);
    }
    if (n < 0) {
      throw new AgentHandshakeException(
          FailureReason.PEER_CLOSED,
          describePeer()
              + " closed the connection during the handshake"
              + (clientMode ? " (it may have refused our protocol or our key)" : ""));
    }
    wire.inboundFilled(n);
  }

  private SSLHandshakeException handshakeTimeout(SocketTimeoutException cause) {
    SSLHandshakeException e =
        new AgentHandshakeException(
            FailureReason.HANDSHAKE_TIMEOUT,
            "no complete AgentWire handshake from "
                + describePeer()
                + " within "
                + (soTimeout > 0
                    ? Math.min(soTimeout, config.handshakeTimeout().toMillis())
                    : config.handshakeTimeout().toMillis())
                + " ms");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private String describePeer() {
    return (peerHost == null ? "the peer" : peerHost) + (peerPort > 0 ? ":" + peerPort : "");
  }

  private void ensureHandshake() throws IOException {
    if (!handshakeDone) {
      startHandshake();
    }
  }

  // ------------------------------------------------------------------------------- I/O

  private void writeOutbound() throws IOException {
    ConnectionCore w = wire;
    int n = w.outboundLength();
    if (n > 0) {
      // Every frame goes out in one write call; with TCP_NODELAY it leaves at once.
      rawOut.write(w.outboundArray(), 0, n);
      w.outboundDrained();
    }
  }

  private int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    ensureHandshake();
    if (len == 0) {
      return 0;
    }
    readLock.lock();
    try {
      ConnectionCore w = wire;
      while (true) {
        checkUsable();
        if (w.plainAvailable() > 0) {
          session.touch();
          return w.readPlain(b, off, len);
        }
        if (w.closeReceived() || inputShutdown) {
          return -1;
        }
        ConnectionCore.Event e = w.unwrap();
        if (e == ConnectionCore.Event.NEED_INPUT && !readNetwork(w)) {
          return -1;
        }
        if (w.hasControls()) {
          answerPeer();
        }
      }
    } catch (SocketTimeoutException e) {
      throw e; // the application's soTimeout: the connection is still good
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    } finally {
      readLock.unlock();
      answerPeer();
      leave();
    }
  }

  /** Reads once from the network; false at a clean end of stream (raw mode only). */
  private boolean readNetwork(ConnectionCore w) throws IOException {
    int space = w.inboundSpace(); // first: it may move or grow the buffer
    int n = rawIn.read(w.inboundArray(), w.inboundOffset(), space);
    if (n >= 0) {
      w.inboundFilled(n);
      return true;
    }
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (w.framing().endOfStreamIsEndOfFile() && w.bufferedInput() == 0) {
      return false; // raw Noise has no close record: end of stream is all there is
    }
    throw new AgentConnectionException(
        FailureReason.TRUNCATED,
        "connection truncated: "
            + describePeer()
            + " ended the stream "
            + (w.bufferedInput() > 0
                ? "inside a frame"
                : "without an AgentWire close record; the data may be incomplete"));
  }

  /**
   * Called after releasing the read or write lock: finishes a wipe a concurrent close asked for.
   */
  private void leave() {
    if (wipePending && closed) {
      wipeIfIdle();
    }
  }

  /** Sends what the reader queued for the peer, if the write lock is free now. */
  private void answerPeer() {
    ConnectionCore w = wire;
    while (w != null && w.hasControls() && !closed && !outputShutdown && writeLock.tryLock()) {
      try {
        w.wrapControls();
        writeOutbound();
      } catch (IOException e) {
        failQuietly(e);
        return;
      } finally {
        writeLock.unlock();
      }
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    ensureHandshake();
    checkUsable();
    if (!wire.canSend()) {
      // Not fatal: the connection still carries the peer's data to us.
      throw new AgentConnectionException(
          FailureReason.NOT_PERMITTED,
          session.getCipherSuite() + " is one-way: this side only receives, it cannot write");
    }
    writeLock.lock();
    try {
      checkUsable();
      if (outputShutdown) {
        throw new SocketException("output is shut down");
      }
      ConnectionCore w = wire;
      while (len > 0) {
        int n = w.wrap(b, off, len);
        writeOutbound();
        off += n;
        len -= n;
      }
      session.touch();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    } finally {
      writeLock.unlock();
      pollPeerControl();
      answerPeer();
      leave();
    }
  }

  /**
   * While a DH step this side started or answered waits for the peer's next control record, and no
   * reader is busy: processes the input that has already arrived, without blocking. An application
   * that only writes then still completes the steps its own policy starts, so its sending key heals
   * too. Stops at the first data record, which waits for the application's next read. A failure
   * here is kept for the next read or write to report.
   */
  private void pollPeerControl() {
    ConnectionCore w = wire;
    if (w == null
        || !w.awaitsPeerControl()
        || closed
        || inputShutdown
        || failure != null
        || rawIn == null
        || !readLock.tryLock()) {
      return;
    }
    try {
      while (w.awaitsPeerControl() && w.plainAvailable() == 0 && !w.closeReceived()) {
        if (w.unwrap() != ConnectionCore.Event.NEED_INPUT) {
          continue;
        }
        int available = rawIn.available();
        if (available <= 0) {
          break;
        }
        int space = w.inboundSpace(); // first: it may move or grow the buffer
        int n = rawIn.read(w.inboundArray(), w.inboundOffset(), Math.min(space, available));
        if (n <= 0) {
          break; // an end of stream is the reader's to report
        }
        w.inboundFilled(n);
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        fail(e); // the connection is over; the next read or write reports why
      }
    } finally {
      readLock.unlock();
    }
  }

  /** DH steps completed in both directions on this side, for tests. */
  public long dhStepsCompleted() {
    ConnectionCore w = wire;
    return w == null ? 0 : w.dhStepsCompleted();
  }

  /** Starts a Diffie-Hellman step now; the peer's answer completes it during later reads. */
  void requestDhStep() throws IOException {
    ensureHandshake();
    writeLock.lock();
    try {
      checkUsable();
      wire.wrapDhStep();
      writeOutbound();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    } finally {
      writeLock.unlock();
    }
  }

  private void checkUsable() throws IOException {
    IOException f = failure;
    if (f != null) {
      SSLException again = new SSLException("the connection failed earlier: " + f.getMessage());
      again.initCause(f);
      throw again;
    }
    if (closed) {
      throw new SocketException("Socket closed");
    }
  }

  /** Records a fatal error, ends the connection, and returns what to throw. */
  private IOException fail(Throwable e) {
    IOException io;
    if (e instanceof IOException) {
      io = (IOException) e;
    } else {
      io = new SSLException("internal error: " + e, e);
    }
    IOException earlier = failure;
    if (earlier != null && earlier != io) {
      // Another thread failed first; report that cause, not the close it led to.
      SSLException again = new SSLException("the connection failed: " + earlier.getMessage());
      again.initCause(earlier);
      return again;
    }
    if (closed && !(io instanceof SSLException)) {
      wipeIfIdle();
      return new SocketException("Socket closed");
    }
    if (failure == null) {
      failure = io;
    }
    closeQuietly();
    return io;
  }

  private void failQuietly(IOException e) {
    if (failure == null && !closed) {
      failure = e;
    }
    closeQuietly();
  }

  private void closeQuietly() {
    closed = true;
    try {
      closeDelegate();
    } catch (IOException ignored) {
      // already failing
    }
    wipeIfIdle();
  }

  // --------------------------------------------------------------------------- closing

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    boolean established = handshakeDone && failure == null;
    closed = true; // first: a reader blocked now reports the close, not the peer's answer to it
    if (established && !outputShutdown && writeLock.tryLock()) {
      try {
        wire.wrapClose();
        writeOutbound();
      } catch (IOException | RuntimeException e) {
        // The peer is gone, or a failing reader wiped the keys; closing is all that is left.
      } finally {
        writeLock.unlock();
      }
    }
    try {
      if (established) {
        linger();
      }
      closeDelegate();
    } finally {
      wipeIfIdle();
    }
  }

  /**
   * Closing a TCP socket with unread input makes the kernel reset the connection, and a reset
   * destroys data the peer has not read yet. A DH step we started (or answered) makes the peer send
   * one more record, so wait a bounded time for it, then discard whatever has arrived.
   */
  private void linger() {
    if ((layered && !autoClose) || rawIn == null || !readLock.tryLock()) {
      return;
    }
    try {
      ConnectionCore w = wire;
      byte[] sink = new byte[4096];
      long deadline = System.nanoTime() + LINGER_NANOS;
      while (w.awaitsPeerControl() && !w.closeReceived()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (w.plainAvailable() > 0) {
          w.readPlain(sink, 0, sink.length); // data the application chose not to read
          continue;
        }
        if (w.unwrap() == ConnectionCore.Event.NEED_INPUT) {
          delegate.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          int space = w.inboundSpace();
          int n = rawIn.read(w.inboundArray(), w.inboundOffset(), space);
          if (n < 0) {
            break;
          }
          w.inboundFilled(n);
        }
      }
      int available;
      while ((available = rawIn.available()) > 0) {
        if (rawIn.read(sink, 0, Math.min(available, sink.length)) < 0) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Closing anyway; lingering is a courtesy to the peer.
    } finally {
      readLock.unlock();
    }
  }

  private void closeDelegate() throws IOException {
    if (!layered || autoClose) {
      delegate.close();
    }
  }

  /**
   * Wipes the keys once no thread is inside the protocol core. When a reader or writer still is, it
   * wipes them itself on the way out ({@link #leave()}).
   */
  private void wipeIfIdle() {
    wipePending = true;
    ConnectionCore w = wire;
    if (w == null) {
      return;
    }
    if (readLock.tryLock()) {
      try {
        if (writeLock.tryLock()) {
          try {
            w.destroy();
            wipePending = false;
          } finally {
            writeLock.unlock();
          }
        }
      } finally {
        readLock.unlock();
      }
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    ensureHandshake();
    writeLock.lock();
    try {
      checkUsable();
      if (!outputShutdown) {
        wire.wrapClose();
        writeOutbound();
        outputShutdown = true;
        delegate.shutdownOutput();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void shutdownInput() throws IOException {
    inputShutdown = true;
    delegate.shutdownInput();
  }

  @Override
  public boolean isInputShutdown() {
    return inputShutdown || delegate.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShutdown || delegate.isOutputShutdown();
  }

  @Override
  public boolean isClosed() {
    return closed || delegate.isClosed();
  }

  // --------------------------------------------------------------------------- streams

  @Override
  public InputStream getInputStream() throws IOException {
    checkUsable();
    if (!delegate.isConnected()) {
      throw new SocketException("the socket is not connected");
    }
    return appIn;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    checkUsable();
    if (!delegate.isConnected()) {
      throw new SocketException("the socket is not connected");
    }
    return appOut;
  }

  private final class AppInput extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      synchronized (one) {
        int n = AgentSocketImpl.this.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return AgentSocketImpl.this.read(b, off, len);
    }

    @Override
    public int available() {
      ConnectionCore w = wire;
      return w == null || !handshakeDone || closed ? 0 : w.plainAvailable();
    }

    @Override
    public void close() throws IOException {
      AgentSocketImpl.this.close();
    }
  }

  private final class AppOutput extends OutputStream {
    private final byte[] one = new byte[1];

    @Override
    public void write(int b) throws IOException {
      synchronized (one) { // no allocation per byte for code that writes byte by byte
        one[0] = (byte) b;
        AgentSocketImpl.this.write(one, 0, 1);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      AgentSocketImpl.this.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      AgentSocketImpl.this.close();
    }
  }

  // ------------------------------------------------------------------- SSLSocket surface

  @Override
  public SSLSession getSession() {
    try {
      ensureHandshake();
    } catch (IOException e) {
      return AgentSessionImpl.none(config, peerHost, peerPort);
    }
    return session;
  }

  @Override
  public SSLSession getHandshakeSession() {
    return null;
  }

  @Override
  public String getApplicationProtocol() {
    ConnectionCore w = wire;
    return handshakeDone && w != null ? w.applicationProtocol() : null;
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    ConnectionCore w = wire;
    return !handshakeDone && w != null ? w.applicationProtocol() : null;
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(
      java.util.function.BiFunction<SSLSocket, List<String>, String> selector) {
    this.selector = selector;
  }

  @Override
  public java.util.function.BiFunction<SSLSocket, List<String>, String>
      getHandshakeApplicationProtocolSelector() {
    return selector;
  }

  private java.util.function.Function<List<String>, String> alpnSelector() {
    java.util.function.BiFunction<SSLSocket, List<String>, String> s = selector;
    return s == null ? null : offered -> s.apply(this, offered);
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    if (!listeners.remove(listener)) {
      throw new IllegalArgumentException("listener not registered");
    }
  }

  @Override
  public void setUseClientMode(boolean mode) {
    if (wire != null) {
      throw new IllegalArgumentException("the handshake has started");
    }
    if (mode != clientMode) {
      clientMode = mode;
      parameters.setEndpointIdentification(mode ? DEFAULT_IDENTIFICATION : null);
    }
  }

  @Override
  public boolean getUseClientMode() {
    return clientMode;
  }

  // ------------------------------------------------------------------ plain Socket surface
  // The rest, which AgentWire does not change, ForwardingSslSocket passes to the TCP socket.

  @Override
  Socket delegate() {
    return delegate;
  }

  @Override
  SocketParameters parameters() {
    return parameters;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (layered) {
      throw new SocketException("a layered socket is already connected");
    }
    delegate.connect(endpoint, timeout);
    if (endpoint instanceof InetSocketAddress && peerHost == null) {
      InetSocketAddress a = (InetSocketAddress) endpoint;
      peerHost = a.getHostString();
      peerPort = a.getPort();
    }
    connected();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    throw new SocketException("urgent data would bypass AgentWire encryption");
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    if (on) {
      throw new SocketException("out-of-band data would bypass AgentWire encryption");
    }
  }

  @Override
  public boolean getOOBInline() {
    return false;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    soTimeout = timeout;
    if (handshakeDone || wire == null) {
      delegate.setSoTimeout(timeout);
    }
  }

  @Override
  public int getSoTimeout() {
    return soTimeout;
  }

  @Override
  public String toString() {
    AgentSessionImpl s = session;
    return "AgentSocket["
        + (clientMode ? "client" : "server")
        + " "
        + delegate
        + (s == null ? ", no handshake yet" : ", " + s.getCipherSuite())
        + "]";
  }
}
