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
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agentwire listen}: serves AgentWire connections, echoing or netcat-style, logging each
 * connection (peer fingerprint, protocol, handshake time, bytes, why a failed one failed) on stderr
 * and serving on after failures.
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
      description = "Address to bind (default ${DEFAULT-VALUE}).")
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

  private final AtomicReference<Socket> current = new AtomicReference<>();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new Main.UsageError("port " + port + " is out of range");
    }
    AgentServerSocketFactory factory = new AgentServerSocketFactory(options.config(anyPeer));
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "agentwire-connection");
              t.setDaemon(true);
              return t;
            });
    try (ServerSocket server = factory.createServerSocket(port, 50, InetAddress.getByName(bind))) {
      System.err.println(
          "listening on " + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
      System.err.flush();
      if (!echo) {
        startStdinPump();
      }
      while (true) {
        Socket s = server.accept();
        if (echo && !once) {
          pool.execute(() -> serve(s));
          continue;
        }
        boolean ok = serve(s);
        if (once) {
          return ok ? Main.OK : Main.FAILURE;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Serves one connection to its end; never throws. */
  private boolean serve(Socket s) {
    String from = s.getInetAddress().getHostAddress() + ":" + s.getPort();
    long t0 = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    long received = 0;
    try (s) {
      ((SSLSocket) s).startHandshake();
      log(
          Describe.connection(
              "connection from " + from,
              (AgentSession) ((SSLSocket) s).getSession(),
              (System.nanoTime() - t0) / 1000));
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      if (echo) {
        received = Pump.copy(in, out);
        sent.set(received);
        s.shutdownOutput();
      } else {
        current.set(s);
        received = Pump.copy(in, System.out);
        System.out.flush();
      }
      log(
          "connection from "
              + from
              + " closed: "
              + received
              + " bytes in"
              + (echo ? ", " + received + " bytes out" : ""));
      return true;
    } catch (IOException | RuntimeException e) {
      log("connection from " + from + " failed: " + Errors.oneLine(e));
      return false;
    } finally {
      current.compareAndSet(s, null);
    }
  }

  /** Netcat mode: one thread feeds stdin to whichever connection is current. */
  private void startStdinPump() {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try {
                int n;
                while ((n = System.in.read(buf)) >= 0) {
                  Socket s = waitForConnection();
                  try {
                    s.getOutputStream().write(buf, 0, n);
                  } catch (IOException e) {
                    // that connection is gone; the data was meant for it
                  }
                }
                Socket s = waitForConnection();
                s.shutdownOutput();
              } catch (IOException e) {
                // stdin closed or the last connection failed; nothing more to send
              }
            },
            "stdin-to-peer");
    t.setDaemon(true);
    t.start();
  }

  private Socket waitForConnection() {
    Socket s;
    while ((s = current.get()) == null) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return s;
  }

  private static void log(String line) {
    synchronized (System.err) {
      System.err.println(line);
      System.err.flush();
    }
  }
}
