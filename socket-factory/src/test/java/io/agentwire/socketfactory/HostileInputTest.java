package io.agentwire.socketfactory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerificationException;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import io.agentwire.testsupport.EchoServer;
import io.agentwire.testsupport.MitmProxy;
import io.agentwire.testsupport.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An active attacker between client and server (a {@link MitmProxy}) and hostile clients: every
 * alteration must end the connection with an {@link SSLException} on the side that receives it,
 * never a runtime exception, a hang, or data that differs from what was sent.
 */
class HostileInputTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();
  private static final byte[][] CHUNKS = {pattern(100, 1), pattern(100, 2), pattern(100, 3)};
  private static final byte[] ALL = concat(CHUNKS);
  private static final ExecutorService POOL = TestThreads.daemonPool("hostile-test");

  /** AgentWire's frames as the proxy cuts them: a TLS-shaped header ending in the u16 length. */
  static final MitmProxy.FrameFormat WIRE =
      MitmProxy.FrameFormat.endingInU16Length(WireFormat.HEADER_BYTES);

  @AfterAll
  static void shutdown() {
    POOL.shutdownNow();
  }

  // ------------------------------------------------------------------------------ harness

  static AgentSocketConfig.Builder serverConfig() {
    return AgentSocketConfig.builder()
        .identity(SERVER_ID)
        .peerVerifier(PeerVerifier.anyPeer())
        .handshakeTimeout(Duration.ofSeconds(1));
  }

  static AgentSocketConfig.Builder clientConfig() {
    return AgentSocketConfig.builder()
        .identity(CLIENT_ID)
        .peerVerifier(PeerVerifier.anyPeer())
        .handshakeTimeout(Duration.ofSeconds(1));
  }

  /** How one end of a connection ended. */
  static final class Side {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile Throwable error;
    volatile boolean finished;

    /** What a read after the failure gave: "-1", a byte, or the exception. */
    volatile Object readAfterError;

    byte[] bytes() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    String describe() {
      if (error == null) {
        return finished ? "clean end" : "no result";
      }
      return error.getClass().getName() + ": " + error.getMessage();
    }
  }

  static final class Run {
    final Side client = new Side();
    final Side server = new Side();
    volatile String clientSuite;
  }

  /**
   * The client connects through a proxy, writes each chunk as one record, half-closes, and reads to
   * the end; the server echoes what it reads and half-closes at the client's close record.
   */
  static Run runEcho(
      AgentSocketConfig serverCfg,
      AgentSocketConfig clientCfg,
      MitmProxy.Direction c2s,
      MitmProxy.Direction s2c)
      throws Exception {
    Run run = new Run();
    try (ServerSocket ss =
            new AgentServerSocketFactory(serverCfg)
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        MitmProxy proxy = new MitmProxy(ss.getLocalPort(), c2s, s2c)) {
      Future<?> server = POOL.submit(() -> serveEcho(ss, run.server));
      clientEcho(clientCfg, proxy.port(), run);
      try {
        server.get(20, SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        run.server.error = new AssertionError("the server hung for 20 s");
        server.cancel(true);
      }
    }
    return run;
  }

  private static void serveEcho(ServerSocket ss, Side side) {
    try {
      ss.setSoTimeout(10_000);
      try (Socket s = ss.accept()) {
        s.setSoTimeout(10_000); // a hang shows as SocketTimeoutException, reported as a hang
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
          synchronized (side.received) {
            side.received.write(buf, 0, n);
          }
          out.write(buf, 0, n);
        }
        s.shutdownOutput();
        side.finished = true;
      }
    } catch (Throwable t) {
      side.error = t;
    }
  }

  private static void clientEcho(AgentSocketConfig cfg, int port, Run run) {
    Side side = run.client;
    try (Socket s = new AgentSocketFactory(cfg).createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      try {
        OutputStream out = s.getOutputStream();
        ((SSLSocket) s).startHandshake();
        run.clientSuite = ((SSLSocket) s).getSession().getCipherSuite();
        for (byte[] chunk : CHUNKS) {
          out.write(chunk);
        }
        s.shutdownOutput();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
          synchronized (side.received) {
            side.received.write(buf, 0, n);
          }
        }
        side.finished = true;
      } catch (Throwable t) {
        side.error = t;
        try {
          side.readAfterError = in.read();
        } catch (Throwable again) {
          side.readAfterError = again;
        }
      }
    } catch (Throwable t) {
      if (side.error == null) {
        side.error = t;
      }
    }
  }

  /** Frame sizes of an unaltered connection, per direction. */
  static final class Layout {
    final List<Integer> c2s = new CopyOnWriteArrayList<>();
    final List<Integer> s2c = new CopyOnWriteArrayList<>();

    static long sum(List<Integer> sizes, int from, int to) {
      long s = 0;
      for (int i = from; i < to; i++) {
        s += sizes.get(i);
      }
      return s;
    }
  }

  static Layout layout(AgentSocketConfig serverCfg, AgentSocketConfig clientCfg) throws Exception {
    Layout layout = new Layout();
    Run run =
        runEcho(serverCfg, clientCfg, frames(recorder(layout.c2s)), frames(recorder(layout.s2c)));
    assertNull(run.client.error, "baseline client: " + run.client.describe());
    assertNull(run.server.error, "baseline server: " + run.server.describe());
    assertArrayEquals(ALL, run.client.bytes(), "baseline echo");
    return layout;
  }

  private static MitmProxy.FrameEditor recorder(List<Integer> sizes) {
    return (i, f) -> {
      sizes.add(f.length);
      return List.of(f);
    };
  }

  private static MitmProxy.FrameEditor unchanged() {
    return (i, f) -> List.of(f);
  }

  /** Edits AgentWire's frames one by one. */
  static MitmProxy.Direction frames(MitmProxy.FrameEditor editor) {
    return MitmProxy.frames(WIRE, editor);
  }

  /** Problems with one altered connection whose alteration reached {@code receiver}. */
  static List<String> judge(String what, Run run, boolean serverReceives) {
    List<String> problems = new ArrayList<>();
    Side receiver = serverReceives ? run.server : run.client;
    Side other = serverReceives ? run.client : run.server;
    String rName = serverReceives ? "server" : "client";
    String oName = serverReceives ? "client" : "server";
    if (hung(run.client) || hung(run.server)) {
      problems.add(
          what + ": hang (client " + run.client.describe() + "; server " + run.server.describe());
    }
    if (!(receiver.error instanceof SSLException)) {
      problems.add(what + ": the " + rName + " ended with " + receiver.describe());
    }
    if (other.error != null && !(other.error instanceof IOException)) {
      problems.add(what + ": the " + oName + " ended with " + other.describe());
    }
    if (serverReceives && run.client.error == null) {
      problems.add(what + ": the client ended cleanly although the server failed");
    }
    if (!isPrefix(run.server.bytes(), ALL)) {
      problems.add(what + ": the server received wrong data");
    }
    if (!isPrefix(run.client.bytes(), ALL)) {
      problems.add(what + ": the client received wrong data");
    }
    for (Side s : List.of(run.client, run.server)) {
      if (s.error != null && s.readAfterError instanceof Integer) {
        problems.add(what + ": a read after " + s.describe() + " returned " + s.readAfterError);
      }
    }
    return problems;
  }

  private static boolean hung(Side s) {
    return s.error instanceof SocketTimeoutException || s.error instanceof AssertionError;
  }

  static boolean isPrefix(byte[] got, byte[] all) {
    return got.length <= all.length && Arrays.equals(got, Arrays.copyOf(all, got.length));
  }

  private static List<String> runAll(List<Callable<List<String>>> trials) throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(8);
    try {
      List<String> problems = new ArrayList<>();
      for (Future<List<String>> f : workers.invokeAll(trials)) {
        problems.addAll(f.get());
      }
      return problems;
    } finally {
      workers.shutdownNow();
    }
  }

  private static void assertNoProblems(int trials, List<String> problems) {
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " of "
              + trials
              + " altered connections misbehaved; the first ones:\n  "
              + String.join("\n  ", problems.subList(0, Math.min(25, problems.size()))));
    }
  }

  // ------------------------------------------------------------------------ (a) bit flips

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBitFlipAnywhereInAnXxConnectionEndsItWithAnSslException() throws Exception {
    sweepBitFlips(serverConfig().build(), clientConfig().build(), "Noise_XX_", true);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBitFlipAnywhereInAnIkHandshakeEndsItWithAnSslException() throws Exception {
    sweepBitFlips(
        serverConfig().build(),
        clientConfig().peerKey(SERVER_ID.publicKey()).build(),
        "Noise_IK_",
        false);
  }

  /**
   * Flips one bit (chosen at random for each offset) at every handshake byte in both directions,
   * and, when {@code data}, at every byte of the data and close records too: one connection per
   * offset.
   */
  private void sweepBitFlips(
      AgentSocketConfig serverCfg, AgentSocketConfig clientCfg, String suite, boolean data)
      throws Exception {
    Run baseline = runEcho(serverCfg, clientCfg, MitmProxy.pass(), MitmProxy.pass());
    assertTrue(baseline.clientSuite.startsWith(suite), baseline.clientSuite);
    Layout layout = layout(serverCfg, clientCfg);
    int clientMessages = suite.equals("Noise_XX_") ? 2 : 1;
    long c2sHandshake = Layout.sum(layout.c2s, 0, clientMessages);
    long s2cHandshake = layout.s2c.get(0);
    long c2sEnd = data ? Layout.sum(layout.c2s, 0, layout.c2s.size()) : c2sHandshake;
    long s2cEnd = data ? Layout.sum(layout.s2c, 0, layout.s2c.size()) : s2cHandshake;
    Random random = new Random(20261125);
    List<Callable<List<String>>> trials = new ArrayList<>();
    for (int dir = 0; dir < 2; dir++) {
      boolean c2s = dir == 0;
      long handshakeEnd = c2s ? c2sHandshake : s2cHandshake;
      long end = c2s ? c2sEnd : s2cEnd;
      for (long k = 0; k < end; k++) {
        long offset = k;
        int mask = 1 << random.nextInt(8);
        String what =
            (c2s ? "client->server" : "server->client")
                + " byte "
                + offset
                + (offset < handshakeEnd ? " (handshake)" : " (records)")
                + " ^ 0x"
                + Integer.toHexString(mask);
        trials.add(
            () -> {
              MitmProxy.Direction flip = MitmProxy.flip(offset, mask);
              Run run =
                  runEcho(
                      serverCfg,
                      clientCfg,
                      c2s ? flip : MitmProxy.pass(),
                      c2s ? MitmProxy.pass() : flip);
              return judge(what, run, c2s);
            });
      }
    }
    assertNoProblems(trials.size(), runAll(trials));
  }

  // -------------------------------------------------------- (b) replayed and dropped frames

  // Client to server frames in XX: 0 hello, 1 the third handshake message, 2..4 data, 5 close.
  // Server to client: 0 the response, 1..3 echoed data, 4 close.

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void replayedDuplicatedDroppedOrReorderedRecordsAreRejected() throws Exception {
    AgentSocketConfig s = serverConfig().build();
    AgentSocketConfig c = clientConfig().build();
    Layout layout = layout(s, c);
    assertEquals(6, layout.c2s.size(), "client frames " + layout.c2s);
    assertEquals(5, layout.s2c.size(), "server frames " + layout.s2c);
    List<String> problems = new ArrayList<>();

    // Each case: what the attacker does, and exactly the bytes the receiver may deliver first.
    Run dup = runEcho(s, c, frames((i, f) -> i == 2 ? List.of(f, f) : List.of(f)), pass());
    problems.addAll(judgeExactly("duplicate client record", dup, true, CHUNKS[0]));

    Run drop = runEcho(s, c, frames((i, f) -> i == 3 ? List.of() : List.of(f)), pass());
    problems.addAll(judgeExactly("drop client record", drop, true, CHUNKS[0]));

    AtomicReference<byte[]> held = new AtomicReference<>();
    Run swap =
        runEcho(
            s,
            c,
            frames(
                (i, f) -> {
                  if (i == 2) {
                    held.set(f);
                    return List.of();
                  }
                  return i == 3 ? List.of(f, held.get()) : List.of(f);
                }),
            pass());
    problems.addAll(judgeExactly("swap two client records", swap, true, new byte[0]));

    AtomicReference<byte[]> first = new AtomicReference<>();
    Run replay =
        runEcho(
            s,
            c,
            frames(
                (i, f) -> {
                  if (i == 2) {
                    first.set(f);
                  }
                  return i == 4 ? List.of(first.get(), f) : List.of(f);
                }),
            pass());
    problems.addAll(
        judgeExactly(
            "replay an earlier client record", replay, true, concat(CHUNKS[0], CHUNKS[1])));

    AtomicReference<byte[]> msg3 = new AtomicReference<>();
    Run replayHandshake =
        runEcho(
            s,
            c,
            frames(
                (i, f) -> {
                  if (i == 1) {
                    msg3.set(f);
                  }
                  return i == 2 ? List.of(msg3.get(), f) : List.of(f);
                }),
            pass());
    problems.addAll(
        judgeExactly(
            "replay the last handshake message as a record", replayHandshake, true, new byte[0]));
    problems.addAll(
        reason("replayed handshake frame", replayHandshake.server, FailureReason.MALFORMED));

    // The frame header is not authenticated: retyped as a transport frame, the same replayed
    // handshake message passes the header check and must fail authentication instead.
    Run replayRetyped =
        runEcho(
            s,
            c,
            frames(
                (i, f) -> {
                  if (i == 1) {
                    msg3.set(f);
                  }
                  return i == 2 ? List.of(retyped(msg3.get()), f) : List.of(f);
                }),
            pass());
    problems.addAll(
        judgeExactly(
            "replay the last handshake message retyped as a transport frame",
            replayRetyped,
            true,
            new byte[0]));
    problems.addAll(
        reason(
            "retyped handshake frame", replayRetyped.server, FailureReason.AUTHENTICATION_FAILED));

    Run dupServer = runEcho(s, c, pass(), frames((i, f) -> i == 1 ? List.of(f, f) : List.of(f)));
    problems.addAll(judgeExactly("duplicate server record", dupServer, false, CHUNKS[0]));

    Run dropServer = runEcho(s, c, pass(), frames((i, f) -> i == 2 ? List.of() : List.of(f)));
    problems.addAll(judgeExactly("drop server record", dropServer, false, CHUNKS[0]));

    // A record from another connection (same sizes, other keys) in place of the genuine one.
    AtomicReference<byte[]> foreign = new AtomicReference<>();
    runEcho(
        s,
        c,
        frames(
            (i, f) -> {
              if (i == 2) {
                foreign.set(f);
              }
              return List.of(f);
            }),
        pass());
    Run crossReplay =
        runEcho(s, c, frames((i, f) -> i == 2 ? List.of(foreign.get()) : List.of(f)), pass());
    problems.addAll(
        judgeExactly("a record from another connection", crossReplay, true, new byte[0]));

    assertNoProblems(9, problems);
  }

  private static List<String> reason(String what, Side side, FailureReason expected) {
    Optional<FailureReason> got = FailureReason.of(side.error);
    return got.equals(Optional.of(expected))
        ? List.of()
        : List.of(what + ": expected " + expected + ", got " + got + " from " + side.describe());
  }

  /** A copy of {@code frame} whose header says transport frame. */
  private static byte[] retyped(byte[] frame) {
    byte[] g = frame.clone();
    g[0] = WireFormat.TYPE_TRANSPORT;
    return g;
  }

  private static MitmProxy.Direction pass() {
    return MitmProxy.pass();
  }

  private static List<String> judgeExactly(
      String what, Run run, boolean serverReceives, byte[] delivered) {
    List<String> problems = judge(what, run, serverReceives);
    byte[] got = (serverReceives ? run.server : run.client).bytes();
    if (!Arrays.equals(delivered, got)) {
      problems.add(
          what
              + ": the receiver delivered "
              + got.length
              + " bytes, expected exactly the "
              + delivered.length
              + " before the alteration");
    }
    return problems;
  }

  // ------------------------------------------------------------------------- (c) truncation

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void endOfStreamWithoutACloseRecordIsReportedAsTruncation() throws Exception {
    AgentSocketConfig s = serverConfig().build();
    AgentSocketConfig c = clientConfig().build();
    Layout layout = layout(s, c);
    List<String> problems = new ArrayList<>();

    // The server's close record never arrives: all data, then EOF.
    Run noClose = runEcho(s, c, pass(), frames((i, f) -> i == 4 ? null : List.of(f)));
    problems.addAll(truncation("server close record cut", noClose, false, ALL));

    // EOF inside the second data record.
    long mid = Layout.sum(layout.s2c, 0, 2) + 10;
    Run inside = runEcho(s, c, pass(), MitmProxy.truncateAt(mid));
    problems.addAll(truncation("server stream cut inside a record", inside, false, CHUNKS[0]));

    // EOF right after the handshake, before any record.
    Run early = runEcho(s, c, pass(), frames((i, f) -> i == 1 ? null : List.of(f)));
    problems.addAll(truncation("server stream cut after the handshake", early, false, new byte[0]));

    // The same towards the server: it read every record, but not the client's close.
    Run clientNoClose = runEcho(s, c, frames((i, f) -> i == 5 ? null : List.of(f)), pass());
    problems.addAll(truncation("client close record cut", clientNoClose, true, ALL));

    long clientMid = Layout.sum(layout.c2s, 0, 3) + 1;
    Run clientInside = runEcho(s, c, MitmProxy.truncateAt(clientMid), pass());
    problems.addAll(truncation("client stream cut inside a record", clientInside, true, CHUNKS[0]));

    assertNoProblems(5, problems);
  }

  private static List<String> truncation(
      String what, Run run, boolean serverReceives, byte[] delivered) {
    List<String> problems = judgeExactly(what, run, serverReceives, delivered);
    Side receiver = serverReceives ? run.server : run.client;
    if (receiver.error != null
        && (receiver.error.getMessage() == null
            || !receiver.error.getMessage().contains("truncated"))) {
      problems.add(what + ": the exception does not say truncated: " + receiver.describe());
    }
    return problems;
  }

  // ---------------------------------------------------------------------- (d) garbage clients

  private static final byte[] TLS_CLIENT_HELLO_START = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03
  };

  /** A garbage client: writes what it likes on a plain socket, then waits to be dropped. */
  interface Garbage {
    void send(Socket s, Random random) throws Exception;
  }

  /** Offset of the hello body in the client's first frame. */
  private static final int HELLO = WireFormat.HEADER_BYTES;

  /**
   * A plausible first frame: the header, a version 2 hello header for XX with no extensions, and 32
   * bytes where message 1's ephemeral key goes.
   */
  private static byte[] goodHelloStart() {
    byte[] name = "Noise_XX_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    int body = WireFormat.HELLO_FIXED + name.length + WireFormat.EXTENSIONS_LENGTH_BYTES + 32;
    byte[] b = new byte[HELLO + body];
    handshakeHeader(b, body);
    b[HELLO] = WireFormat.MAGIC_0;
    b[HELLO + 1] = WireFormat.MAGIC_1;
    b[HELLO + 2] = WireFormat.VERSION;
    b[HELLO + 3] = WireFormat.FLAGS_NONE;
    b[HELLO + 4] = (byte) name.length;
    System.arraycopy(name, 0, b, HELLO + WireFormat.HELLO_FIXED, name.length);
    // ext_len stays 0 0: no extensions
    return b;
  }

  /** Writes a handshake frame header announcing {@code length} body bytes at {@code b[0]}. */
  static byte[] handshakeHeader(byte[] b, int length) {
    b[0] = WireFormat.TYPE_HANDSHAKE;
    b[1] = WireFormat.LEGACY_VERSION_MAJOR;
    b[2] = WireFormat.LEGACY_VERSION_MINOR;
    b[3] = (byte) (length >>> 8);
    b[4] = (byte) length;
    return b;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void garbageClientsFailWithinTheHandshakeTimeoutAndTheServerKeepsServing() throws Exception {
    List<Garbage> kinds =
        List.of(
            (s, r) -> {
              byte[] junk = new byte[1 + r.nextInt(300)];
              r.nextBytes(junk);
              s.getOutputStream().write(junk);
            },
            (s, r) ->
                s.getOutputStream()
                    .write(
                        "GET / HTTP/1.1\r\nHost: agent\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII)),
            (s, r) -> {
              byte[] hello = Arrays.copyOf(TLS_CLIENT_HELLO_START, 80);
              s.getOutputStream().write(hello);
            },
            // A header announcing the largest frame, then nothing.
            (s, r) ->
                s.getOutputStream().write(handshakeHeader(new byte[HELLO], WireFormat.MAX_BODY)),
            (s, r) -> {
              // A plausible hello, one byte per second, until the server drops it.
              byte[] hello = goodHelloStart();
              s.setSoTimeout(1000);
              for (byte b : hello) {
                s.getOutputStream().write(b);
                try {
                  if (s.getInputStream().read() == -1) {
                    return;
                  }
                } catch (SocketTimeoutException e) {
                  continue;
                }
              }
            });
    List<String> names =
        List.of(
            "random bytes", "HTTP", "TLS ClientHello", "16640 then silence", "1 byte per second");
    assertGarbageRejected(kinds, names, 10);
  }

  /**
   * Malformed AgentWire hellos are garbage too, and should fail the same way as the others: an
   * empty frame, a hello whose name runs past its end, a hello with an empty name, a frame longer
   * than any frame may be.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void malformedHellosFailAsHandshakeFailures() throws Exception {
    byte[] good = goodHelloStart();
    byte[] nameTooLong = good.clone();
    nameTooLong[HELLO + 4] = (byte) 200;
    byte[] emptyName = Arrays.copyOf(good, HELLO + WireFormat.HELLO_FIXED);
    handshakeHeader(emptyName, WireFormat.HELLO_FIXED);
    emptyName[HELLO + 4] = 0;
    byte[] tooLong = handshakeHeader(good.clone(), WireFormat.MAX_BODY + 1);
    List<Garbage> kinds =
        List.of(
            (s, r) -> s.getOutputStream().write(handshakeHeader(new byte[HELLO], 0)),
            (s, r) -> s.getOutputStream().write(nameTooLong),
            (s, r) -> s.getOutputStream().write(emptyName),
            (s, r) -> s.getOutputStream().write(tooLong));
    assertGarbageRejected(
        kinds,
        List.of("empty frame", "name longer than the hello", "empty name", "frame too long"),
        1);
  }

  private void assertGarbageRejected(List<Garbage> kinds, List<String> names, int eachTimes)
      throws Exception {
    AgentSocketConfig serverCfg = serverConfig().handshakeTimeout(Duration.ofMillis(500)).build();
    List<String> serverSide = new CopyOnWriteArrayList<>();
    try (EchoServer es =
        new EchoServer(
            new AgentServerSocketFactory(serverCfg),
            s -> {
              long t0 = System.nanoTime();
              try {
                EchoServer.ECHO.serve(s);
              } catch (Exception e) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (!(e instanceof SSLHandshakeException)) {
                  serverSide.add(e.getClass().getName() + ": " + e.getMessage());
                } else if (ms > 5000) {
                  serverSide.add("failed only after " + ms + " ms: " + e.getMessage());
                }
                throw e;
              }
            })) {
      int total = kinds.size() * eachTimes;
      ExecutorService clients = Executors.newFixedThreadPool(total);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        int kind = i % kinds.size();
        long seed = i;
        results.add(
            clients.submit(
                () -> {
                  long t0 = System.nanoTime();
                  try (Socket s = new Socket(InetAddress.getLoopbackAddress(), es.port())) {
                    kinds.get(kind).send(s, new Random(seed));
                    s.setSoTimeout(10_000);
                    try {
                      while (s.getInputStream().read() != -1) {
                        // a reject frame, if any
                      }
                    } catch (SocketTimeoutException e) {
                      return names.get(kind) + ": still connected after 10 s";
                    } catch (IOException e) {
                      // reset: dropped as well
                    }
                  } catch (IOException e) {
                    // a write after the server dropped us
                  }
                  long ms = (System.nanoTime() - t0) / 1_000_000;
                  return ms > 5000 ? names.get(kind) + ": dropped only after " + ms + " ms" : null;
                }));
      }
      List<String> problems = new ArrayList<>();
      for (Future<String> f : results) {
        String p = f.get(30, SECONDS);
        if (p != null) {
          problems.add("client " + p);
        }
      }
      clients.shutdownNow();
      es.awaitEnded(total);
      problems.addAll(serverSide);
      assertEquals(
          List.of(),
          problems,
          "each garbage client must be dropped within the 500 ms handshake timeout with an"
              + " SSLHandshakeException on the server");
      assertEquals(total, es.failures.size(), "server failures: " + es.failures);

      // The same server socket still serves a genuine client.
      try (Socket good =
          new AgentSocketFactory(clientConfig().build()).createSocket("127.0.0.1", es.port())) {
        good.setSoTimeout(10_000);
        good.getOutputStream().write(ALL);
        good.shutdownOutput();
        assertArrayEquals(ALL, good.getInputStream().readAllBytes());
      }
      es.awaitEnded(total + 1);
      assertEquals(1, es.served.get(), "failures after the good client: " + es.failures);
    }
  }

  // -------------------------------------------------------------------- (e) untrusted keys

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anUntrustedServerKeyIsRefusedNamingTheHostAndFingerprints() throws Exception {
    AgentSocketConfig s = serverConfig().build();
    String server = SERVER_ID.fingerprint();

    PeerTrustStore empty = PeerTrustStore.inMemory(false);
    Run unknown = runEcho(s, clientConfig().peerVerifier(empty).build(), pass(), pass());
    PeerVerificationException e1 =
        assertInstanceOf(
            PeerVerificationException.class, unknown.client.error, unknown.client.describe());
    assertTrue(e1.getMessage().contains("127.0.0.1"), e1.getMessage());
    assertTrue(e1.getMessage().contains(server), e1.getMessage());
    assertInstanceOf(IOException.class, unknown.server.error, unknown.server.describe());
    assertEquals(0, unknown.server.bytes().length);

    AgentIdentity old = AgentIdentity.generate();
    for (boolean xxOnly : new boolean[] {true, false}) {
      PeerTrustStore pinnedOld = PeerTrustStore.inMemory(false);
      pinnedOld.pin("127.0.0.1", old.publicKey());
      AgentSocketConfig.Builder b = clientConfig().peerVerifier(pinnedOld);
      if (xxOnly) {
        b.cipherSuites("Noise_XX_25519_ChaChaPoly_BLAKE2s");
      }
      Run changed = runEcho(s, b.build(), pass(), pass());
      String ctx = (xxOnly ? "XX: " : "IK first: ") + changed.client.describe();
      PeerVerificationException e2 =
          assertInstanceOf(PeerVerificationException.class, changed.client.error, ctx);
      assertTrue(e2.getMessage().contains("127.0.0.1"), ctx);
      assertTrue(e2.getMessage().contains(old.fingerprint()), ctx + " lacks the pinned key");
      assertTrue(e2.getMessage().contains(server), ctx + " lacks the presented key");
      assertEquals(0, changed.server.bytes().length);
    }
  }

  // ------------------------------------------------------------------ (f) protocol mismatch

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aProtocolMismatchNamesBothSidesProtocols() throws Exception {
    String aes = "Noise_XX_25519_AESGCM_SHA256";
    String chacha = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
    Run run =
        runEcho(
            serverConfig().cipherSuites(chacha).build(),
            clientConfig().cipherSuites(aes).build(),
            pass(),
            pass());
    SSLHandshakeException client =
        assertInstanceOf(SSLHandshakeException.class, run.client.error, run.client.describe());
    assertTrue(
        client.getMessage().contains(aes) && client.getMessage().contains(chacha),
        client.getMessage());
    SSLHandshakeException server =
        assertInstanceOf(SSLHandshakeException.class, run.server.error, run.server.describe());
    assertTrue(
        server.getMessage().contains(aes) && server.getMessage().contains(chacha),
        server.getMessage());
  }

  // ------------------------------------------------------------- (g) IK with a stale server key

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void ikWithAStaleKeyFallsBackUnlessTheStaleKeyIsPinned() throws Exception {
    AgentSocketConfig s = serverConfig().build();
    AgentIdentity old = AgentIdentity.generate();

    Run fresh = runEcho(s, clientConfig().peerKey(SERVER_ID.publicKey()).build(), pass(), pass());
    assertNull(fresh.client.error, fresh.client.describe());
    assertTrue(fresh.clientSuite.startsWith("Noise_IK_"), fresh.clientSuite);

    Run stale = runEcho(s, clientConfig().peerKey(old.publicKey()).build(), pass(), pass());
    assertNull(stale.client.error, stale.client.describe());
    assertNull(stale.server.error, stale.server.describe());
    assertTrue(stale.clientSuite.startsWith("Noise_XXfallback"), stale.clientSuite);
    assertArrayEquals(ALL, stale.client.bytes());

    PeerTrustStore store = PeerTrustStore.inMemory(false);
    store.pin("127.0.0.1", old.publicKey());
    Run pinned = runEcho(s, clientConfig().peerVerifier(store).build(), pass(), pass());
    PeerVerificationException e =
        assertInstanceOf(
            PeerVerificationException.class, pinned.client.error, pinned.client.describe());
    assertTrue(e.getMessage().contains(old.fingerprint()), e.getMessage());
    assertTrue(e.getMessage().contains(SERVER_ID.fingerprint()), e.getMessage());
    assertEquals(0, pinned.server.bytes().length, "no data reached the server");
  }

  // -------------------------------------------------------- (h) tampered cleartext negotiation

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void tamperingWithTheCleartextNegotiationFailsTheHandshake() throws Exception {
    String blake2s = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
    String blake2b = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
    // The server would accept the tampered name: only the prologue binding can catch it.
    AgentSocketConfig s = serverConfig().cipherSuites(blake2s, blake2b).build();
    AgentSocketConfig c = clientConfig().cipherSuites(blake2s).build();
    // the offset after the name in the hello frame
    int nameEnd = HELLO + WireFormat.HELLO_FIXED + blake2s.length();

    List<String> problems = new ArrayList<>();
    problems.addAll(
        tampered("hello name BLAKE2s -> BLAKE2b", s, c, true, helloEdit(nameEnd - 1, 'b')));
    problems.addAll(tampered("hello flags 0 -> 1", s, c, true, helloEdit(HELLO + 3, 1)));
    problems.addAll(tampered("hello version 2 -> 3", s, c, true, helloEdit(HELLO + 2, 3)));
    for (int type : new int[] {1, 2, 3}) {
      problems.addAll(tampered("response type 0 -> " + type, s, c, false, helloEdit(HELLO, type)));
    }
    // IK: a forged fallback response naming the right XXfallback protocol around the IK reply.
    AgentSocketConfig ik = clientConfig().peerKey(SERVER_ID.publicKey()).build();
    byte[] fb = "Noise_XXfallback_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    problems.addAll(
        tampered(
            "forged fallback response",
            serverConfig().build(),
            ik,
            false,
            f -> {
              // the IK reply after the ACCEPT byte, behind a FALLBACK naming XXfallback
              byte[] body = Arrays.copyOfRange(f, HELLO + 1, f.length);
              byte[] out = new byte[HELLO + 2 + fb.length + body.length];
              handshakeHeader(out, out.length - HELLO);
              out[HELLO] = WireFormat.RESPONSE_FALLBACK;
              out[HELLO + 1] = (byte) fb.length;
              System.arraycopy(fb, 0, out, HELLO + 2, fb.length);
              System.arraycopy(body, 0, out, HELLO + 2 + fb.length, body.length);
              return out;
            }));
    assertNoProblems(7, problems);
  }

  private static Function<byte[], byte[]> helloEdit(int index, int value) {
    return f -> {
      byte[] g = f.clone();
      g[index] = (byte) value;
      return g;
    };
  }

  private static List<String> tampered(
      String what,
      AgentSocketConfig s,
      AgentSocketConfig c,
      boolean clientFrame,
      Function<byte[], byte[]> edit)
      throws Exception {
    MitmProxy.FrameEditor e = (i, f) -> i == 0 ? List.of(edit.apply(f)) : List.of(f);
    Run run =
        runEcho(
            s,
            c,
            clientFrame ? frames(e) : frames(unchanged()),
            clientFrame ? frames(unchanged()) : frames(e));
    List<String> problems = new ArrayList<>(judge(what, run, !clientFrame));
    if (run.clientSuite != null || !(run.client.error instanceof SSLException)) {
      problems.add(
          what
              + ": the client's handshake did not fail with an SSLException: "
              + run.client.describe()
              + ", suite "
              + run.clientSuite);
    }
    if (run.server.bytes().length > 0 || run.client.bytes().length > 0) {
      problems.add(what + ": data crossed a tampered handshake");
    }
    return problems;
  }

  // ------------------------------------------------------------------------------ helpers

  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p, 0, p.length);
    }
    return b.toByteArray();
  }
}
