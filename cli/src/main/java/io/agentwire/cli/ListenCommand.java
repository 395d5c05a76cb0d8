package io.agentwire.cli;

import io.agentwire.socketfactory.AgentServerSocketFactory;
import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.server.AgentConnection;
import io.agentwire.socketfactory.server.AgentServer;
import io.agentwire.socketfactory.server.ConnectionHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agentwire listen}: serves AgentWire connections, echoing or netcat-style, logging each
 * connection (peer fingerprint, protocol, handshake time, bytes, why a failed one failed) on stderr
 * and serving on after failures.
 *
 * <p>With {@code --echo} it runs on an {@link AgentServer}: one selector thread for every
 * connection, handshake slots, a connection limit and the handshake timeout, so thousands of silent
 * or slow clients cost a few hundred bytes each and cannot keep a real one out. Netcat mode (one
 * peer's data at a time, over one stdin and stdout) stays on the blocking server socket, with a
 * thread per connection: its handshakes never wait on each other, its data phases take turns.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description =
        "Serve AgentWire (or, with --raw, any Noise) connections. Without --echo it behaves like"
            + " netcat: the peer to stdout, stdin to the peer. Prints 'listening on HOST:PORT' on"
            + " stderr once it accepts connections.")
final class ListenCommand implements Callable<Integer> {

  @Option(
      names = {"-p", "--port"},
      required = true,
      paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free one.")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String bind;

  @Option(
      names = "--echo",
      description =
          "Echo what each peer sends: every connection on one non-blocking server thread.")
  boolean echo;

  @Option(
      names = "--once",
      description = "Serve one connection, then exit (0 if it went well, 1 if not).")
  boolean once;

  @Option(names = "--any-peer", description = "Accept any client key, logging its fingerprint.")
  boolean anyPeer;

  @Option(
      names = "--max-handshakes",
      paramLabel = "N",
      description =
          "With --echo: at most N handshakes hold live state at once (default 256). Silent and"
              + " slow clients take none until a whole hello has arrived.")
  Integer maxHandshakes;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "With --echo: at most N open connections (default 20000); beyond it the oldest"
              + " connection still in its handshake is closed, or, when all are established, the"
              + " new one.")
  Integer maxConnections;

  @Option(
      names = "--idle-timeout",
      paramLabel = "SECONDS",
      description = "With --echo: close connections with no traffic for this long (default never).")
  Integer idleTimeout;

  @Mixin ConnectionOptions options = new ConnectionOptions();

  @CommandLine.ParentCommand Main parent;

