package io.agentwire.socketfactory.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * One established connection of an {@link AgentServer}. Thread-safe: the selector thread (inside
 * {@link ConnectionHandler} callbacks) and any other thread may call every method.
 */
public interface AgentConnection {

  /**
   * Encrypts and sends all of {@code data}'s remaining bytes, consuming them. On the selector
   * thread the bytes are encrypted at once and written as far as the socket takes them; from
   * another thread they are copied and sent from the selector thread. What the socket does not take
   * waits in this connection's outbound queue. The queue is bounded in effect: once it holds more
   * than the server's {@link AgentServer.Builder#maxQueuedBytesPerConnection limit}, the server
   * stops reading from this peer (so an echo cannot be made to buffer without bound) until the
   * queue has drained below half of it, then calls {@link ConnectionHandler#onWritable}. A writer
   * that is not answering reads should check {@link #isWritable()} and wait for that call.
   *
   * @return {@code false} if the connection is closing or closed, and the bytes were dropped
   */
  boolean write(ByteBuffer data);

  /** Whether the outbound queue is within the server's per-connection limit. */
  boolean isWritable();

  /** Encrypted bytes waiting for the socket. */
  long queuedBytes();

  /**
   * Closes gracefully: sends the authenticated close after everything already written, then closes
   * the socket once the queue has drained (or after the handshake timeout, if the peer does not
   * read). Idempotent.
   */
  void close();

  /** Whether the connection is established and not closing. */
  boolean isOpen();

  /** The session: the Noise suite, and the peer's authenticated key as its principal. */
  SSLSession session();

  /** The application protocol agreed in the handshake (ALPN), {@code ""} when none. */
  String applicationProtocol();

  InetSocketAddress remoteAddress();

  /** From accepting the TCP connection to the end of the handshake. */
  Duration handshakeDuration();

  /** Application bytes received from the peer. */
  long bytesReceived();

  /** Application bytes passed to {@link #write}. */
  long bytesSent();

  /** The application's own object for this connection, {@code null} until {@link #attach}. */
  Object attachment();

  void attach(Object attachment);
}
