package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import io.agentwire.testsupport.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocket;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of the byte stream over real AgentWire loopback connections: whatever the payload, the
 * sizes of the application's writes and reads, the padding and the rekey policy, an echo server
 * sends back exactly the bytes it got, and the connection ends with a clean EOF after {@code
 * shutdownOutput()}. Identities are made once; one echo server per configuration serves every try.
 * Each try is bounded in time (jqwik has no {@code @Timeout}): reads time out through {@code
 * soTimeout}, and every helper thread is waited for with a deadline.
 */
class StreamProperties {

  private static final RandomDistribution UNIFORM = RandomDistribution.uniform();
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int MAX_PAYLOAD = 300 * 1024;
  private static final long TRY_SECONDS = 20;
  private static final AgentIdentity SERVER = AgentIdentity.generate();
  private static final AgentIdentity CLIENT = AgentIdentity.generate();
  private static final String RAW_PROLOGUE = "StreamProperties raw";

  /** Aggressive on purpose: a symmetric rekey every few records, a DH step every millisecond. */
  private static final RekeyPolicy SERVER_REKEY = RekeyPolicy.of(3, 5000, Duration.ofMillis(1));

  /** The echo server reads with these sizes in turn, so its reads vary too. */
  private static final int[] SERVER_READS = {1, 7, 512, 8192, 16384, 65536, 70000, 3, 65519};

  /**
   * The most application bytes one record carries: 2^14 in AgentWire mode (a DATA record), 65519 in
   * raw mode (a Noise message less its tag). Sizes around both, and their multiples, are where
   * writes split.
   */
  private static final int AGENTWIRE_RECORD = WireFormat.MAX_DATA;

  private static final int RAW_RECORD = WireFormat.RAW_MAX_BODY - 16;

