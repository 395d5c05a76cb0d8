package io.agentwire.socketfactory.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * One accepted connection. Until its first whole frame arrives it is only this record, its socket
 * and the bytes received so far: no engine, no buffers. The selector thread owns every field except
 * the volatile ones, which other threads read.
 */
final class Conn implements AgentConnection {

  enum State {
    HANDSHAKING,
    ESTABLISHED,
    CLOSING,
    CLOSED
  }

  final ServerLoop loop;
  final SocketChannel channel;
  final InetSocketAddress remote;
  final long acceptedAt;
  SelectionKey key;

  volatile State state = State.HANDSHAKING;
  SSLEngine engine;

  /** Received bytes no frame has used yet (a partial frame), exactly sized; null when none. */
  byte[] pending;

  /** The first frame's header has been checked by an engine (so TLS, HTTP, garbage fail early). */
  boolean headerChecked;

  boolean holdsSlot;
  boolean parked;
  boolean backpressured;
  boolean wasUnwritable;
  boolean inputDone;

  /** Encrypted bytes the socket has not taken; null when empty. */
  ArrayDeque<ByteBuffer> queue;

  volatile long queued;
  final AtomicLong handedOff = new AtomicLong();

  /** Handshake: the last progress (for the stall rule). Established: the last activity. */
  long lastProgress;

  long closingSince;

  volatile SSLSession session;
  volatile String applicationProtocol;
  volatile long handshakeNanos;
  volatile long bytesIn;
  volatile long bytesOut;
  private volatile Object attachment;

  // Intrusive links: the primary list (handshaking, established or closing) and the slot holders.
  ConnList list;
  Conn prev;
  Conn next;
  Conn slotPrev;
  Conn slotNext;

  Conn(ServerLoop loop, SocketChannel channel, InetSocketAddress remote, long acceptedAt) {
    this.loop = loop;
    this.channel = channel;
    this.remote = remote;
    this.acceptedAt = acceptedAt;
    this.lastProgress = acceptedAt;
  }

  @Override
  public boolean write(ByteBuffer data) {
    if (loop.inLoop()) {
      return loop.write(this, data);
    }
    if (state != State.ESTABLISHED) {
      return false;
    }
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    long n = copy.remaining();
    handedOff.addAndGet(n);
    loop.execute(
        () -> {
          handedOff.addAndGet(-n);
          loop.write(this, copy);
        });
    return true;
  }

  @Override
  public boolean isWritable() {
    return queued + handedOff.get() <= loop.maxQueuedBytes;
  }

  @Override
  public long queuedBytes() {
    return queued + handedOff.get();
  }

  @Override
  public void close() {
    if (loop.inLoop()) {
      loop.close(this);
    } else if (state == State.ESTABLISHED) {
      loop.execute(() -> loop.close(this));
    }
  }

  @Override
  public boolean isOpen() {
    return state == State.ESTABLISHED;
  }

  @Override
  public SSLSession session() {
    return session;
  }

  @Override
  public String applicationProtocol() {
    return applicationProtocol;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public Duration handshakeDuration() {
    return Duration.ofNanos(handshakeNanos);
  }

  @Override
  public long bytesReceived() {
    return bytesIn;
  }

  @Override
  public long bytesSent() {
    return bytesOut;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public String toString() {
    SSLSession s = session;
    return "AgentConnection["
        + remote.getHostString()
        + ":"
        + remote.getPort()
        + ", "
        + state.name().toLowerCase(java.util.Locale.ROOT)
        + (s == null ? "" : ", " + s.getCipherSuite())
        + "]";
  }
}
