package io.agentwire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
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
 * Bulk throughput over one established secure connection on loopback: the client writes chunks of
 * one size ({@code write1k}, {@code write16k}, {@code write64k}: 1, 16 and 64 KiB per {@code
 * write}), a {@link LoopbackServer} sink decrypts and discards them and acknowledges every {@value
 * #BYTES_PER_ACK} bytes, which the client waits for, so that only bytes the server has actually
 * read count. The score is writes per second; times the write size it is bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkBench {

  /** Bytes per write in {@link #write16k}: one full TLS record, and a Noise message's worth. */
  public static final int CHUNK = 16 * 1024;

  /**
   * Bytes between acknowledgements (4 MiB), enough to make the acknowledgement's round trip noise.
   */
  public static final int BYTES_PER_ACK = 4 * 1024 * 1024;

  /** Writes per acknowledgement at {@link #CHUNK} bytes each. */
  public static final int CHUNKS = BYTES_PER_ACK / CHUNK;

  /** Write sizes of the benchmark methods, in bytes, keyed by method name. */
  public static final Map<String, Integer> WRITE_SIZES =
      Map.of("write1k", 1024, "write16k", CHUNK, "write64k", 64 * 1024);

  /** The implementation under test; see {@link SocketStack#open}. */
  @Param({
    SocketStack.TLS13,
    SocketStack.AGENTWIRE,
    SocketStack.AGENTWIRE_JAVA,
    SocketStack.AGENTWIRE_RATCHET
  })
  public String stack;

  /** The AEAD the connection negotiates: both of Noise's, so that every stack has them. */
  @Param({"AES_256_GCM", "CHACHA20_POLY1305"})
  public String aead;

  private SocketStack sockets;
  private LoopbackServer server;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final byte[] chunk1k = new byte[1024];
  private final byte[] chunk16k = new byte[CHUNK];
  private final byte[] chunk64k = new byte[64 * 1024];

  @Setup(Level.Trial)
  public void connect() throws Exception {
    Random random = new Random(1);
    random.nextBytes(chunk1k);
    random.nextBytes(chunk16k);
    random.nextBytes(chunk64k);
    sockets = SocketStack.open(stack, aead);
    server = LoopbackServer.sink(sockets.serverSocketFactory(), BYTES_PER_ACK);
    socket = server.connect(sockets.socketFactory());
    if (socket instanceof SSLSocket) {
      ((SSLSocket) socket).startHandshake(); // outside the measurement
    }
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  @Benchmark
  @OperationsPerInvocation(BYTES_PER_ACK / 1024)
  public void write1k() throws IOException {
    writeAndAwaitAck(chunk1k);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void write16k() throws IOException {
    writeAndAwaitAck(chunk16k);
  }

  @Benchmark
  @OperationsPerInvocation(BYTES_PER_ACK / (64 * 1024))
  public void write64k() throws IOException {
    writeAndAwaitAck(chunk64k);
  }

  private void writeAndAwaitAck(byte[] chunk) throws IOException {
    for (int i = BYTES_PER_ACK / chunk.length; i > 0; i--) {
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
