package io.agentwire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk throughput over one established secure connection on loopback: the client writes {@value
 * #CHUNK}-byte chunks, a {@link LoopbackServer} sink decrypts and discards them and acknowledges
 * every {@value #CHUNKS} chunks, which the client waits for, so that only bytes the server has
 * actually read count. The score is chunks per second; times {@value #CHUNK} it is bytes per
 * second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkBench {

  /** Bytes per write: one full TLS record, and a Noise message's worth. */
  public static final int CHUNK = 16 * 1024;

  /** Writes per acknowledgement (4 MiB), enough to make the acknowledgement's round trip noise. */
  public static final int CHUNKS = 256;

  /** The implementation under test; see {@link SocketStack#open}. */
  @Param({SocketStack.TLS13, SocketStack.AGENTWIRE, SocketStack.AGENTWIRE_JAVA})
  public String stack;

  /** The AEAD the connection negotiates: both of Noise's, so that every stack has them. */
  @Param({"AES_256_GCM", "CHACHA20_POLY1305"})
  public String aead;

  private SocketStack sockets;
  private LoopbackServer server;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final byte[] chunk = new byte[CHUNK];

  @Setup(Level.Trial)
  public void connect() throws Exception {
    new Random(1).nextBytes(chunk);
    sockets = SocketStack.open(stack, aead);
    server = LoopbackServer.sink(sockets.serverSocketFactory(), (long) CHUNK * CHUNKS);
    socket = server.connect(sockets.socketFactory());
    if (socket instanceof SSLSocket) {
      ((SSLSocket) socket).startHandshake(); // outside the measurement
    }
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void write16k() throws IOException {
    for (int i = 0; i < CHUNKS; i++) {
      out.write(chunk);
    }
    out.flush();
    int ack = in.read();
    if (ack != LoopbackServer.ACK) {
      throw new IOException("Expected the sink's acknowledgement, got " + ack);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    socket.close();
    server.close();
    sockets.verifyFullHandshakes(1);
  }
}
