package io.agentwire.bench.engine;

import io.agentwire.bench.EngineStack;
import io.agentwire.bench.SocketStack;
import io.agentwire.bench.TlsHandshakeBench;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
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
 * An {@link SSLEngine} pair in memory, as NIO stacks drive one, for each {@link EngineStack}: the
 * AgentWire engine ({@code AgentWireJsseProvider.newContext(config).createSSLEngine(host, port)},
 * Noise XX, both sides with static keys) against SunJSSE's TLS 1.3 engine (mutual authentication
 * with P-256 certificates, no resumption).
 *
 * <ul>
 *   <li>{@link #handshake}: a full handshake between two fresh engines, pumped through two heap
 *       buffers in this thread, delegated tasks inline ({@link TlsHandshakeBench#handshake}).
 *       Afterwards every handshake must have been a full one (each side's counting trust manager or
 *       verifier saw the peer's certificate or key every time), and TLS session ids must differ
 *       from one handshake to the next, or the run fails.
 *   <li>{@link #wrapUnwrap16k}: one established pair; the client wraps 16 KiB of application data
 *       (one record for both) into a preallocated heap buffer and the server unwraps it into
 *       another. Score: 16 KiB records per second, times 16,384 bytes is MB/s.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBench {

  /** Bytes of application data per {@link #wrapUnwrap16k}. */
  public static final int CHUNK = 16 * 1024;

  private static final int BUFFER = 64 * 1024;

  /** The implementation under test; see {@link EngineStack#open}. */
  @Param({SocketStack.TLS13, SocketStack.AGENTWIRE, SocketStack.AGENTWIRE_JAVA})
  public String stack;

  /** {@link EngineStack#DEFAULT}, or {@code AES_256_GCM} / {@code CHACHA20_POLY1305}. */
  @Param({EngineStack.DEFAULT})
  public String aead;

  private EngineStack peers;
  private final ByteBuffer clientToServer = ByteBuffer.allocate(BUFFER);
  private final ByteBuffer serverToClient = ByteBuffer.allocate(BUFFER);
  private final ByteBuffer application = ByteBuffer.allocate(BUFFER);
  private final ByteBuffer plain = ByteBuffer.allocate(CHUNK);
  private SSLEngine bulkClient;
  private SSLEngine bulkServer;
  private long handshakes;
  private byte[] lastSessionId = new byte[0];

  @Setup(Level.Trial)
  public void setup() throws Exception {
    peers = EngineStack.open(stack, aead);
    byte[] data = new byte[CHUNK];
    new Random(1).nextBytes(data);
    plain.put(data).flip();
    bulkClient = peers.clientEngine("127.0.0.1", 443);
    bulkServer = peers.serverEngine();
    TlsHandshakeBench.handshake(
        bulkClient, bulkServer, clientToServer, serverToClient, application);
    SSLSession session = bulkClient.getSession();
    System.out.println(
        stack + " " + aead + ": " + session.getProtocol() + " " + session.getCipherSuite());
    // Once outside the measurement: the bytes arrive intact.
    wrapUnwrap16k();
    application.flip();
    byte[] got = new byte[application.remaining()];
    application.get(got);
    if (!Arrays.equals(got, data)) {
      throw new IllegalStateException("The server unwrapped other bytes than the client wrapped");
    }
  }

  @Benchmark
  public Object handshake() throws SSLException {
    SSLEngine client = peers.clientEngine("127.0.0.1", 443);
    SSLEngine server = peers.serverEngine();
    TlsHandshakeBench.handshake(client, server, clientToServer, serverToClient, application);
    handshakes++;
    SSLSession session = client.getSession();
    byte[] id = session.getId();
    if (id.length > 0 && Arrays.equals(id, lastSessionId)) {
      throw new IllegalStateException("Two handshakes in a row gave the same session id");
    }
    lastSessionId = id;
    return session;
  }

  @Benchmark
  public int wrapUnwrap16k() throws SSLException {
    plain.rewind();
    clientToServer.clear();
    while (plain.hasRemaining()) {
      expectProgress(bulkClient.wrap(plain, clientToServer));
    }
    clientToServer.flip();
    application.clear();
    while (clientToServer.hasRemaining()) {
      expectProgress(bulkServer.unwrap(clientToServer, application));
    }
    if (application.position() != CHUNK) {
      throw new SSLException("Unwrapped " + application.position() + " of " + CHUNK + " bytes");
    }
    return application.position();
  }

  private static void expectProgress(SSLEngineResult r) throws SSLException {
    if (r.getStatus() != SSLEngineResult.Status.OK
        || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
      throw new SSLException("Unexpected engine result: " + r);
    }
  }

  @TearDown(Level.Trial)
  public void verify() {
    peers.verifyFullHandshakes(handshakes + 1); // and the bulk pair's
    System.out.println(stack + " " + aead + ": " + handshakes + " handshakes, each a full one");
  }
}
