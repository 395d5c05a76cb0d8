package io.agentwire.socketfactory;

import static io.agentwire.socketfactory.EnginePair.IK;
import static io.agentwire.socketfactory.EnginePair.XX;
import static io.agentwire.socketfactory.EnginePair.clientConfig;
import static io.agentwire.socketfactory.EnginePair.serverConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.testsupport.EchoServer;
import io.agentwire.testsupport.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Properties of AgentWire engines: however the network splits the byte stream and however the
 * application chunks its writes, heap or direct, an engine pair carries exactly the bytes given,
 * both ways; engines and AgentWire sockets carry each other's bytes over real TCP in both roles;
 * and any single bit flipped anywhere in the stream is rejected with a typed SSLException. Each try
 * is bounded: in memory by {@link EnginePair}'s settling limit, over TCP by socket timeouts and
 * deadlines on every helper thread.
 */
class EngineProperties {

  private static final RandomDistribution UNIFORM = RandomDistribution.uniform();
  private static final int MAX_PAYLOAD = 100 * 1024;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final ExecutorService POOL = TestThreads.daemonPool("engine-properties");
  private static final RekeyPolicy EAGER =
      RekeyPolicy.of(3, 20_000, Duration.ofMillis(1)).withDhEveryMessages(4);

  @AfterContainer
  static void shutdown() {
    POOL.shutdownNow();
  }

  // ------------------------------------------------------------------- in-memory splits

  /**
   * Any split of each direction's network bytes into deliveries of any sizes (1 byte upwards), any
   * chunking of the application's writes into buffers and {@code srcs} arrays, heap or direct
   * buffers, padding and rekeys on either side: each engine delivers exactly what the other was
   * given, then both close cleanly.
   */
  @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
  void anySplitOfTheStreamCarriesTheSameBytes(
      @ForAll("lengths") int c2sLength,
      @ForAll("lengths") int s2cLength,
      @ForAll long seed,
      @ForAll("deliveries") List<Integer> toServer,
      @ForAll("deliveries") List<Integer> toClient,
      @ForAll("writes") List<Integer> clientWrites,
      @ForAll("writes") List<Integer> serverWrites,
      @ForAll boolean clientDirect,
      @ForAll boolean serverDirect,
      @ForAll("paddings") int clientPadding,
      @ForAll("paddings") int serverPadding,
      @ForAll("policies") RekeyPolicy policy,
      @ForAll boolean xx)
      throws Exception {
    AgentSocketConfig.Builder cb = clientConfig().padding(clientPadding).rekeyPolicy(policy);
    if (xx) {
      cb.cipherSuites(XX);
    }
    EnginePair p = new EnginePair(cb.build(), serverConfig().padding(serverPadding).build());
    byte[] c2s = EngineContractTest.random(c2sLength, seed);
    byte[] s2c = EngineContractTest.random(s2cLength, ~seed);
    p.client.direct = clientDirect;
    p.server.direct = serverDirect;
    p.server.chunks = cycle(toServer);
    p.client.chunks = cycle(toClient);
    queueWrites(p.client, c2s, clientWrites, clientDirect);
    queueWrites(p.server, s2c, serverWrites, serverDirect);
    p.client.closeAfterSending = true;
    p.server.closeAfterSending = true;
    if (c2s.length == 0) {
      p.client.engine.beginHandshake(); // else the first wrap starts it; the server's first unwrap
    }
    p.pump();
    assertEquals(1, p.client.finished);
    assertEquals(1, p.server.finished);
    assertArrayEquals(c2s, p.server.received.toByteArray(), "client to server");
    assertArrayEquals(s2c, p.client.received.toByteArray(), "server to client");
    for (EnginePair.End e : List.of(p.client, p.server)) {
      assertTrue(e.engine.isInboundDone() && e.engine.isOutboundDone(), e.name);
      e.engine.closeInbound(); // after the peer's CLOSE: clean
    }
  }

  private static java.util.function.IntSupplier cycle(List<Integer> sizes) {
    int[] i = {0};
    return () -> sizes.get(i[0]++ % sizes.size());
  }

