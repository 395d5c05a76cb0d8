package io.agentwire.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A loopback server for tests over any {@link ServerSocketFactory} (plain TCP, AgentWire, JSSE):
 * accepts on 127.0.0.1, serves each connection on its own thread with {@link Handler} (echo by
 * default), and records what went wrong on each connection.
 */
public final class EchoServer implements AutoCloseable {

  public interface Handler {
    void serve(Socket s) throws Exception;
  }

  public static final Handler ECHO =
      s -> {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
        s.shutdownOutput();
      };

  public final ServerSocket server;
  public final List<Throwable> failures = new CopyOnWriteArrayList<>();
  public final List<Socket> accepted = new CopyOnWriteArrayList<>();
  public final AtomicInteger served = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Thread acceptor;

  public EchoServer(ServerSocketFactory factory, Handler handler) throws IOException {
    server = factory.createServerSocket(0, 256, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  accepted.add(s);
                  pool.execute(
                      () -> {
                        try (s) {
                          handler.serve(s);
                          served.incrementAndGet();
                        } catch (Throwable t) {
                          failures.add(t);
                        }
                      });
                } catch (IOException e) {
                  if (!server.isClosed()) {
                    failures.add(e);
                  }
                }
              }
            },
            "accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Waits until {@code n} connections have ended, well or badly. */
  public void awaitEnded(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (served.get() + failures.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
