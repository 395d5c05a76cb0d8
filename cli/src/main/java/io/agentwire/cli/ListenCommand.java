package io.agentwire.cli;

import io.agentwire.socketfactory.AgentServerSocketFactory;
import io.agentwire.socketfactory.AgentSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
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
 * and serving on after failures. Handshakes run on their own threads, so a silent client never
 * holds up the others; in netcat mode the data phases take turns, since there is one stdin.
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
      description = "Echo what each peer sends (connections served concurrently).")
  boolean echo;

  @Option(
      names = "--once",
      description = "Serve one connection, then exit (0 if it went well, 1 if not).")
  boolean once;

  @Option(names = "--any-peer", description = "Accept any client key, logging its fingerprint.")
  boolean anyPeer;

  @Mixin ConnectionOptions options = new ConnectionOptions();

  @CommandLine.ParentCommand Main parent;

  private final ReentrantLock netcatTurn = new ReentrantLock();
  private final StdinPump stdin = new StdinPump();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new Main.UsageError("port " + port + " is out of range");
    }
    AgentServerSocketFactory factory = new AgentServerSocketFactory(options.config(anyPeer, false));
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "agentwire-connection");
              t.setDaemon(true);
              return t;
            });
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (IOException e) {
      throw new Main.UsageError("cannot bind to " + bind + ": " + Errors.oneLine(e));
    }
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
      if (!echo) {
        stdin.start();
      }
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

  /** Serves one connection to its end; never throws. */
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
      OutputStream out = s.getOutputStream();
      if (echo) {
        received = Pump.copy(in, out);
        sent = received;
        s.shutdownOutput();
      } else {
        netcatTurn.lock();
        myTurn = true;
        AtomicLong toPeer = stdin.attach(s);
        received = Pump.copy(in, System.out);
        System.out.flush();
        // The peer has finished sending, which is not the end of ours.
        stdin.awaitIdleOrDone();
        sent = toPeer.get();
      }
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