  private final ReentrantLock netcatTurn = new ReentrantLock();
  private final StdinPump stdin = new StdinPump();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new Main.UsageError("port " + port + " is out of range");
    }
    if (!echo && (maxHandshakes != null || maxConnections != null || idleTimeout != null)) {
      throw new Main.UsageError(
          "--max-handshakes, --max-connections and --idle-timeout are for --echo (netcat mode"
              + " serves one peer's data at a time)");
    }
    int handshakes = maxHandshakes == null ? 256 : maxHandshakes;
    int connections = maxConnections == null ? 20_000 : maxConnections;
    if (handshakes < 1 || connections < 1 || idleTimeout != null && idleTimeout < 1) {
      throw new Main.UsageError(
          "--max-handshakes, --max-connections and --idle-timeout must be at least 1");
    }
    AgentSocketConfig config = options.config(anyPeer, false);
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (IOException e) {
      throw new Main.UsageError("cannot bind to " + bind + ": " + Errors.oneLine(e));
    }
    if (echo) {
      return echo(config, address, handshakes, connections);
    }
    AgentServerSocketFactory factory = new AgentServerSocketFactory(config);
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "agentwire-connection");
              t.setDaemon(true);
              return t;
            });
    ServerSocket server;
    try {
      server = factory.createServerSocket(port, 50, address);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + bind + ":" + port + ": " + Errors.oneLine(e), e);
    }
    try (server) {
      System.err.println(
          "listening on " + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
      System.err.flush();
      stdin.start();
      while (true) {
        Socket s = server.accept();
        if (once) {
          return serve(s) ? Main.OK : Main.FAILURE;
        }
        pool.execute(() -> serve(s));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Echo mode: every connection on one AgentServer. The handler runs on its selector thread, so it
   * only echoes and queues log lines.
   */
  private int echo(AgentSocketConfig config, InetAddress address, int handshakes, int connections)
      throws Exception {
    AsyncLog log = new AsyncLog();
    boolean verbose = parent != null && parent.verbose;
    CompletableFuture<Boolean> firstEnded = new CompletableFuture<>();
    ConnectionHandler handler =
        new ConnectionHandler() {
          @Override
          public void onOpen(AgentConnection c) {
            log.log(
                Describe.connection(
                    "connection from " + from(c.remoteAddress()),
                    (AgentSession) c.session(),
                    c.handshakeDuration().toNanos() / 1000));
          }

          @Override
          public void onData(AgentConnection c, ByteBuffer data) {
            c.write(data);
          }

          @Override
          public void onClose(AgentConnection c, Throwable cause) {
            if (cause == null) {
              log.log(
                  "connection from "
                      + from(c.remoteAddress())
                      + " closed: "
                      + c.bytesReceived()
                      + " bytes in, "
                      + c.bytesSent()
                      + " bytes out");
            } else {
              failed(c.remoteAddress(), c.bytesReceived(), cause);
            }
            firstEnded.complete(cause == null);
          }

          @Override
          public void onHandshakeFailed(InetSocketAddress remote, Throwable cause) {
            failed(remote, 0, cause);
            firstEnded.complete(false);
          }

          private void failed(InetSocketAddress remote, long received, Throwable cause) {
            log.log(
                "connection from "
                    + from(remote)
                    + " failed after "
                    + received
                    + " bytes in: "
                    + Errors.oneLine(cause));
            if (verbose) {
              java.io.StringWriter trace = new java.io.StringWriter();
              cause.printStackTrace(new java.io.PrintWriter(trace));
              log.log(trace.toString().stripTrailing());
            }
          }
        };
    AgentServer.Builder builder =
        AgentServer.builder(config)
            .bind(new InetSocketAddress(address, port))
            .handler(handler)
            .handshakeTimeout(config.handshakeTimeout())
            .maxConcurrentHandshakes(handshakes)
            .maxConnections(connections);
    if (idleTimeout != null) {
      builder.idleTimeout(Duration.ofSeconds(idleTimeout));
    }
    AgentServer server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + bind + ":" + port + ": " + Errors.oneLine(e), e);
    }
    try (server) {
      System.err.println("listening on " + address.getHostAddress() + ":" + server.port());
      System.err.flush();
      if (once) {
        return firstEnded.get() ? Main.OK : Main.FAILURE;
      }
      while (server.isRunning()) {
        Thread.sleep(1000);
      }
      return Main.FAILURE;
    } finally {
      log.flush();
    }
  }

  private static String from(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Serves one netcat connection to its end; never throws. */
  private boolean serve(Socket s) {
    String from = s.getInetAddress().getHostAddress() + ":" + s.getPort();
    long t0 = System.nanoTime();
    long received = 0;
    long sent = 0;
    boolean myTurn = false;
    try (s) {
      SSLSocket ssl = (SSLSocket) s;
      ssl.startHandshake();
      log(
          Describe.connection(
              "connection from " + from,
              (AgentSession) ssl.getSession(),
              (System.nanoTime() - t0) / 1000));
      InputStream in = s.getInputStream();
      netcatTurn.lock();
      myTurn = true;
      AtomicLong toPeer = stdin.attach(s);
      received = Pump.copy(in, System.out);
      System.out.flush();
      // The peer has finished sending, which is not the end of ours.
      stdin.awaitIdleOrDone();
      sent = toPeer.get();
      log("connection from " + from + " closed: " + received + " bytes in, " + sent + " bytes out");
      return true;
    } catch (IOException | RuntimeException e) {
      log(
          "connection from "
              + from
              + " failed after "
              + received
              + " bytes in: "
              + Errors.oneLine(e));
      if (parent != null && parent.verbose) {
        synchronized (System.err) {
          e.printStackTrace(System.err);
        }
      }
      return false;
    } finally {
      if (myTurn) {
        stdin.detach(s);
        netcatTurn.unlock();
      }
    }
  }

  private static void log(String line) {
    synchronized (System.err) {
      System.err.println(line);
      System.err.flush();
    }
  }
}
