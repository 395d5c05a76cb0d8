package io.agentwire.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
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
 * Complete in-memory TLS 1.3 handshakes per second between two SunJSSE {@link SSLEngine}s, set up
 * as {@link TlsPeers} sets up its sockets (mutual authentication with P-256 certificates, no
 * resumption): the TLS counterpart of {@link HandshakeBench}. Each handshake is a fresh pair of
 * engines pumped through two buffers in this thread, delegated tasks run inline, until neither
 * engine is handshaking; no socket, no application data. Afterwards every handshake must have been
 * a full one, or the run fails.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsHandshakeBench {

  /** The AEAD the handshake negotiates; see {@link TlsPeers#suiteFor}. */
  @Param({"AES_256_GCM"})
  public String aead;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final int BUFFER = 64 * 1024;

  private TlsPeers peers;
  private final ByteBuffer clientToServer = ByteBuffer.allocate(BUFFER);
  private final ByteBuffer serverToClient = ByteBuffer.allocate(BUFFER);
  private final ByteBuffer application = ByteBuffer.allocate(BUFFER);
  private long handshakes;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    peers = TlsPeers.create(TlsPeers.suiteFor(aead), false);
  }

  @Benchmark
  public Object handshake() throws SSLException {
    SSLEngine client = peers.clientEngine(443);
    SSLEngine server = peers.serverEngine();
    handshake(client, server, clientToServer, serverToClient, application);
    handshakes++;
    return client.getSession();
  }

  @TearDown(Level.Trial)
  public void verify() {
    peers.verifyFullHandshakes(handshakes);
  }

  /**
   * Runs a handshake between two engines to its end, each writing into its own buffer and reading
   * the other's (both kept ready for writing between steps). Throws if neither engine can move.
   */
  public static void handshake(
      SSLEngine client,
      SSLEngine server,
      ByteBuffer clientToServer,
      ByteBuffer serverToClient,
      ByteBuffer application)
      throws SSLException {
    clientToServer.clear();
    serverToClient.clear();
    client.beginHandshake();
    server.beginHandshake();
    while (handshaking(client) || handshaking(server)) {
      boolean moved = step(client, clientToServer, serverToClient, application);
      moved |= step(server, serverToClient, clientToServer, application);
      if (!moved) {
        throw new SSLException(
            "Handshake stalled: client "
                + client.getHandshakeStatus()
                + ", server "
                + server.getHandshakeStatus());
      }
    }
  }

  private static boolean handshaking(SSLEngine engine) {
    HandshakeStatus s = engine.getHandshakeStatus();
    return s != HandshakeStatus.NOT_HANDSHAKING && s != HandshakeStatus.FINISHED;
  }

  /** One thing {@code engine} can do now; false if it has to wait for its peer. */
  private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    switch (engine.getHandshakeStatus()) {
      case NEED_TASK -> {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
          task.run();
        }
        return true;
      }
      case NEED_WRAP -> {
        SSLEngineResult r = engine.wrap(EMPTY, out);
        expectOk(r);
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
      }
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        try {
          app.clear();
          SSLEngineResult r = engine.unwrap(in, app);
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            return false; // the peer has not written the rest yet
          }
          expectOk(r);
          return r.bytesConsumed() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP;
        } finally {
          in.compact();
        }
      }
      default -> {
        return false;
      }
    }
  }

  private static void expectOk(SSLEngineResult r) throws SSLException {
    if (r.getStatus() != SSLEngineResult.Status.OK) {
      throw new SSLException("Unexpected engine result during the handshake: " + r);
    }
  }
}
