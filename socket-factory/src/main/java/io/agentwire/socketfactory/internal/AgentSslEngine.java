package io.agentwire.socketfactory.internal;

import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.internal.protocol.ConnectionCore;
import io.agentwire.socketfactory.internal.protocol.ConnectionSettings;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} that speaks the AgentWire wire protocol ({@code docs/PROTOCOL.md}) by
 * driving the same I/O-free {@link ConnectionCore} as the blocking socket: network bytes in,
 * network bytes out, with the engine contract of the {@code SSLEngine} Javadoc (one frame per
 * {@code unwrap}, overflow and underflow without consuming anything, an implicit handshake, {@code
 * FINISHED} once, the authenticated close).
 *
 * <p>Memory: an idle engine holds its keys and a few small arrays. Frames are sealed straight into
 * the caller's destination buffer and opened from the caller's source; plaintext passes through a
 * per-thread scratch array that is wiped as it is delivered.
 *
 * <p>Thread-safety: {@code wrap} and {@code unwrap} may run in different threads at once, as JSSE
 * allows; each direction has its own lock and the handshake takes both.
 */
public final class AgentSslEngine extends SSLEngine {

  private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

  private static final byte[] NO_BYTES = new byte[0];

  /** Plaintext scratch: one record's plaintext, wiped as it is delivered. */
  private static final ThreadLocal<byte[]> PLAIN = ThreadLocal.withInitial(() -> NO_BYTES);

  /** Network scratch for direct or read-only buffers (a frame in, or a wrap's output). */
  private static final ThreadLocal<byte[]> WIRE = ThreadLocal.withInitial(() -> NO_BYTES);

  private final AgentSocketConfig config;
  private final SocketParameters parameters;
  private final ReentrantLock inLock = new ReentrantLock();
  private final ReentrantLock outLock = new ReentrantLock();
  private final byte[] header = new byte[8];

  private volatile Boolean clientMode; // null until setUseClientMode
  private volatile boolean sessionCreation = true;
  private volatile BiFunction<SSLEngine, List<String>, String> selector;

  private volatile ConnectionCore core;
  private volatile AgentSessionImpl session;
  private volatile boolean handshakeDone; // the core has its transport keys
  // FINISHED is owed once the core is done: by the unwrap that completes the handshake with nothing
  // left to send, else by the wrap that hands out the last handshake frame. Atomic because after
  // the core is done a wrap and an unwrap may run at once, and only one of them may report it.
  private final AtomicBoolean finishedOwed = new AtomicBoolean();
  private volatile boolean finished; // FINISHED was reported: the handshake is over for callers
  private int outPos; // bytes of the core's outbound buffer already handed out

  private volatile boolean wiped;
  private volatile boolean inboundDone;
  private volatile boolean outboundClosing;
  private volatile boolean closeQueued;
  private volatile boolean outboundDone;
  private volatile SSLException failure;

  public AgentSslEngine(AgentSocketConfig config, String peerHost, int peerPort) {
    super(peerHost, peerPort);
    this.config = config;
    this.parameters = new SocketParameters(config, null);
  }

  // ---------------------------------------------------------------------------- handshake

  @Override
  public void beginHandshake() throws SSLException {
    checkMode();
    inLock.lock();
    outLock.lock();
    try {
      if (failure != null) {
        throw new AgentConnectionException(
            FailureReason.NOT_PERMITTED, "this engine failed: " + failure.getMessage(), failure);
      }
      if (outboundDone || inboundDone) {
        throw new AgentConnectionException(FailureReason.NOT_PERMITTED, "this engine is closed");
      }
      if (handshakeDone) {
        // AgentWire has no renegotiation; TLS 1.3 engines refuse it the same way.
        throw new AgentHandshakeException(
            FailureReason.NOT_PERMITTED, "AgentWire has no renegotiation: open a new connection");
      }
      startIfNeeded();
    } finally {
      outLock.unlock();
      inLock.unlock();
    }
  }