  /**
   * Splits {@code data} into buffers of the given sizes in turn (heap, direct or read-only, by
   * turn), grouped into {@code srcs} arrays of one to three buffers.
   */
  private static void queueWrites(
      EnginePair.End end, byte[] data, List<Integer> sizes, boolean direct) {
    List<ByteBuffer> buffers = new ArrayList<>();
    int at = 0;
    for (int i = 0; at < data.length; i++) {
      int n = Math.min(sizes.get(i % sizes.size()), data.length - at);
      ByteBuffer b = direct && i % 2 == 0 ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
      b.put(data, at, n).flip();
      buffers.add(i % 3 == 2 ? b.asReadOnlyBuffer() : b);
      at += n;
    }
    for (int i = 0; i < buffers.size(); ) {
      int group = Math.min(1 + (sizes.get(i % sizes.size()) % 3), buffers.size() - i);
      end.outgoing.add(buffers.subList(i, i + group).toArray(new ByteBuffer[0]));
      i += group;
    }
  }

  // ------------------------------------------------------------------- engine and socket

  /**
   * A client engine, driven by a blocking pump over a java.net.Socket, against an AgentWire server
   * socket that reads everything, then sends back its own payload and closes.
   */
  @Property(tries = 50, shrinking = ShrinkingMode.BOUNDED)
  void aClientEngineTalksToAnAgentWireServerSocket(
      @ForAll("lengths") int c2sLength,
      @ForAll("lengths") int s2cLength,
      @ForAll long seed,
      @ForAll("writes") List<Integer> writes,
      @ForAll("policies") RekeyPolicy clientPolicy,
      @ForAll("paddings") int padding,
      @ForAll boolean direct)
      throws Exception {
    byte[] c2s = EngineContractTest.random(c2sLength, seed);
    byte[] s2c = EngineContractTest.random(s2cLength, ~seed);
    ByteArrayOutputStream serverGot = new ByteArrayOutputStream();
    EchoServer.Handler handler =
        s -> {
          s.setSoTimeout(20_000);
          byte[] got = s.getInputStream().readAllBytes(); // to the client's CLOSE
          serverGot.write(got, 0, got.length);
          OutputStream out = s.getOutputStream();
          for (int at = 0; at < s2c.length; at += 7000) {
            out.write(s2c, at, Math.min(7000, s2c.length - at));
          }
          s.shutdownOutput();
          assertEquals(-1, s.getInputStream().read());
        };
    AgentSocketConfig serverConfig =
        serverConfig().padding(padding).rekeyPolicy(RekeyPolicy.FREQUENT).build();
    try (EchoServer server = new EchoServer(new AgentServerSocketFactory(serverConfig), handler);
        Socket tcp = new Socket()) {
      tcp.setSoTimeout(20_000);
      tcp.connect(new InetSocketAddress(LOOPBACK, server.port()), 20_000);
      BlockingPump pump =
          new BlockingPump(
              EnginePair.clientEngine(clientConfig().rekeyPolicy(clientPolicy).build()),
              Channels.newChannel(tcp.getInputStream()),
              Channels.newChannel(tcp.getOutputStream()),
              direct);
      pump.handshake();
      pump.write(c2s, writes);
      pump.close();
      assertArrayEquals(s2c, pump.readToClose(), "server to client");
      server.awaitEnded(1);
      assertEquals(List.of(), server.failures);
      assertArrayEquals(c2s, serverGot.toByteArray(), "client to server");
    }
  }

