package io.agentwire.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * A server on the loopback address (an ephemeral port) for benchmarks, over any {@link
 * ServerSocketFactory}: plain, SunJSSE or AgentWire sockets alike. One thread per connection, taken
 * from a pool, either echoes what it reads ({@link #echo}) or discards it and answers {@link #ACK}
 * after every so many bytes ({@link #sink}). Both ends get TCP_NODELAY. {@link #close} stops
 * everything it started and fails if a thread is left over.
 *
 * <p>A connection that fails on the server side (a handshake the client aborted, a reset) just
 * ends; the client sees its own end of the failure.
 */
public final class LoopbackServer implements Closeable {

  /** What a sink sends back after each block of bytes it has read. */
  public static final int ACK = 0x06;

  private static final int BUFFER = 64 * 1024;

  private final ServerSocket listener;
  private final long ackEvery;
  private final Thread acceptor;
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private LoopbackServer(ServerSocketFactory factory, long ackEvery) throws IOException {
    this.ackEvery = ackEvery;
    listener = factory.createServerSocket(0, 128, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    connections =
        Executors.newCachedThreadPool(
            r -> daemon(r, "loopback-" + listener.getLocalPort() + "-conn-" + n.incrementAndGet()));
    acceptor = daemon(this::acceptLoop, "loopback-" + listener.getLocalPort() + "-accept");
    acceptor.start();
  }

  /** A server that writes back whatever each connection sends it. */
  public static LoopbackServer echo(ServerSocketFactory factory) throws IOException {
    return new LoopbackServer(factory, 0);
  }

  /**
   * A server that discards what each connection sends and answers {@link #ACK} every {@code
   * ackEvery} bytes.
   */
  public static LoopbackServer sink(ServerSocketFactory factory, long ackEvery) throws IOException {
    if (ackEvery <= 0) {
      throw new IllegalArgumentException("ackEvery must be positive: " + ackEvery);
    }
    return new LoopbackServer(factory, ackEvery);
  }

  /** The port this server listens on, on {@link InetAddress#getLoopbackAddress()}. */
  public int port() {
    return listener.getLocalPort();
  }

  /** A new connection to this server through {@code factory}, with TCP_NODELAY. */
  public Socket connect(SocketFactory factory) throws IOException {
    Socket socket = factory.createSocket(InetAddress.getLoopbackAddress(), port());
    try {
      socket.setTcpNoDelay(true);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  /**
   * Stops accepting, closes the connections still open and waits for every thread this server
   * started; throws {@link IllegalStateException} if one is still running after five seconds.
   */
  @Override
  public void close() throws IOException {
    listener.close();
    try {
      acceptor.join(5000); // no new connection after this
      for (Socket s : open) {
        closeQuietly(s);
      }
      connections.shutdown();
      if (acceptor.isAlive() || !connections.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Loopback server threads still running after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while closing the loopback server", e);
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(socket);
      try {
        connections.execute(() -> serve(socket));
      } catch (RuntimeException e) { // rejected: closing
        open.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buffer = new byte[BUFFER];
      long unacknowledged = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (ackEvery == 0) {
          out.write(buffer, 0, n);
          out.flush();
          continue;
        }
        unacknowledged += n;
        while (unacknowledged >= ackEvery) {
          unacknowledged -= ackEvery;
          out.write(ACK);
          out.flush();
        }
      }
    } catch (IOException e) {
      // reset, closed by close(), a failed handshake: the client sees its own side of it
    } finally {
      open.remove(socket);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already broken; nothing left to release
    }
  }
}