  /** Both locks. */
  private void startIfNeeded() throws SSLException {
    if (core != null) {
      return;
    }
    if (!sessionCreation) {
      fail(
          new AgentHandshakeException(
              FailureReason.NOT_PERMITTED,
              "session creation is disabled, and AgentWire has no sessions to resume"));
      throw failure;
    }
    boolean client = clientMode;
    boolean identify = client && parameters.endpointIdentification() != null;
    String host = getPeerHost();
    if (identify && host == null) {
      fail(
          new AgentHandshakeException(
              FailureReason.NOT_RUNNABLE,
              "endpoint identification is on but the engine has no peer host: create it with"
                  + " SSLContext.createSSLEngine(host, port), or set the endpoint identification"
                  + " algorithm to null"));
      throw failure;
    }
    BiFunction<SSLEngine, List<String>, String> s = selector;
    ConnectionCore c =
        new ConnectionCore(
            new ConnectionSettings(
                config,
                client,
                client ? host : null,
                identify,
                parameters.suites(),
                client
                    ? !config.anonymousPeers()
                    : !config.anonymousPeers() || parameters.needClientAuth(),
                parameters.applicationProtocols(),
                s == null ? null : offered -> s.apply(this, offered)));
    core = c;
    try {
      c.beginHandshake();
    } catch (SSLException | RuntimeException e) {
      throw fail(e);
    }
    enterTransportIfDone();
  }

  /** Both locks. */
  private void enterTransportIfDone() {
    ConnectionCore c = core;
    if (!handshakeDone && c.isHandshakeComplete()) {
      session = AgentSessionImpl.established(c, config, getPeerHost(), getPeerPort());
      handshakeDone = true;
      finishedOwed.set(true);
    }
  }

  @Override
  public Runnable getDelegatedTask() {
    return null; // every step is computed inline: a handshake costs a few DH operations
  }

  @Override
  public HandshakeStatus getHandshakeStatus() {
    ConnectionCore c = core;
    if (c == null || failure != null && pending(c) == 0) {
      return HandshakeStatus.NOT_HANDSHAKING;
    }
    if (pending(c) > 0) {
      return HandshakeStatus.NEED_WRAP;
    }
    if (!handshakeDone) {
      return outboundDone ? HandshakeStatus.NOT_HANDSHAKING : HandshakeStatus.NEED_UNWRAP;
    }
    if (!outboundDone && (c.hasControls() || outboundClosing && !closeQueued)) {
      return HandshakeStatus.NEED_WRAP;
    }
    return HandshakeStatus.NOT_HANDSHAKING;
  }

  /**
   * FINISHED, once, for the call that ends the handshake: the core is done, no handshake frame is
   * left to hand out, and the engine has not failed. Called by the wrap that drained frames and by
   * the unwrap that processed a handshake frame.
   */
  private boolean takeFinished(ConnectionCore c) {
    if (handshakeDone
        && failure == null
        && pending(c) == 0
        && finishedOwed.compareAndSet(true, false)) {
      finished = true;
      return true;
    }
    return false;
  }

  /** Whether a handshake is in progress as callers see it: begun, and FINISHED not yet reported. */
  private boolean handshaking() {
    return core != null && !finished && failure == null && !(inboundDone && outboundDone);
  }

  private int pending(ConnectionCore c) {
    return c.outboundLength() - outPos;
  }

  // ---------------------------------------------------------------------------------- wrap

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
      throws SSLException {
    checkBuffers(srcs, offset, length, "srcs");
    if (dst == null) {
      throw new IllegalArgumentException("dst is null");
    }
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    checkMode();
    boolean both = !handshakeDone;
    if (both) {
      inLock.lock();
    }
    outLock.lock();
    try {
      return wrapLocked(srcs, offset, length, dst);
    } finally {
      outLock.unlock();
      if (both) {
        inLock.unlock();
      }
      releaseIfDone();
    }
  }