  /**
   * An AgentWire client socket against a server engine driven by a blocking pump over an accepted
   * SocketChannel: the client writes and half-closes, the engine reads to the CLOSE, then answers
   * with its own payload and closes.
   */
  @Property(tries = 50, shrinking = ShrinkingMode.BOUNDED)
  void anAgentWireClientSocketTalksToAServerEngine(
      @ForAll("lengths") int c2sLength,
      @ForAll("lengths") int s2cLength,
      @ForAll long seed,
      @ForAll("writes") List<Integer> writes,
      @ForAll("policies") RekeyPolicy serverPolicy,
      @ForAll("paddings") int padding,
      @ForAll boolean direct,
      @ForAll boolean xx)
      throws Exception {
    byte[] c2s = EngineContractTest.random(c2sLength, seed);
    byte[] s2c = EngineContractTest.random(s2cLength, ~seed);
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress(LOOPBACK, 0));
      Future<byte[]> serverSide =
          POOL.submit(
              () -> {
                try (SocketChannel ch = listener.accept()) {
                  BlockingPump pump =
                      new BlockingPump(
                          EnginePair.serverEngine(
                              serverConfig().padding(padding).rekeyPolicy(serverPolicy).build()),
                          ch,
                          ch,
                          direct);
                  pump.handshake();
                  byte[] got = pump.readToClose();
                  pump.write(s2c, writes);
                  pump.close();
                  return got;
                }
              });
      AgentSocketConfig.Builder cb = clientConfig().rekeyPolicy(RekeyPolicy.FREQUENT);
      if (xx) {
        cb.cipherSuites(XX);
      }
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      try (Socket s = new AgentSocketFactory(cb.build()).createSocket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        int at = 0;
        for (int i = 0; at < c2s.length; i++) {
          int n = Math.min(writes.get(i % writes.size()), c2s.length - at);
          out.write(c2s, at, n);
          at += n;
        }
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        assertArrayEquals(s2c, in.readAllBytes(), "server to client");
        assertEquals(xx ? XX : IK, ((javax.net.ssl.SSLSocket) s).getSession().getCipherSuite());
      }
      assertArrayEquals(c2s, serverSide.get(20, TimeUnit.SECONDS), "client to server");
    }
  }

  /** The simplest blocking driver of one engine over a byte channel, as an NIO stack has. */
  static final class BlockingPump {
    final SSLEngine engine;
    final ReadableByteChannel in;
    final WritableByteChannel out;
    final ByteBuffer netIn;
    final ByteBuffer netOut;
    final ByteBuffer app;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int finished;

    BlockingPump(
        SSLEngine engine, ReadableByteChannel in, WritableByteChannel out, boolean direct) {
      this.engine = engine;
      this.in = in;
      this.out = out;
      int packet = engine.getSession().getPacketBufferSize();
      netIn = EnginePair.allocate(2 * packet, direct);
      netIn.flip();
      netOut = EnginePair.allocate(packet, direct);
      app = EnginePair.allocate(engine.getSession().getApplicationBufferSize(), direct);
    }

    private void check(SSLEngineResult r) {
      assertTrue(System.nanoTime() < deadline, "the pump ran out of time");
      assertNotEquals(Status.BUFFER_OVERFLOW, r.getStatus(), r.toString());
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished++;
        assertEquals(1, finished, "FINISHED twice");
      }
    }

    private SSLEngineResult wrap(ByteBuffer[] srcs) throws IOException {
      netOut.clear();
      SSLEngineResult r = engine.wrap(srcs, netOut);
      check(r);
      netOut.flip();
      while (netOut.hasRemaining()) {
        out.write(netOut);
      }
      return r;
    }

    /** One unwrap; on underflow, one read from the network first (end of stream fails). */
    private SSLEngineResult unwrap() throws IOException {
      while (true) {
        app.clear();
        SSLEngineResult r = engine.unwrap(netIn, app);
        check(r);
        app.flip();
        byte[] b = new byte[app.remaining()];
        app.get(b);
        received.write(b, 0, b.length);
        if (r.getStatus() != Status.BUFFER_UNDERFLOW) {
          return r;
        }
        netIn.compact();
        int n = in.read(netIn);
        netIn.flip();
        if (n < 0) {
          engine.closeInbound(); // throws: the stream ended before the peer's CLOSE
          throw new AssertionError("closeInbound accepted a stream without CLOSE");
        }
      }
    }

    void handshake() throws IOException {
      engine.beginHandshake();
      while (finished == 0) {
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_WRAP) {
          wrap(new ByteBuffer[0]);
        } else {
          assertEquals(HandshakeStatus.NEED_UNWRAP, hs);
          unwrap();
        }
      }
    }

    void write(byte[] data, List<Integer> sizes) throws IOException {
      int at = 0;
      for (int i = 0; at < data.length; i++) {
        int n = Math.min(sizes.get(i % sizes.size()), data.length - at);
        ByteBuffer src = ByteBuffer.wrap(data, at, n);
        while (src.hasRemaining()) {
          SSLEngineResult r = wrap(new ByteBuffer[] {src});
          assertEquals(Status.OK, r.getStatus());
        }
        at += n;
      }
    }

    void close() throws IOException {
      engine.closeOutbound();
      while (!engine.isOutboundDone()) {
        wrap(new ByteBuffer[0]);
      }
    }

    /** Unwraps to the peer's CLOSE, answering control records as the status asks. */
    byte[] readToClose() throws IOException {
      int from = received.size();
      while (!engine.isInboundDone()) {
        SSLEngineResult r = unwrap();
        if (r.getStatus() == Status.CLOSED) {
          break;
        }
        while (!engine.isOutboundDone()
            && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          wrap(new ByteBuffer[0]);
        }
      }
      engine.closeInbound();
      byte[] all = received.toByteArray();
      return java.util.Arrays.copyOfRange(all, from, all.length);
    }
  }

  // --------------------------------------------------------------------------- bit flips

  /**
   * One bit flipped anywhere in either direction of a whole conversation (handshake, data both
   * ways, both CLOSEs) is rejected: the receiving engine fails with a typed SSLException, nothing
   * unsent is delivered, and the failed engines answer CLOSED ({@link
   * EnginePair#assertFlipRejected}).
   */
  @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
  void anySingleBitFlipIsRejected(
      @ForAll("smallLengths") int c2sLength,
      @ForAll("smallLengths") int s2cLength,
      @ForAll long seed,
      @ForAll boolean fromClient,
      @ForAll("fractions") double where,
      @ForAll("paddings") int padding,
      @ForAll("policies") RekeyPolicy policy,
      @ForAll boolean xx)
      throws Exception {
    AgentSocketConfig.Builder cb = clientConfig().padding(padding).rekeyPolicy(policy);
    if (xx) {
      cb.cipherSuites(XX);
    }
    AgentSocketConfig client = cb.build();
    AgentSocketConfig server = serverConfig().rekeyPolicy(policy).build();
    Supplier<EnginePair> pairs = () -> new EnginePair(client, server);
    byte[] c2s = EngineContractTest.random(c2sLength, seed);
    byte[] s2c = EngineContractTest.random(s2cLength, ~seed);
    // The stream's length, from a run with an out-of-range flip that changes nothing.
    long[] length = new long[1];
    EnginePair clean = pairs.get();
    clean.wire =
        (dir, offset, b) -> {
          if (dir == fromClient) {
            length[0] += b.length;
          }
        };
    clean.client.send(c2s);
    clean.server.send(s2c);
    clean.client.closeAfterSending = true;
    clean.server.closeAfterSending = true;
    clean.handshake();
    assertArrayEquals(c2s, clean.server.received.toByteArray());
    long bit = Math.min(8 * length[0] - 1, (long) (where * 8 * length[0]));
    // Rekey timers and DH steps can make a retried stream a few bytes longer or shorter; a flip
    // that falls past the end of a shorter run is retried further in.
    EnginePair p = EnginePair.assertFlipRejected(pairs, fromClient, bit, c2s, s2c);
    if (p == null) {
      assertNotNull(EnginePair.assertFlipRejected(pairs, fromClient, bit / 2, c2s, s2c));
    }
  }

  // --------------------------------------------------------------------------- arbitraries

  @Provide
  Arbitrary<Integer> lengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(0, 1, 16383, 16384, 16385, MAX_PAYLOAD)),
        Tuple.of(1, Arbitraries.integers().between(0, 3000)),
        Tuple.of(3, Arbitraries.integers().between(0, MAX_PAYLOAD).withDistribution(UNIFORM)));
  }

  @Provide
  Arbitrary<Integer> smallLengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(0, 1, 16384)),
        Tuple.of(3, Arbitraries.integers().between(0, 20_000)));
  }

  /** Network delivery sizes, from single bytes to several frames at once. */
  @Provide
  Arbitrary<List<Integer>> deliveries() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(1, 2, 3, 4, 5, 6)),
            Tuple.of(1, Arbitraries.of(16644, 16645, 16646, 16869, 40_000)),
            Tuple.of(8, Arbitraries.integers().between(1, 20_000).withDistribution(UNIFORM)));
    return size.list().ofMinSize(1).ofMaxSize(6);
  }

  /** Application write sizes. */
  @Provide
  Arbitrary<List<Integer>> writes() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(1, 2, 3)),
            Tuple.of(1, Arbitraries.of(16383, 16384, 16385, 32768, 100_000)),
            Tuple.of(4, Arbitraries.integers().between(1, 40_000).withDistribution(UNIFORM)));
    return size.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<Integer> paddings() {
    return Arbitraries.of(0, 1, 16, 256, 1000, 10000, 16384);
  }

  @Provide
  Arbitrary<RekeyPolicy> policies() {
    return Arbitraries.of(RekeyPolicy.DEFAULT, RekeyPolicy.FREQUENT, EAGER);
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1);
  }
}
