package io.agentwire.cli;

import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.AgentSocketFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentwire connect HOST:PORT}: the client, like {@code openssl s_client} or netcat. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description =
        "Connect to an AgentWire (or, with --raw, any Noise) server: stdin goes to the peer, the"
            + " peer to stdout. When stdin ends it half-closes and prints until the peer closes.")
final class ConnectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "HOST:PORT")
  String target;

  @Mixin ConnectionOptions options = new ConnectionOptions();

  @Option(
      names = "--any-peer",
      description = "Accept any server key (tests, or a raw peer checked some other way).")
  boolean anyPeer;

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not report the connection on stderr.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    HostPort hp = HostPort.parse(target);
    AgentSocketFactory factory = new AgentSocketFactory(options.config(anyPeer, true));
    long t0 = System.nanoTime();
    SSLSocket socket;
    try {
      socket = (SSLSocket) factory.createSocket(hp.host, hp.port);
    } catch (IOException e) {
      throw new IOException("cannot connect to " + target + ": " + Errors.oneLine(e), e);
    }
    try (SSLSocket s = socket) {
      s.startHandshake();
      long micros = (System.nanoTime() - t0) / 1000;
      if (!quiet) {
        System.err.println(
            Describe.connection("connected to " + target, (AgentSession) s.getSession(), micros));
      }
      AtomicReference<IOException> sendFailure = new AtomicReference<>();
      java.util.concurrent.atomic.AtomicLong lastProgress =
          new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
      Thread sender =
          new Thread(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  Pump.copy(System.in, out, () -> lastProgress.set(System.nanoTime()));
                  s.shutdownOutput(); // our authenticated close: the peer sees a clean end
                } catch (IOException e) {
                  if (!s.isClosed()) {
                    sendFailure.set(e);
                  }
                }
              },
              "stdin-to-peer");
      sender.setDaemon(true);
      sender.start();
      Pump.copy(s.getInputStream(), System.out);
      System.out.flush();
      // The peer has finished sending, which is not the end of ours: finish sending what stdin
      // still has, but do not wait on an idle terminal.
      while (sender.isAlive() && System.nanoTime() - lastProgress.get() < 500_000_000L) {
        sender.join(50);
      }
      IOException failed = sendFailure.get();
      if (failed != null) {
        throw failed;
      }
      return Main.OK;
    }
  }
}