  private SSLEngineResult wrapLocked(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
      throws SSLException {
    if (outboundDone) {
      return result(Status.CLOSED, 0, 0);
    }
    if (core == null) {
      if (outboundClosing) {
        outboundDone = true;
        return result(Status.CLOSED, 0, 0);
      }
      startIfNeeded();
    }
    ConnectionCore c = core;
    if (pending(c) == 0 && handshakeDone && failure == null) {
      try {
        if (outboundClosing && !closeQueued) {
          closeQueued = true;
          c.wrapClose();
        } else if (c.hasControls()) {
          c.wrapControls();
        }
      } catch (SSLException | RuntimeException e) {
        throw fail(e);
      }
    }
    if (pending(c) > 0) {
      int produced = drain(c, dst);
      if (produced == 0) {
        return result(Status.BUFFER_OVERFLOW, 0, 0);
      }
      boolean fin = takeFinished(c);
      if (pending(c) == 0
          && (failure != null || closeQueued || !handshakeDone && outboundClosing)) {
        outboundDone = true;
        releaseIfDone();
        return result(Status.CLOSED, 0, produced, fin);
      }
      return result(Status.OK, 0, produced, fin);
    }
    if (failure != null || outboundClosing) {
      outboundDone = true;
      releaseIfDone();
      return result(Status.CLOSED, 0, 0);
    }
    if (!handshakeDone) {
      return result(Status.OK, 0, 0);
    }
    long available = remaining(srcs, offset, length);
    if (available == 0) {
      return result(Status.OK, 0, 0);
    }
    if (!c.canSend()) {
      throw new AgentProtocolException(
          FailureReason.NOT_PERMITTED,
          "this side of a one-way pattern only receives; it cannot send application data");
    }
    int room = dst.remaining();
    int n = (int) Math.min(available, Math.min(c.maxContent(), c.contentFitting(room)));
    if (n <= 0) {
      return result(Status.BUFFER_OVERFLOW, 0, 0);
    }
    Gather gather = new Gather(srcs, offset, length);
    int written;
    try {
      if (dst.hasArray()) {
        int pos = dst.arrayOffset() + dst.position();
        written = c.wrapInto(gather, n, dst.array(), pos);
        dst.position(dst.position() + written);
      } else {
        byte[] scratch = borrow(WIRE, c.wrapSpace(n));
        try {
          written = c.wrapInto(gather, n, scratch, 0);
          dst.put(scratch, 0, written);
        } finally {
          giveBack(WIRE, scratch);
        }
      }
    } catch (SSLException | RuntimeException e) {
      throw fail(e);
    }
    return result(Status.OK, n, written);
  }

  /** Hands out the whole pending frames that fit {@code dst}; 0 when not even one fits. */
  private int drain(ConnectionCore c, ByteBuffer dst) {
    byte[] out = c.outboundArray();
    int end = c.outboundLength();
    int take = 0;
    int headerBytes = c.framing().headerBytes();
    while (outPos + take < end) {
      int at = outPos + take;
      int body = ((out[at + headerBytes - 2] & 0xff) << 8) | (out[at + headerBytes - 1] & 0xff);
      int frame = headerBytes + body;
      if (take + frame > dst.remaining()) {
        break;
      }
      take += frame;
    }
    if (take == 0) {
      return 0;
    }
    dst.put(out, outPos, take);
    outPos += take;
    if (outPos == end) {
      outPos = 0;
      c.outboundDrained();
    }
    return take;
  }

  /** Copies application bytes from the caller's buffers, leaving them otherwise untouched. */
  private static final class Gather implements ConnectionCore.Plaintext {
    private final ByteBuffer[] srcs;
    private int index;
    private final int end;

    Gather(ByteBuffer[] srcs, int offset, int length) {
      this.srcs = srcs;
      this.index = offset;
      this.end = offset + length;
    }

    @Override
    public void copyTo(byte[] out, int off, int len) {
      while (len > 0 && index < end) {
        ByteBuffer b = srcs[index];
        int n = Math.min(len, b.remaining());
        b.get(out, off, n);
        off += n;
        len -= n;
        if (!b.hasRemaining()) {
          index++;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------- unwrap

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
      throws SSLException {
    if (src == null) {
      throw new IllegalArgumentException("src is null");
    }
    checkBuffers(dsts, offset, length, "dsts");
    for (int i = offset; i < offset + length; i++) {
      if (dsts[i].isReadOnly()) {
        throw new ReadOnlyBufferException();
      }
    }
    checkMode();
    boolean both = !handshakeDone;
    inLock.lock();
    if (both) {
      outLock.lock();
    }
    try {
      return unwrapLocked(src, dsts, offset, length);
    } finally {
      if (both) {
        outLock.unlock();
      }
      inLock.unlock();
      releaseIfDone();
    }
  }

  private SSLEngineResult unwrapLocked(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
      throws SSLException {
    if (inboundDone) {
      return result(Status.CLOSED, 0, 0);
    }
    if (core == null) {
      if (outboundDone) {
        inboundDone = true;
        return result(Status.CLOSED, 0, 0);
      }
      startIfNeeded();
    }
    ConnectionCore c = core;
    if (!handshakeDone && pending(c) > 0) {
      return result(Status.OK, 0, 0); // NEED_WRAP: our handshake message goes first
    }
    if (handshakeDone && c.plainAvailable() > 0) {
      // Raw mode: payloads from the handshake messages come before the transport data. With no
      // room they wait, and the caller must hear that: OK with nothing done reads as "need input".
      if (remaining(dsts, offset, length) == 0) {
        return result(Status.BUFFER_OVERFLOW, 0, 0);
      }
      return result(Status.OK, 0, deliver(c, dsts, offset, length));
    }
    int headerBytes = c.framing().headerBytes();
    if (src.remaining() < headerBytes) {
      return result(Status.BUFFER_UNDERFLOW, 0, 0);
    }
    int frame;
    int deliverable;
    try {
      for (int i = 0; i < headerBytes; i++) {
        header[i] = src.get(src.position() + i);
      }
      frame = c.frameSize(header, 0);
      deliverable = c.maxDeliverable(frame);
    } catch (SSLException | RuntimeException e) {
      throw fail(e);
    }
    if (src.remaining() < frame) {
      return result(Status.BUFFER_UNDERFLOW, 0, 0);
    }
    if (remaining(dsts, offset, length) < deliverable) {
      return result(Status.BUFFER_OVERFLOW, 0, 0);
    }
    byte[] wire = null;
    byte[] plain = borrow(PLAIN, frame);
    try {
      byte[] in;
      int at;
      if (src.hasArray()) {
        in = src.array();
        at = src.arrayOffset() + src.position();
      } else {
        in = wire = borrow(WIRE, frame);
        src.get(src.position(), in, 0, frame);
        at = 0;
      }
      ConnectionCore.Event event;
      try {
        event = c.unwrapFrame(in, at, plain);
      } catch (SSLException | RuntimeException e) {
        src.position(src.position() + frame);
        throw fail(e);
      }
      src.position(src.position() + frame);
      int produced = 0;
      switch (event) {
        case HANDSHAKE:
          enterTransportIfDone();
          return result(Status.OK, frame, 0, takeFinished(c));
        case DATA:
          produced = deliver(c, dsts, offset, length);
          // The destinations' remaining() promised room for the whole record, but aliased buffers
          // (one buffer twice) take less: what is left must not stay in this thread's scratch.
          c.keepUndelivered();
          break;
        case CLOSED:
          inboundDone = true;
          releaseIfDone();
          return result(Status.CLOSED, frame, 0);
        default:
          break;
      }
      return result(Status.OK, frame, produced);
    } finally {
      giveBack(PLAIN, plain);
      if (wire != null) {
        giveBack(WIRE, wire);
      }
    }
  }

  private static int deliver(ConnectionCore c, ByteBuffer[] dsts, int offset, int length) {
    int produced = 0;
    for (int i = offset; i < offset + length && c.plainAvailable() > 0; i++) {
      produced += c.readPlain(dsts[i]);
    }
    return produced;
  }

  // --------------------------------------------------------------------------------- close

  @Override
  public void closeInbound() throws SSLException {
    if (inboundDone) {
      return;
    }
    ConnectionCore c = core;
    boolean cleanEnd =
        c == null
            || failure != null
            || c.closeReceived()
            || handshakeDone && c.framing().endOfStreamIsEndOfFile();
    if (!cleanEnd) {
      // As SunJSSE: the end of input before the peer's close is fatal, so it ends both directions.
      throw fail(
          new AgentConnectionException(
              FailureReason.TRUNCATED,
              "the inbound side closed before the peer's authenticated close: the connection may"
                  + " have been truncated"));
    }
    inboundDone = true;
    releaseIfDone();
  }

  @Override
  public boolean isInboundDone() {
    return inboundDone;
  }

  @Override
  public void closeOutbound() {
    outLock.lock();
    try {
      outboundClosing = true;
      ConnectionCore c = core;
      if (c == null) {
        outboundDone = true;
      } else if (failure != null) {
        outboundDone = pending(c) == 0; // the refusal the peer is owed still goes out
      } else if (!handshakeDone) {
        // No keys yet for an authenticated close: closing during the handshake abandons it.
        outPos = 0;
        c.outboundDrained();
        outboundDone = true;
        inboundDone = true;
      } else if (!c.canSend() || c.framing().endOfStreamIsEndOfFile()) {
        closeQueued = true; // raw mode and a one-way responder have no CLOSE record to send
        outboundDone = pending(c) == 0;
      }
      // Otherwise the next wrap seals the CLOSE record.
    } finally {
      outLock.unlock();
    }
    releaseIfDone();
  }

  @Override
  public boolean isOutboundDone() {
    return outboundDone;
  }

  /**
   * Wipes the keys once neither direction can use them. When the other direction's lock is busy,
   * the call that holds it wipes as it leaves (see wrap and unwrap), so the wipe is never skipped.
   */
  private void releaseIfDone() {
    ConnectionCore c = core;
    if (c != null && inboundDone && outboundDone && !wiped) {
      if (inLock.tryLock()) {
        try {
          if (outLock.tryLock()) {
            try {
              if (!wiped) {
                wiped = true;
                c.destroy();
              }
            } finally {
              outLock.unlock();
            }
          }
        } finally {
          inLock.unlock();
        }
      }
    }
  }

  private SSLException fail(Throwable e) {
    SSLException f;
    if (e instanceof SSLException) {
      f = (SSLException) e;
    } else {
      f =
          new AgentProtocolException(
              FailureReason.MALFORMED, "malformed AgentWire input: " + e.getMessage());
      f.initCause(e);
    }
    if (failure == null) {
      failure = f;
    }
    inboundDone = true;
    outboundClosing = true;
    ConnectionCore c = core;
    if (c == null || pending(c) == 0) {
      outboundDone = true;
    }
    releaseIfDone();
    return f;
  }

  // ------------------------------------------------------------------------------ surface

  @Override
  public SSLSession getSession() {
    AgentSessionImpl s = session;
    return s != null ? s : AgentSessionImpl.none(config, getPeerHost(), getPeerPort());
  }

  @Override
  public SSLSession getHandshakeSession() {
    if (!handshaking()) {
      return null;
    }
    AgentSessionImpl s = session; // complete once the core is done, before FINISHED is reported
    return s != null ? s : AgentSessionImpl.none(config, getPeerHost(), getPeerPort());
  }

  @Override
  public String getApplicationProtocol() {
    ConnectionCore c = core;
    return c != null && handshakeDone ? c.applicationProtocol() : null;
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    ConnectionCore c = core;
    return c != null && handshaking() ? c.applicationProtocol() : null;
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(
      BiFunction<SSLEngine, List<String>, String> selector) {
    this.selector = selector;
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return selector;
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return parameters.supportedSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return parameters.enabledSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    parameters.setSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return parameters.supportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return parameters.enabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    parameters.setProtocols(protocols);
  }

  @Override
  public void setUseClientMode(boolean mode) {
    if (core != null) {
      throw new IllegalArgumentException("the handshake has started");
    }
    if (clientMode == null || mode != clientMode) {
      clientMode = mode;
      // As the sockets: clients check the server's key against the host by default.
      parameters.setEndpointIdentification(mode ? AgentSocketImpl.DEFAULT_IDENTIFICATION : null);
    }
  }

  @Override
  public boolean getUseClientMode() {
    Boolean m = clientMode;
    return m != null && m;
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    parameters.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return parameters.needClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    parameters.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return parameters.wantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    sessionCreation = flag;
  }

  @Override
  public boolean getEnableSessionCreation() {
    return sessionCreation;
  }

  @Override
  public SSLParameters getSSLParameters() {
    return parameters.get();
  }

  @Override
  public void setSSLParameters(SSLParameters p) {
    Objects.requireNonNull(p, "parameters");
    parameters.set(p);
  }

  @Override
  public String toString() {
    return "AgentSslEngine["
        + (clientMode == null ? "mode unset" : clientMode ? "client" : "server")
        + ", "
        + (getPeerHost() == null ? "no peer host" : getPeerHost() + ":" + getPeerPort())
        + ", "
        + (handshakeDone ? session.getCipherSuite() : core == null ? "not started" : "handshaking")
        + (failure != null ? ", failed" : inboundDone && outboundDone ? ", closed" : "")
        + "]";
  }

  // ------------------------------------------------------------------------------ helpers

  private void checkMode() {
    if (clientMode == null) {
      throw new IllegalStateException("call setUseClientMode before the handshake");
    }
  }

  private static void checkBuffers(ByteBuffer[] buffers, int offset, int length, String name) {
    if (buffers == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    Objects.checkFromIndexSize(offset, length, buffers.length);
    for (int i = offset; i < offset + length; i++) {
      if (buffers[i] == null) {
        throw new IllegalArgumentException(name + "[" + i + "] is null");
      }
    }
  }

  private static long remaining(ByteBuffer[] buffers, int offset, int length) {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += buffers[i].remaining();
    }
    return n;
  }

  /**
   * Takes this thread's scratch array for the length of one call, leaving none behind: a nested
   * call on this thread (code an engine calls back, an ALPN selector or a PeerVerifier, driving
   * another engine) makes its own instead of overwriting a frame or plaintext this call is still
   * using. {@link #giveBack} returns it.
   */
  private static byte[] borrow(ThreadLocal<byte[]> holder, int size) {
    byte[] b = holder.get();
    holder.set(NO_BYTES);
    return b.length < size ? new byte[Math.max(size, 16 * 1024 + 512)] : b;
  }

  private static void giveBack(ThreadLocal<byte[]> holder, byte[] b) {
    holder.set(b);
  }

  private SSLEngineResult result(Status status, int consumed, int produced) {
    return result(status, consumed, produced, false);
  }

  private SSLEngineResult result(Status status, int consumed, int produced, boolean finished) {
    return new SSLEngineResult(
        status, finished ? HandshakeStatus.FINISHED : getHandshakeStatus(), consumed, produced);
  }
}