  private static final Map<String, EchoServer> SERVERS = new ConcurrentHashMap<>();
  private static final Map<EchoServer, Integer> FAILURES_SEEN = new ConcurrentHashMap<>();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stream-properties");
            t.setDaemon(true);
            return t;
          });

  @AfterContainer
  static void closeServers() throws IOException {
    for (EchoServer s : SERVERS.values()) {
      s.close();
    }
    SERVERS.clear();
    POOL.shutdownNow();
  }

  // ----------------------------------------------------------------------------- properties

  /** AgentWire mode, XX: any payload, any write and read sizes, any padding on either side. */
  @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
  void echoPreservesTheStream(
      @ForAll("lengths") int length,
      @ForAll long seed,
      @ForAll("writeSizes") List<Integer> writes,
      @ForAll("readSizes") List<Integer> reads,
      @ForAll("paddings") int clientPadding,
      @ForAll("paddings") int serverPadding,
      @ForAll("suites") String suite)
      throws Exception {
    EchoServer server =
        server("agentwire padding " + serverPadding, serverConfig().padding(serverPadding));
    AgentSocketConfig client = clientConfig().cipherSuites(suite).padding(clientPadding).build();
    byte[] payload = payload(length, seed);
    exchange(
        server,
        () -> {
          try (SSLSocket s = connect(client, server)) {
            assertEquals(suite, s.getSession().getCipherSuite());
            collectWriteKinds(plan(length, writes, false), length, AGENTWIRE_RECORD);
            assertArrayEquals(payload, halfCloseEcho(s, payload, writes, reads));
          }
        });
  }

  /** Raw mode: the same, with length-prefixed Noise messages and TCP EOF as the end. */
  @Property(tries = 20, shrinking = ShrinkingMode.BOUNDED)
  void rawEchoPreservesTheStream(
      @ForAll("lengths") int length,
      @ForAll long seed,
      @ForAll("writeSizes") List<Integer> writes,
      @ForAll("readSizes") List<Integer> reads,
      @ForAll("rawProtocols") String protocol)
      throws Exception {
    byte[] prologue = RAW_PROLOGUE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    EchoServer server =
        server(
            "raw " + protocol,
            AgentSocketConfig.builder()
                .raw(protocol, prologue)
                .identity(SERVER)
                .peerKey(CLIENT.publicKey()) // used by KK
                .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey())));
    AgentSocketConfig client =
        AgentSocketConfig.builder()
            .raw(protocol, prologue)
            .identity(CLIENT)
            .peerKey(SERVER.publicKey()) // used by KK
            .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
            .build();
    byte[] payload = payload(length, seed);
    exchange(
        server,
        () -> {
          try (SSLSocket s = connect(client, server)) {
            assertEquals("Noise", s.getSession().getProtocol());
            collectWriteKinds(plan(length, writes, false), length, RAW_RECORD);
            assertArrayEquals(payload, halfCloseEcho(s, payload, writes, reads));
          }
        });
  }

  /**
   * Symmetric rekeys every few records and DH steps every millisecond on both sides, while a reader
   * thread and a writer thread use the client at once: the exchange still round-trips exactly. The
   * client half-closes only once it has read the whole echo, and then sees EOF.
   */
  @Property(tries = 15, shrinking = ShrinkingMode.BOUNDED)
  void rekeyAndDhStepsUnderConcurrency(
      @ForAll @IntRange(min = 100_000, max = MAX_PAYLOAD) int length,
      @ForAll long seed,
      @ForAll("smallWriteSizes") List<Integer> writes,
      @ForAll("readSizes") List<Integer> reads,
      @ForAll @IntRange(min = 1, max = 8) int rekeyMessages,
      @ForAll @IntRange(min = 1, max = 20_000) int rekeyBytes)
      throws Exception {
    EchoServer server = rekeyServer();
    AgentSocketConfig client =
        clientConfig()
            .cipherSuites("Noise_XX_25519_ChaChaPoly_BLAKE2s")
            .rekeyPolicy(RekeyPolicy.of(rekeyMessages, rekeyBytes, Duration.ofMillis(1)))
            .build();
    byte[] payload = payload(length, seed);
    exchange(
        server,
        () -> {
          try (SSLSocket s = connect(client, server)) {
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TRY_SECONDS));
            InputStream in = s.getInputStream();
            Future<byte[]> reader = POOL.submit(() -> readSome(in, reads, payload.length));
            Future<Void> writer =
                POOL.submit(
                    () -> {
                      write(s.getOutputStream(), payload, plan(payload.length, writes, true));
                      return null;
                    });
            byte[] echoed = awaitBoth(writer, reader, s);
            assertArrayEquals(payload, echoed);
            s.shutdownOutput();
            assertEquals(-1, in.read(), "EOF after the server answered our close");
            assertEquals(-1, in.read(), "EOF stays EOF");
          }
        });
  }

  /**
   * The common request/response shape under the same aggressive rekey policy: write everything,
   * {@code shutdownOutput()} at once, read the whole answer. The server keeps sending, and keeps
   * taking DH steps, after our half-close; the stream must still arrive whole and end cleanly.
   */
  @Property(tries = 15, shrinking = ShrinkingMode.BOUNDED)
  void halfCloseWhileThePeerKeepsRekeying(
      @ForAll @IntRange(min = 100_000, max = MAX_PAYLOAD) int length,
      @ForAll long seed,
      @ForAll("smallWriteSizes") List<Integer> writes,
      @ForAll("readSizes") List<Integer> reads)
      throws Exception {
    EchoServer server = rekeyServer();
    AgentSocketConfig client =
        clientConfig()
            .cipherSuites("Noise_XX_25519_ChaChaPoly_BLAKE2s")
            .rekeyPolicy(RekeyPolicy.of(4, 10_000, Duration.ofMillis(1)))
            .build();
    byte[] payload = payload(length, seed);
    exchange(
        server,
        () -> {
          try (SSLSocket s = connect(client, server)) {
            assertArrayEquals(payload, halfCloseEcho(s, payload, writes, reads));
          }
        });
  }

  // ---------------------------------------------------------------------------- generators

  @Provide
  Arbitrary<Integer> lengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(
                0,
                1,
                2,
                16381,
                16383,
                16384,
                16385,
                32768,
                32769,
                49152,
                65515,
                65516,
                65517,
                65519,
                65520,
                131032,
                131033,
                196548,
                MAX_PAYLOAD)),
        Tuple.of(1, Arbitraries.integers().between(0, 5000)),
        Tuple.of(3, Arbitraries.integers().between(0, MAX_PAYLOAD).withDistribution(UNIFORM)));
  }

  /** Sizes of successive writes, 0 and 1 byte included; what is left goes in one last write. */
  @Provide
  Arbitrary<List<Integer>> writeSizes() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(0, 1, 1, 1, 2, 3)),
            Tuple.of(1, Arbitraries.of(16383, 16384, 16385, 32768, 32769)),
            Tuple.of(2, Arbitraries.of(65515, 65516, 65517, 65519, 65520, 70000, 131072, 200_000)),
            Tuple.of(3, Arbitraries.integers().between(1, 150_000).withDistribution(UNIFORM)));
    return size.list().ofMaxSize(60);
  }

  /** Many writes of up to 20 KB, so records (and rekeys) are many. */
  @Provide
  Arbitrary<List<Integer>> smallWriteSizes() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(1, 2, 3)),
            Tuple.of(4, Arbitraries.integers().between(1, 20_000)));
    return size.list().ofMinSize(1).ofMaxSize(40);
  }

  /** Read buffer sizes, used in turn; 0 stands for the single-byte {@code read()}. */
  @Provide
  Arbitrary<List<Integer>> readSizes() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.of(0, 1, 2, 3)),
            Tuple.of(1, Arbitraries.of(16383, 16384, 16385, 32768)),
            Tuple.of(2, Arbitraries.of(65515, 65516, 65519, 65536, 70000, 300_000)),
            Tuple.of(3, Arbitraries.integers().between(1, 100_000).withDistribution(UNIFORM)));
    return size.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<Integer> paddings() {
    return Arbitraries.of(0, 1, 16, 256, 1000, 4096);
  }

  @Provide
  Arbitrary<String> suites() {
    return Arbitraries.of("Noise_XX_25519_ChaChaPoly_BLAKE2s", "Noise_XX_25519_AESGCM_SHA256");
  }

  @Provide
  Arbitrary<String> rawProtocols() {
    return Arbitraries.of("Noise_XX_25519_ChaChaPoly_BLAKE2s", "Noise_KK_25519_AESGCM_SHA256");
  }

  // ------------------------------------------------------------------------------ helpers

  private static AgentSocketConfig.Builder serverConfig() {
    return AgentSocketConfig.builder()
        .identity(SERVER)
        .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()));
  }

  private static AgentSocketConfig.Builder clientConfig() {
    return AgentSocketConfig.builder()
        .identity(CLIENT)
        .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()));
  }

  private static EchoServer rekeyServer() {
    return server("agentwire rekey", serverConfig().padding(16).rekeyPolicy(SERVER_REKEY));
  }

  private static EchoServer server(String key, AgentSocketConfig.Builder config) {
    return SERVERS.computeIfAbsent(
        key,
        k -> {
          try {
            return new EchoServer(
                new AgentServerSocketFactory(config.build()), StreamProperties::echo);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Echoes with varying read sizes until EOF, then half-closes (AgentWire sends its close). */
  private static void echo(Socket s) throws IOException {
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TRY_SECONDS));
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    byte[] buf = new byte[70000];
    int i = 0;
    int n;
    while ((n = in.read(buf, 0, SERVER_READS[i++ % SERVER_READS.length])) >= 0) {
      out.write(buf, 0, n);
    }
    s.shutdownOutput();
  }

  private static SSLSocket connect(AgentSocketConfig config, EchoServer server) throws IOException {
    SSLSocket s = (SSLSocket) new AgentSocketFactory(config).createSocket(LOOPBACK, server.port());
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TRY_SECONDS));
    s.startHandshake();
    return s;
  }

  /**
   * Writes {@code payload} in the given sizes and half-closes, while another thread reads until
   * EOF; returns what it read, after checking that EOF is clean and stays EOF.
   */
  private static byte[] halfCloseEcho(
      SSLSocket s, byte[] payload, List<Integer> writes, List<Integer> reads) throws Exception {
    List<Integer> plan = plan(payload.length, writes, false);
    InputStream in = s.getInputStream();
    Future<byte[]> reader = POOL.submit(() -> readSome(in, reads, -1));
    Future<Void> writer =
        POOL.submit(
            () -> {
              write(s.getOutputStream(), payload, plan);
              s.shutdownOutput();
              return null;
            });
    byte[] got = awaitBoth(writer, reader, s);
    assertEquals(-1, in.read(), "EOF stays EOF");
    return got;
  }

  /**
   * The sizes of the writes that send {@code length} bytes: the given sizes (0 included), then the
   * rest at once; with {@code cycle}, the given sizes repeat until everything is sent.
   */
  private static List<Integer> plan(int length, List<Integer> sizes, boolean cycle) {
    List<Integer> plan = new ArrayList<>();
    int off = 0;
    int i = 0;
    while (off < length && (cycle || i < sizes.size())) {
      int n = Math.min(sizes.get(i++ % sizes.size()), length - off);
      plan.add(n);
      off += n;
    }
    if (off < length || plan.isEmpty()) {
      plan.add(length - off);
    }
    return plan;
  }

  /** Writes {@code payload} in the planned sizes, using write(int) for every other 1-byte write. */
  private static void write(OutputStream out, byte[] payload, List<Integer> plan)
      throws IOException {
    int off = 0;
    int i = 0;
    for (int n : plan) {
      if (n == 1 && (i++ & 1) == 0) {
        out.write(payload[off]);
      } else {
        out.write(payload, off, n);
      }
      off += n;
    }
  }

  /** Records which kinds of writes a try made, and checks that the whole run made each kind. */
  private static void collectWriteKinds(List<Integer> plan, int length, int record) {
    Statistics.label("a 1-byte write").collect(plan.contains(1));
    Statistics.label("a write of more than one record")
        .collect(plan.stream().anyMatch(n -> n > record));
    Statistics.label("more than 2 records of data").collect(length > 2 * record);
    Statistics.label("a 1-byte write").coverage(c -> c.check(true).count(n -> n > 0));
    Statistics.label("a write of more than one record")
        .coverage(c -> c.check(true).count(n -> n > 0));
    Statistics.label("more than 2 records of data").coverage(c -> c.check(true).count(n -> n > 0));
  }

  /** Reads until EOF ({@code limit < 0}) or exactly {@code limit} bytes, sizes used in turn. */
  private static byte[] readSome(InputStream in, List<Integer> sizes, int limit)
      throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[300_000];
    int i = 0;
    while (limit < 0 || got.size() < limit) {
      int size = sizes.get(i++ % sizes.size());
      if (limit >= 0) {
        size = Math.min(size, limit - got.size());
      }
      if (size == 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        got.write(b);
      } else {
        int n = in.read(buf, 0, size);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          throw new AssertionError("read of " + size + " bytes returned 0");
        }
        got.write(buf, 0, n);
      }
    }
    return got.toByteArray();
  }

  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs one try against {@code server}; if it fails, the server's side of the story (its own
   * exception, if any) is attached. Then checks that the server ended this connection well.
   */
  private static void exchange(EchoServer server, Body body) throws Exception {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      server.awaitEnded(server.accepted.size());
      int seen = FAILURES_SEEN.getOrDefault(server, 0);
      for (Throwable t : server.failures.subList(seen, server.failures.size())) {
        e.addSuppressed(new AssertionError("meanwhile the echo server failed: " + t, t));
      }
      FAILURES_SEEN.put(server, server.failures.size());
      throw e;
    }
    assertServerClean(server);
  }

  /**
   * Waits for the writer and the reader; if either fails, the other's failure (often the first
   * cause: one thread's failure closes the socket under the other) is attached to it.
   */
  private static byte[] awaitBoth(Future<Void> writer, Future<byte[]> reader, Socket s)
      throws Exception {
    Exception first = null;
    try {
      await(writer, s);
    } catch (Exception e) {
      first = e;
    }
    try {
      byte[] got = await(reader, s);
      if (first != null) {
        throw first;
      }
      return got;
    } catch (Exception e) {
      if (first == null) {
        throw e;
      }
      if (e != first) {
        first.addSuppressed(new AssertionError("the reader thread failed too: " + e, e));
      }
      throw first;
    }
  }

  private static <T> T await(Future<T> f, Socket s) throws Exception {
    try {
      return f.get(TRY_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      s.close();
      f.cancel(true);
      throw new AssertionError("no progress within " + TRY_SECONDS + " s", e);
    } catch (ExecutionException e) {
      s.close();
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw new AssertionError(e.getCause());
    }
  }

  /** Waits for the server to finish this connection, and checks that it ended well. */
  private static void assertServerClean(EchoServer server) throws InterruptedException {
    server.awaitEnded(server.accepted.size());
    int seen = FAILURES_SEEN.getOrDefault(server, 0);
    List<Throwable> failures =
        new ArrayList<>(server.failures.subList(seen, server.failures.size()));
    FAILURES_SEEN.put(server, server.failures.size());
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("the echo server failed: " + failures.get(0));
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static byte[] payload(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }
}
