package io.agentwire.socketfactory;

import static io.agentwire.socketfactory.EnginePair.XX;
import static io.agentwire.socketfactory.EnginePair.clientConfig;
import static io.agentwire.socketfactory.EnginePair.clientEngine;
import static io.agentwire.socketfactory.EnginePair.serverConfig;
import static io.agentwire.socketfactory.EnginePair.serverEngine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.agentwire.testsupport.TestThreads;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code wrap} and {@code unwrap} at once from different threads on the same engine, as JSSE
 * allows: on each engine one thread wraps a stream of records while another unwraps the peer's,
 * from the first handshake message to the last CLOSE, with rekeys and DH steps interleaving with
 * the data. Both streams arrive intact, nothing throws, nothing deadlocks (every wait is bounded),
 * and each engine reports FINISHED exactly once across its two threads.
 */
class EngineConcurrencyTest {

  private static final int RECORDS = 2000;
  private static final ExecutorService POOL = TestThreads.daemonPool("engine-concurrency");

  @AfterAll
  static void shutdown() {
    POOL.shutdownNow();
  }

  static Stream<Arguments> policies() {
    RekeyPolicy eager = RekeyPolicy.of(3, 50_000, Duration.ofMillis(1)).withDhEveryMessages(5);
    return Stream.of(
        arguments("IK", RekeyPolicy.FREQUENT, RekeyPolicy.FREQUENT),
        arguments("XX", RekeyPolicy.FREQUENT, eager),
        arguments("IK", eager, eager));
  }

  /** One engine's two threads and what they saw. */
  static final class Side {
    final String name;
    final SSLEngine engine;
    final int[] sizes = new int[RECORDS];
    final byte[] toSend;
    // Bounded, so each writer runs only a few records ahead of the peer's reader and the DH steps
    // of both directions overlap with data instead of queueing up behind it.
    final BlockingQueue<byte[]> in = new ArrayBlockingQueue<>(8);
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    final AtomicInteger finished = new AtomicInteger();
    Side peer;

    Side(String name, SSLEngine engine, long seed) {
      this.name = name;
      this.engine = engine;
      Random r = new Random(seed);
      int total = 0;
      for (int i = 0; i < RECORDS; i++) {
        sizes[i] = 1 + r.nextInt(2048);
        total += sizes[i];
      }
      this.toSend = EngineContractTest.random(total, seed);
    }

    void count(SSLEngineResult r) {
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished.incrementAndGet();
      }
    }

    void send(byte[] b) throws InterruptedException {
      assertTrue(peer.in.offer(b, 60, TimeUnit.SECONDS), name + " could not send for 60 s");
    }

    /** Wraps RECORDS records of 1 to 2048 bytes, then the CLOSE. */
    Void write() throws Exception {
      ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      ByteBuffer src = ByteBuffer.wrap(toSend);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int records = 0;
      while (records < RECORDS) {
        int n = sizes[records];
        ByteBuffer chunk = src.slice().limit(n);
        while (chunk.hasRemaining()) {
          assertTrue(System.nanoTime() < deadline, name + " writer stalled at record " + records);
          net.clear();
          SSLEngineResult r = engine.wrap(chunk, net);
          count(r);
          assertEquals(Status.OK, r.getStatus(), name + " wrap " + r);
          if (r.bytesProduced() > 0) {
            net.flip();
            byte[] b = new byte[net.remaining()];
            net.get(b);
            send(b);
          }
          if (r.bytesConsumed() > 0) {
            assertEquals(n, r.bytesConsumed(), "a chunk within one record goes whole");
            records++;
          } else if (r.bytesProduced() == 0) {
            Thread.yield(); // the handshake waits for the reader
          }
        }
        src.position(src.position() + n);
      }
      engine.closeOutbound();
      while (!engine.isOutboundDone()) {
        net.clear();
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), net);
        count(r);
        net.flip();
        if (net.hasRemaining()) {
          byte[] b = new byte[net.remaining()];
          net.get(b);
          send(b);
        }
      }
      return null;
    }

    /** Unwraps everything the peer sends until its CLOSE. */
    Void read() throws Exception {
      ByteBuffer inbound = ByteBuffer.allocate(4 * engine.getSession().getPacketBufferSize());
      inbound.flip();
      ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      while (!engine.isInboundDone()) {
        byte[] b = in.poll(60, TimeUnit.SECONDS);
        assertNotNull(b, name + " reader got nothing for 60 s: deadlock?");
        inbound.compact().put(b).flip();
        while (!engine.isInboundDone()) {
          app.clear();
          SSLEngineResult r = engine.unwrap(inbound, app);
          count(r);
          assertTrue(r.getStatus() != Status.BUFFER_OVERFLOW, name + " " + r);
          app.flip();
          byte[] data = new byte[app.remaining()];
          app.get(data);
          got.write(data, 0, data.length);
          if (r.getStatus() != Status.OK || r.bytesConsumed() + r.bytesProduced() == 0) {
            break;
          }
        }
      }
      return null;
    }
  }

  @ParameterizedTest(name = "{0}, client {1}, server {2}")
  @MethodSource("policies")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void wrapAndUnwrapRunAtOnceOnEachEngine(
      String pattern, RekeyPolicy clientPolicy, RekeyPolicy serverPolicy) throws Exception {
    AgentSocketConfig.Builder cb = clientConfig().rekeyPolicy(clientPolicy);
    if (pattern.equals("XX")) {
      cb.cipherSuites(XX);
    }
    Side client = new Side("client", clientEngine(cb.build()), 1);
    Side server =
        new Side("server", serverEngine(serverConfig().rekeyPolicy(serverPolicy).build()), 2);
    client.peer = server;
    server.peer = client;
    List<Future<Void>> threads =
        List.of(
            POOL.submit(client::write),
            POOL.submit(client::read),
            POOL.submit(server::write),
            POOL.submit(server::read));
    for (Future<Void> f : threads) {
      f.get(100, TimeUnit.SECONDS); // an exception or assertion in a thread fails here
    }
    assertArrayEquals(client.toSend, server.got.toByteArray(), "client to server");
    assertArrayEquals(server.toSend, client.got.toByteArray(), "server to client");
    assertEquals(1, client.finished.get(), "client FINISHED");
    assertEquals(1, server.finished.get(), "server FINISHED");
    assertTrue(client.engine.getSession().getCipherSuite().startsWith("Noise_" + pattern));
    for (Side s : List.of(client, server)) {
      assertTrue(s.engine.isInboundDone() && s.engine.isOutboundDone(), s.name);
      s.engine.closeInbound();
    }
  }
}
