package io.agentwire.socketfactory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.EchoServer;
import io.agentwire.testsupport.TestThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many connections at once, and several threads on one connection, including close(). */
class ConcurrencyTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();
  private static final ExecutorService POOL = TestThreads.daemonPool("concurrency");

  @AfterAll
  static void shutdown() {
    POOL.shutdownNow();
  }

  static AgentSocketConfig.Builder serverConfig() {
    return AgentSocketConfig.builder().identity(SERVER_ID).peerVerifier(PeerVerifier.anyPeer());
  }

  static AgentSocketConfig.Builder clientConfig() {
    return AgentSocketConfig.builder().identity(CLIENT_ID).peerVerifier(PeerVerifier.anyPeer());
  }

  static AgentSocketFactory clients() {
    return new AgentSocketFactory(clientConfig().build());
  }

  static EchoServer echoServer() throws IOException {
    return new EchoServer(new AgentServerSocketFactory(serverConfig().build()), EchoServer.ECHO);
  }

  /** Writes {@code msg}, half-closes, and checks the whole echo. */
  static void echo(Socket s, byte[] msg) throws IOException {
    s.setSoTimeout(20_000);
    s.getOutputStream().write(msg);
    s.shutdownOutput();
    assertArrayEquals(msg, s.getInputStream().readAllBytes());
  }

  /** The stacks of this test's threads, for a failure message when something hangs. */
  static String threadDump() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      String name = e.getKey().getName();
      if (!name.startsWith("concurrency-") && !name.startsWith("pool-")) {
        continue;
      }
      b.append('\n').append(name).append(' ').append(e.getKey().getState());
      for (StackTraceElement el : e.getValue()) {
        if (el.getClassName().startsWith("io.agentwire") || el.getClassName().contains("Socket")) {
          b.append("\n    at ").append(el);
        }
      }
    }
    return b.toString();
  }

  /** Waits for {@code f}; a timeout is a hang, reported with the threads' stacks. */
  static <T> T await(Future<T> f, int seconds, String what) throws Exception {
    try {
      return f.get(seconds, SECONDS);
    } catch (TimeoutException e) {
      String dump = threadDump();
      f.cancel(true);
      fail(what + " did not finish within " + seconds + " s:" + dump);
      return null;
    }
  }

  /** What a future ended with: null for success, else its exception. */
  static Throwable outcome(Future<?> f, int seconds, String what) throws Exception {
    try {
      await(f, seconds, what);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  // -------------------------------------------------------------- (a) 200 connections at once

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void twoHundredConcurrentConnectionsAllHandshakeAndEcho() throws Exception {
    int n = 200;
    AgentSocketFactory factory = clients();
    try (EchoServer es = echoServer()) {
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        CountDownLatch allOpen = new CountDownLatch(n);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = i;
          results.add(
              pool.submit(
                  () -> {
                    try (SSLSocket s = (SSLSocket) factory.createSocket("127.0.0.1", es.port())) {
                      s.setSoTimeout(30_000);
                      s.startHandshake();
                      allOpen.countDown();
                      // Every connection is open and authenticated at the same time.
                      if (!allOpen.await(40, SECONDS)) {
                        return "connection " + id + ": the others never all connected";
                      }
                      byte[] msg = HostileInputTest.pattern(4096 + id, id);
                      echo(s, msg);
                      return null;
                    } catch (Throwable t) {
                      allOpen.countDown();
                      return "connection " + id + ": " + t;
                    }
                  }));
        }
        List<String> problems = new ArrayList<>();
        for (Future<String> f : results) {
          String p = await(f, 50, "a client");
          if (p != null) {
            problems.add(p);
          }
        }
        assertEquals(List.of(), problems);
      } finally {
        pool.shutdownNow();
      }
      es.awaitEnded(n);
      assertEquals(List.of(), es.failures, "server side");
      assertEquals(n, es.served.get());
    }
  }

  // ------------------------------------------------------- (b) close() unblocks other threads

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void closeFromAnotherThreadUnblocksABlockedReader() throws Exception {
    // The server completes the handshake and then neither sends nor reads: the client's read
    // blocks, and nothing the server does (such as answering our close record) can end it.
    CountDownLatch release = new CountDownLatch(1);
    try (EchoServer es =
        new EchoServer(
            new AgentServerSocketFactory(serverConfig().build()),
            s -> {
              ((SSLSocket) s).startHandshake();
              release.await();
            })) {
      for (boolean singleByte : new boolean[] {false, true}) {
        SSLSocket s = (SSLSocket) clients().createSocket("127.0.0.1", es.port());
        s.startHandshake();
        InputStream in = s.getInputStream();
        CountDownLatch reading = new CountDownLatch(1);
        Future<Integer> reader =
            POOL.submit(
                () -> {
                  reading.countDown();
                  return singleByte ? in.read() : in.read(new byte[100]);
                });
        reading.await();
        Thread.sleep(200); // let it block in the socket read
        assertFalse(reader.isDone(), "the server sent nothing, so the read must block");
        s.close();
        Throwable t = outcome(reader, 5, "a read blocked when close() was called");
        assertInstanceOf(
            IOException.class,
            t,
            "the blocked read must fail, not return " + (t == null ? reader.get() : ""));
        assertTrue(s.isClosed());
        assertThrows(IOException.class, () -> in.read());
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void closeFromAnotherThreadUnblocksAWriterStuckOnAFullWindow() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (EchoServer es =
        new EchoServer(
            new AgentServerSocketFactory(serverConfig().build()),
            s -> {
              ((SSLSocket) s).startHandshake();
              release.await(); // never reads: the client's writes fill the TCP window
            })) {
      SSLSocket s = (SSLSocket) clients().createSocket("127.0.0.1", es.port());
      s.startHandshake();
      AtomicInteger written = new AtomicInteger();
      Future<?> writer =
          POOL.submit(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < 2000; i++) { // 128 MB: far beyond any socket buffers
                  out.write(chunk);
                  written.incrementAndGet();
                }
                return null;
              });
      int before;
      do { // wait until the writer has stopped making progress
        before = written.get();
        Thread.sleep(300);
      } while (written.get() != before && !writer.isDone());
      assertFalse(writer.isDone(), "the writer should be blocked on the full window");
      s.close();
      Throwable t = outcome(writer, 5, "a write blocked when close() was called");
      assertInstanceOf(IOException.class, t);
      release.countDown();
    }
  }

  // -------------------------------------------------------- (c) closing at random points

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void closingAtRandomPointsNeverHangsAndOnlyThrowsIoExceptions() throws Exception {
    Random random = new Random(1125);
    List<String> problems = new CopyOnWriteArrayList<>();
    AgentSocketFactory factory = clients();
    try (EchoServer es = echoServer();
        ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> stalled = new CopyOnWriteArrayList<>();
      Future<?> staller =
          POOL.submit(
              () -> {
                while (!stalling.isClosed()) {
                  stalled.add(stalling.accept()); // accepts, reads nothing, says nothing
                }
                return null;
              });
      for (int round = 0; round < 40; round++) {
        int point = round % 4;
        int delayMicros = random.nextInt(30_000);
        String what = "round " + round + " (point " + point + ", " + delayMicros + " us)";
        switch (point) {
          case 0: // before the handshake
            {
              Socket s = factory.createSocket("127.0.0.1", es.port());
              closeQuietly(s, what, problems);
              expectIo(
                  what + " startHandshake after close",
                  () -> ((SSLSocket) s).startHandshake(),
                  problems);
              expectIo(what + " write after close", () -> s.getOutputStream().write(1), problems);
              expectIo(what + " read after close", () -> s.getInputStream().read(), problems);
              break;
            }
          case 1: // mid-handshake, against a server that never answers
          case 2: // at a random point of a real handshake
            {
              int port = point == 1 ? stalling.getLocalPort() : es.port();
              Socket s = factory.createSocket("127.0.0.1", port);
              Future<?> hs =
                  POOL.submit(
                      () -> {
                        ((SSLSocket) s).startHandshake();
                        return null;
                      });
              sleepMicros(delayMicros / (point == 1 ? 1 : 10));
              closeQuietly(s, what, problems);
              Throwable t = outcome(hs, 5, what + " handshake");
              if (point == 1 && t == null) {
                problems.add(what + ": a handshake with a silent server succeeded");
              }
              onlyIo(what + " handshake", t, problems);
              break;
            }
          default: // mid-transfer, reading and writing on two threads
            {
              Socket s = factory.createSocket("127.0.0.1", es.port());
              s.setSoTimeout(20_000);
              Future<?> writer =
                  POOL.submit(
                      () -> {
                        byte[] chunk = new byte[8192];
                        for (int i = 0; i < 256; i++) {
                          s.getOutputStream().write(chunk);
                        }
                        s.shutdownOutput();
                        return null;
                      });
              Future<?> reader =
                  POOL.submit(
                      () -> {
                        s.getInputStream().transferTo(OutputStream.nullOutputStream());
                        return null;
                      });
              sleepMicros(delayMicros);
              closeQuietly(s, what, problems);
              onlyIo(what + " writer", outcome(writer, 5, what + " writer"), problems);
              onlyIo(what + " reader", outcome(reader, 5, what + " reader"), problems);
            }
        }
      }
      stalling.close();
      for (Socket s : stalled) {
        s.close();
      }
      staller.cancel(true);

      // The server still serves.
      try (Socket good = factory.createSocket("127.0.0.1", es.port())) {
        byte[] msg = HostileInputTest.pattern(50_000, 9);
        echo(good, msg);
      }
      Thread.sleep(200);
      for (Throwable t : es.failures) {
        if (!(t instanceof IOException)) {
          problems.add("server side: " + t);
        }
      }
      assertEquals(List.of(), problems);
    }
  }

  interface IoAction {
    void run() throws Exception;
  }

  private static void expectIo(String what, IoAction action, List<String> problems) {
    try {
      action.run();
      problems.add(what + ": no exception");
    } catch (IOException e) {
      // expected
    } catch (Throwable t) {
      problems.add(what + ": " + t);
    }
  }

  private static void onlyIo(String what, Throwable t, List<String> problems) {
    if (t != null && !(t instanceof IOException)) {
      problems.add(what + ": " + t);
    }
  }

  private static void closeQuietly(Socket s, String what, List<String> problems) {
    try {
      s.close();
    } catch (Throwable t) {
      problems.add(what + ": close() threw " + t);
    }
  }

  private static void sleepMicros(int micros) throws InterruptedException {
    Thread.sleep(micros / 1000, (micros % 1000) * 1000);
  }

  // --------------------------------------------------- (d) full duplex, large, two threads

  private static final long DUPLEX_BYTES = 20L * 1024 * 1024;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void readingAndWritingTwentyMegabytesEachWayAtOnceDoesNotDeadlock() throws Exception {
    fullDuplex(RekeyPolicy.DEFAULT, DUPLEX_BYTES, 100_000, 0);
  }

  /** The same while both sides rekey and take Diffie-Hellman steps all the time. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fullDuplexWithConstantRekeysAndDhStepsDoesNotDeadlock() throws Exception {
    fullDuplex(RekeyPolicy.of(64, 1 << 20, Duration.ofMillis(2)), DUPLEX_BYTES, 100_000, 0);
  }

  /**
   * DH steps make each side's reader answer the peer. With fixed socket buffers (no autotuning) and
   * small writes the TCP windows are full most of the time and the writers release the write lock
   * often, so a reader that takes it to answer with a blocking write while both windows are full
   * would stop reading on both sides at once. (Buffers below the loopback MSS stall TCP itself for
   * seconds, so they stay at 128 KiB.)
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fullDuplexWithDhStepsAndFullWindowsDoesNotDeadlock() throws Exception {
    fullDuplex(RekeyPolicy.of(1 << 20, 1L << 30, Duration.ofNanos(1)), 8L << 20, 2000, 128 * 1024);
  }

  /**
   * @param maxChunk writes are 1 to maxChunk bytes
   * @param socketBuffer SO_SNDBUF and SO_RCVBUF on both sides, or 0 for the defaults
   */
  private void fullDuplex(RekeyPolicy policy, long bytes, int maxChunk, int socketBuffer)
      throws Exception {
    AgentServerSocketFactory agentServers =
        new AgentServerSocketFactory(serverConfig().rekeyPolicy(policy).build());
    javax.net.ServerSocketFactory servers =
        new javax.net.ServerSocketFactory() {
          @Override
          public ServerSocket createServerSocket() throws IOException {
            ServerSocket ss = agentServers.createServerSocket();
            if (socketBuffer > 0) {
              ss.setReceiveBufferSize(socketBuffer);
            }
            return ss;
          }

          @Override
          public ServerSocket createServerSocket(int port) throws IOException {
            return createServerSocket(port, 50, null);
          }

          @Override
          public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return createServerSocket(port, backlog, null);
          }

          @Override
          public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
              throws IOException {
            ServerSocket ss = createServerSocket();
            ss.bind(new InetSocketAddress(address, port), backlog);
            return ss;
          }
        };
    CountDownLatch serverDone = new CountDownLatch(1);
    try (EchoServer es =
            new EchoServer(
                servers,
                s -> {
                  if (socketBuffer > 0) {
                    s.setSendBufferSize(socketBuffer);
                  }
                  duplex(s, bytes, maxChunk, 2, 1, "server");
                  serverDone.countDown();
                  // Close only after the client has: closing with records unread (DH steps in
                  // flight) resets the connection, which is not what this test is about.
                  try {
                    s.getInputStream().transferTo(OutputStream.nullOutputStream());
                  } catch (IOException e) {
                    // the client is gone, as expected
                  }
                });
        Socket s =
            new AgentSocketFactory(clientConfig().rekeyPolicy(policy).build()).createSocket()) {
      if (socketBuffer > 0) {
        s.setSendBufferSize(socketBuffer);
        s.setReceiveBufferSize(socketBuffer);
      }
      s.connect(new InetSocketAddress("127.0.0.1", es.port()));
      Future<?> client = POOL.submit(() -> duplex(s, bytes, maxChunk, 1, 2, "client"));
      Throwable t = outcome(client, 20, "the client's full-duplex transfer");
      if (t == null) {
        // The server's half may still be finishing; a failure there lands in es.failures.
        for (int i = 0; i < 200 && serverDone.getCount() > 0 && es.failures.isEmpty(); i++) {
          Thread.sleep(100);
        }
      }
      s.close();
      es.awaitEnded(1);
      if (t != null) {
        throw new AssertionError("client: " + t + "; server: " + es.failures, t);
      }
      assertEquals(List.of(), es.failures, "server side");
      assertEquals(0, serverDone.getCount(), "the server's transfer finished");
    }
  }

  /**
   * Request, half-close, long response: the usual pattern (it is how EchoServer is used). While the
   * server streams the response it takes DH steps, which ask the client for a reply; a client whose
   * output is shut down must still receive the whole response.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aHalfClosedClientStillReadsAResponseDuringWhichTheServerTakesDhSteps() throws Exception {
    long size = 8L * 1024 * 1024;
    RekeyPolicy policy = RekeyPolicy.of(1 << 20, 1L << 30, Duration.ofMillis(2));
    AgentSocketConfig server = serverConfig().rekeyPolicy(policy).build();
    try (EchoServer es =
            new EchoServer(
                new AgentServerSocketFactory(server),
                s -> {
                  s.getInputStream().readAllBytes(); // the request, up to the client's close
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[32 * 1024];
                  for (long pos = 0; pos < size; pos += buf.length) {
                    for (int i = 0; i < buf.length; i++) {
                      buf[i] = streamByte(7, pos + i);
                    }
                    out.write(buf);
                  }
                  s.shutdownOutput();
                });
        Socket s = clients().createSocket("127.0.0.1", es.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("request".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[65536];
      long pos = 0;
      try {
        int n;
        while ((n = in.read(buf)) != -1) {
          for (int i = 0; i < n; i++) {
            if (buf[i] != streamByte(7, pos + i)) {
              fail("wrong byte at " + (pos + i));
            }
          }
          pos += n;
        }
      } catch (IOException e) {
        throw new AssertionError(
            "the half-closed client failed after " + pos + " of " + size + " bytes: " + e, e);
      }
      assertEquals(size, pos);
    }
  }

  /**
   * A server that reads a fixed-size request, writes its response and closes: correct over TCP,
   * since the client sends nothing more. But the server's DH step makes the client's library send a
   * KEY_SHARE_REPLY the server application never reads; if close() leaves it unread, the kernel
   * answers with a reset instead of a FIN and the client loses the end of the response.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aServerClosingRightAfterItsResponseDoesNotLoseItToUnreadDhRecords() throws Exception {
    int size = 4 * 1024 * 1024;
    RekeyPolicy policy = RekeyPolicy.of(1 << 20, 1L << 30, Duration.ofMillis(1));
    try (EchoServer es =
            new EchoServer(
                new AgentServerSocketFactory(serverConfig().rekeyPolicy(policy).build()),
                s -> {
                  byte[] request = s.getInputStream().readNBytes(4);
                  assertEquals("GET?", new String(request, "US-ASCII"));
                  byte[] response = new byte[size];
                  for (int i = 0; i < size; i++) {
                    response[i] = streamByte(3, i);
                  }
                  s.getOutputStream().write(response);
                  // and close, as EchoServer does when the handler returns
                });
        Socket s = clients().createSocket("127.0.0.1", es.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("GET?".getBytes("US-ASCII"));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[65536];
      long pos = 0;
      try {
        int n;
        while ((n = in.read(buf)) != -1) {
          for (int i = 0; i < n; i++) {
            if (buf[i] != streamByte(3, pos + i)) {
              fail("wrong byte at " + (pos + i));
            }
          }
          pos += n;
        }
      } catch (IOException e) {
        throw new AssertionError(
            "the client lost the response after " + pos + " of " + size + " bytes: " + e, e);
      }
      assertEquals(size, pos);
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
    }
  }

  /** Writes the {@code outSeed} stream on one thread while this one reads and checks the other. */
  private static Void duplex(
      Socket s, long bytes, int maxChunk, int outSeed, int inSeed, String who) throws Exception {
    s.setSoTimeout(30_000); // a backstop: a hang is reported earlier, with the threads' stacks
    Future<?> writer =
        POOL.submit(
            () -> {
              OutputStream out = s.getOutputStream();
              Random sizes = new Random(outSeed);
              byte[] buf = new byte[maxChunk];
              long pos = 0;
              while (pos < bytes) {
                int n = (int) Math.min(bytes - pos, 1 + sizes.nextInt(buf.length));
                for (int i = 0; i < n; i++) {
                  buf[i] = streamByte(outSeed, pos + i);
                }
                out.write(buf, 0, n);
                pos += n;
              }
              out.flush();
              return null;
            });
    InputStream in = s.getInputStream();
    byte[] buf = new byte[65536];
    long pos = 0;
    while (pos < bytes) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, bytes - pos));
      if (n < 0) {
        throw new IOException(who + ": end of stream after " + pos + " bytes");
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] != streamByte(inSeed, pos + i)) {
          throw new AssertionError(who + ": wrong byte at " + (pos + i));
        }
      }
      pos += n;
    }
    writer.get(30, SECONDS);
    return null;
  }

  private static byte streamByte(int seed, long pos) {
    long x = pos * 0x9E3779B97F4A7C15L + seed;
    return (byte) (x ^ (x >>> 29) ^ (x >>> 43));
  }

  // ------------------------------------------------------ (e) handshake completed listener

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void theHandshakeCompletedListenerFiresOnceWithTheSession() throws Exception {
    AtomicInteger serverEvents = new AtomicInteger();
    AtomicReference<HandshakeCompletedEvent> serverEvent = new AtomicReference<>();
    AtomicReference<javax.net.ssl.SSLSession> serverSession = new AtomicReference<>();
    try (EchoServer es =
        new EchoServer(
            new AgentServerSocketFactory(serverConfig().build()),
            s -> {
              ((SSLSocket) s)
                  .addHandshakeCompletedListener(
                      e -> {
                        serverEvents.incrementAndGet();
                        serverEvent.set(e);
                      });
              EchoServer.ECHO.serve(s);
              serverSession.set(((SSLSocket) s).getSession());
            })) {
      SSLSocket s = (SSLSocket) clients().createSocket("127.0.0.1", es.port());
      AtomicInteger events = new AtomicInteger();
      AtomicReference<HandshakeCompletedEvent> event = new AtomicReference<>();
      s.addHandshakeCompletedListener(
          e -> {
            events.incrementAndGet();
            event.set(e);
          });
      s.addHandshakeCompletedListener(
          e -> {
            throw new IllegalStateException("a buggy listener");
          });
      // Four threads start the handshake at once; then I/O and another startHandshake.
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> starters = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starters.add(
            POOL.submit(
                () -> {
                  go.await();
                  s.startHandshake();
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : starters) {
        await(f, 10, "startHandshake");
      }
      byte[] msg = HostileInputTest.pattern(10_000, 5);
      echo(s, msg);
      s.startHandshake();
      s.close();
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);

      assertEquals(1, events.get(), "client listener calls");
      HandshakeCompletedEvent e = event.get();
      assertSame(s, e.getSocket());
      assertSame(s.getSession(), e.getSession());
      assertTrue(e.getSession().isValid());
      assertEquals("Noise_XX_25519_ChaChaPoly_BLAKE2s", e.getCipherSuite());
      AgentPrincipal peer = assertInstanceOf(AgentPrincipal.class, e.getPeerPrincipal());
      assertEquals(SERVER_ID.fingerprint(), peer.fingerprint());

      assertEquals(1, serverEvents.get(), "server listener calls");
      assertNotNull(serverEvent.get());
      assertSame(serverSession.get(), serverEvent.get().getSession());
      AgentPrincipal client =
          assertInstanceOf(AgentPrincipal.class, serverEvent.get().getPeerPrincipal());
      assertEquals(CLIENT_ID.fingerprint(), client.fingerprint());
    }
  }

  // -------------------------------------------------- (f) unconnected and layered sockets

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anUnconnectedSocketConnectsLaterAndIdentifiesTheHostItConnectedTo() throws Exception {
    PeerTrustStore trust = PeerTrustStore.inMemory(false);
    trust.pin("127.0.0.1", SERVER_ID.publicKey());
    AgentSocketFactory factory = new AgentSocketFactory(clientConfig().peerVerifier(trust).build());
    try (EchoServer es = echoServer()) {
      Socket s = factory.createSocket();
      assertFalse(s.isConnected());
      assertThrows(IOException.class, s::getInputStream);
      s.connect(new InetSocketAddress("127.0.0.1", es.port()), 5000);
      assertTrue(s.isConnected());
      echo(s, HostileInputTest.pattern(30_000, 3));
      // The pinned key was found under the name connect() was given: IK, not XX.
      assertEquals(
          "Noise_IK_25519_ChaChaPoly_BLAKE2s", ((SSLSocket) s).getSession().getCipherSuite());
      assertEquals("127.0.0.1", ((SSLSocket) s).getSession().getPeerPrincipal().getName());
      s.close();
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aLayeredSocketClosesTheUnderlyingSocketOnlyWithAutoClose() throws Exception {
    AgentSocketFactory factory = clients();
    try (EchoServer es = echoServer()) {
      for (boolean autoClose : new boolean[] {true, false}) {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), es.port());
        Socket s = factory.createSocket(plain, "127.0.0.1", es.port(), autoClose);
        echo(s, HostileInputTest.pattern(20_000, autoClose ? 1 : 2));
        assertEquals(
            "Noise_XX_25519_ChaChaPoly_BLAKE2s", ((SSLSocket) s).getSession().getCipherSuite());
        s.close();
        assertTrue(s.isClosed(), "the AgentWire socket is closed");
        assertEquals(autoClose, plain.isClosed(), "autoClose=" + autoClose);
        if (!autoClose) {
          assertTrue(plain.isConnected());
          // Still a usable socket: the server ended its side after our close record.
          plain.setSoTimeout(5000);
          assertEquals(-1, plain.getInputStream().read());
          plain.close();
        }
      }
      es.awaitEnded(2);
      assertEquals(List.of(), es.failures);
    }
  }
}
