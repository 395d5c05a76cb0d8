package io.agentwire.socketfactory.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What an {@link AgentServer} calls as its connections change. Every method runs on the server's
 * selector thread, the thread that also accepts, reads, writes and runs every handshake: a handler
 * must never block (no blocking I/O, no locks held for long, no waiting on other threads), or every
 * connection of the server waits with it. Hand slow work to an executor and write the answer back
 * with {@link AgentConnection#write}, which any thread may call.
 *
 * <p>An exception thrown by a method closes that connection (the exception becomes the {@code
 * cause} of {@link #onClose}) and nothing else.
 */
public interface ConnectionHandler {

  /** The handshake has completed: {@link AgentConnection#session()} names the verified peer. */
  default void onOpen(AgentConnection connection) {}

  /**
   * Application bytes from the peer, in order. {@code data} is a read-only view of the server's
   * shared buffer, valid only during this call: consume it, copy it, or pass it to {@link
   * AgentConnection#write} (which encrypts it at once), but do not keep it.
   */
  void onData(AgentConnection connection, ByteBuffer data);

  /**
   * The peer has ended its direction with the authenticated close (or, in raw mode, the stream
   * ended). This side may still write; by default the connection is closed, after what was already
   * written.
   */
  default void onInputClosed(AgentConnection connection) {
    connection.close();
  }

  /**
   * The connection's outbound queue, which had grown beyond the server's per-connection limit, has
   * drained below half of it: {@link AgentConnection#isWritable()} is true again, and the server
   * reads from the peer again.
   */
  default void onWritable(AgentConnection connection) {}

  /**
   * The connection is closed: {@code cause} is {@code null} after a clean close (either side's, or
   * the server's own {@link AgentServer#close()}), else why it failed (a {@link
   * io.agentwire.socketfactory.FailureReason} is found with {@code FailureReason.of(cause)} when
   * the protocol failed; an idle timeout is a {@link java.net.SocketTimeoutException}). Called
   * once, only for connections that were opened.
   */
  default void onClose(AgentConnection connection, Throwable cause) {}

  /**
   * A connection was closed before its handshake completed: a timeout, a client that is not an
   * AgentWire client, a refused key, the peer closing, or the server making room ({@link
   * AgentServer.Builder#maxConnections}). For logs; the server's counters already count it.
   */
  default void onHandshakeFailed(InetSocketAddress remote, Throwable cause) {}
}
