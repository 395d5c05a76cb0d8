package io.agentwire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a new secure connection over loopback: connect, full handshake with mutual
 * authentication, one byte echoed, close; average time per connection. The server is a {@link
 * LoopbackServer} echo over the same {@link SocketStack}; afterwards the stack must confirm that
 * every connection was a full handshake, or the run fails.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConnectionBench {

  /** The implementation under test; see {@link SocketStack#open}. */
  @Param({
    SocketStack.TLS13,
    SocketStack.AGENTWIRE,
    SocketStack.AGENTWIRE_JAVA,
    SocketStack.AGENTWIRE_IK
  })
  public String stack;

  /** The AEAD the connection negotiates (TLS: {@code TLS_AES_256_GCM_SHA384}). */
  @Param({"AES_256_GCM"})
  public String aead;

  private SocketStack sockets;
  private LoopbackServer server;
  private final LongAdder connections = new LongAdder();

  @Setup(Level.Trial)
  public void start() throws Exception {
    sockets = SocketStack.open(stack, aead);
    server = LoopbackServer.echo(sockets.serverSocketFactory());
  }

  @Benchmark
  public int connectHandshakeEcho() throws IOException {
    try (Socket socket = server.connect(sockets.socketFactory())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(1);
      out.flush();
      int echoed = in.read();
      if (echoed != 1) {
        throw new IOException("Expected the byte 1 echoed, got " + echoed);
      }
      connections.increment();
      return echoed;
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    server.close();
    long n = connections.sum();
    sockets.verifyFullHandshakes(n);
    System.out.println(stack + " " + aead + ": " + n + " connections, each a full handshake");
  }
}
