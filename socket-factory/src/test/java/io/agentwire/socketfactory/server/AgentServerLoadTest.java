package io.agentwire.socketfactory.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentSocketFactory;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that a flood cannot shut legitimate clients out: an echo {@link AgentServer} in a child
 * JVM holds thousands of silent connections, then thousands of slow-loris connections that send a
 * valid-looking hello one byte a second, and through both a real AgentWire client must connect,
 * handshake and echo within a second, while the server's thread count stays flat. It also measures
 * the server's resident memory per idle connection from {@code /proc/PID/status}.
 *
 * <p>By default 10,000 connections of each kind (the figure) where this process may open
 * enough files ({@code .ci/run} raises the limit), else 2,000 with a warning; {@code
 * -Dagentwire.load.connections=N} runs any number. The client sockets are non-blocking channels of
 * this JVM, opened in parallel batches.
 */
@Timeout(180)
class AgentServerLoadTest {

  private static final int CONNECTIONS =
      Integer.getInteger("agentwire.load.connections", defaultConnections());

  private static int defaultConnections() {
    long maxFiles = -1;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean) {
      maxFiles =
          ((com.sun.management.UnixOperatingSystemMXBean)
                  java.lang.management.ManagementFactory.getOperatingSystemMXBean())
              .getMaxFileDescriptorCount();
    }
    if (maxFiles >= 12_000) {
      return 10_000;
    }
    System.err.println(
        "WARNING: AgentServerLoadTest runs 2,000 connections, not 10,000: this process may open "
            + maxFiles
            + " files (raise it with ulimit -n 65536, as .ci/run does)");
    return 2_000;
  }

  /** The server's handshake timeout: long enough to measure through, short enough to watch. */
  private static final long HANDSHAKE_TIMEOUT_MS = CONNECTIONS > 5_000 ? 20_000 : 10_000;

  private static final Duration LEGITIMATE_BOUND = Duration.ofSeconds(1);

  @TempDir Path dir;

  private ChildProcess child;
  private OutputStream commands;
  private int sequence;

  @Test
  void aLegitimateClientGetsThroughFloodsOfSilentAndSlowConnections() throws Exception {
    AgentIdentity serverIdentity = AgentIdentity.generate();
    Path key = dir.resolve("server.pem");
    serverIdentity.save(key);
    AgentSocketConfig clientConfig =
        AgentSocketConfig.builder()
            .identity(AgentIdentity.generate())
            .peerVerifier(PeerVerifier.onlyKey(serverIdentity.publicKey()))
            .build();
    List<String> command =
        new ArrayList<>(
            ChildProcess.javaMain(
                System.getProperty("java.class.path"),
                LoadServerMain.class.getName(),
                // A small young generation, so resident memory follows what the server keeps
                // rather than how much garbage was made since the last collection.
                "-Xms64m",
                "-Xmx512m",
                "-Xmn16m",
                "-XX:+UseSerialGC"));
    command.addAll(
        List.of(
            key.toString(),
            Long.toString(HANDSHAKE_TIMEOUT_MS),
            Integer.toString(2 * CONNECTIONS + 100)));
    child = ChildProcess.start(command);
    try {
      commands = child.process().getOutputStream();
      String listening = child.awaitErrLine("listening on ", Duration.ofSeconds(30));
      int port = Integer.parseInt(listening.replaceAll(".*:", "").strip());
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      long pid = child.process().pid();
      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              "AgentServer load test: %,d connections per flood, server pid %d, handshake timeout"
                  + " %d ms%n",
              CONNECTIONS, pid, HANDSHAKE_TIMEOUT_MS));

      // Warm both JVMs up, so the measurement is of the server's admission, not of the JIT.
      for (int i = 0; i < 300; i++) {
        legitimateEcho(address, clientConfig);
      }
      gc();
      long rss0 = status(pid, "VmRSS");
      liveHeap(pid); // the first full collection also clears what soft references held
      long heap0 = liveHeap(pid);
      long threads0 = status(pid, "Threads");
      report.append(String.format("  idle server: VmRSS %,d KiB, %d threads%n", rss0, threads0));

      // 1. Silent connections.
      long t0 = System.nanoTime();
      List<SocketChannel> silent = open(address, CONNECTIONS);
      awaitStat("open", CONNECTIONS, Duration.ofSeconds(60));
      long openMs = (System.nanoTime() - t0) / 1_000_000;
      Map<String, Long> during = stats();
      assertEquals(0, during.get("slots"), "silent connections hold no handshake slot: " + during);
      List<Duration> silentLatencies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        silentLatencies.add(legitimateEcho(address, clientConfig));
      }
      gc();
      long rss1 = status(pid, "VmRSS");
      long heap1 = liveHeap(pid);
      long threads1 = status(pid, "Threads");
      report.append(
          String.format(
              "  %,d silent connections open (in %d ms): VmRSS %,d KiB (+%,d KiB, %,d bytes per"
                  + " connection; live heap +%,d bytes per connection by the class histogram), %d threads%n",
              CONNECTIONS,
              openMs,
              rss1,
              rss1 - rss0,
              (rss1 - rss0) * 1024 / CONNECTIONS,
              (heap1 - heap0) / CONNECTIONS,
              threads1));
      report.append("  legitimate connect+handshake+echo meanwhile: " + summary(silentLatencies));
      assertBounded(silentLatencies, "silent");
      assertTrue(threads1 <= threads0 + 2, "threads " + threads0 + " -> " + threads1);
      closeAll(silent);
      awaitStat("open", 0, Duration.ofSeconds(60));

      // 2. Slow loris: a valid-looking hello, one byte a second.
      gc();
      long heap2 = liveHeap(pid);
      long lorisStart = System.nanoTime();
      List<SocketChannel> loris = open(address, CONNECTIONS);
      awaitStat("open", CONNECTIONS, Duration.ofSeconds(60));
      AtomicBoolean trickling = new AtomicBoolean(true);
      AtomicInteger bytesSent = new AtomicInteger();
      Thread trickler = trickle(loris, trickling, bytesSent);
      List<Duration> lorisLatencies = new ArrayList<>();
      long maxSlots = 0;
      try {
        Thread.sleep(2000);
        for (int i = 0; i < 6; i++) {
          lorisLatencies.add(legitimateEcho(address, clientConfig));
          maxSlots = Math.max(maxSlots, stats().get("slots"));
          Thread.sleep(1000);
        }
        gc();
        long rss3 = status(pid, "VmRSS");
        long threads3 = status(pid, "Threads");
        Map<String, Long> s = stats();
        long heap3 = liveHeap(pid);
        report.append(
            String.format(
                "  %,d slow-loris connections (%d hello bytes each so far): VmRSS %,d KiB (+%,d"
                    + " KiB over the idle server, %,d bytes per connection; live heap +%,d bytes per connection by the class histogram), %d"
                    + " threads, %d in handshake, at most %d handshake slots in use%n",
                CONNECTIONS,
                bytesSent.get() / CONNECTIONS,
                rss3,
                rss3 - rss0,
                (rss3 - rss0) * 1024 / CONNECTIONS,
                (heap3 - heap2) / CONNECTIONS,
                threads3,
                s.get("inHandshake"),
                maxSlots));
        report.append("  legitimate connect+handshake+echo meanwhile: " + summary(lorisLatencies));
        assertBounded(lorisLatencies, "slow-loris");
        assertTrue(threads3 <= threads0 + 2, "threads " + threads0 + " -> " + threads3);
        assertEquals(0, maxSlots, "a partial hello takes no handshake slot");
        assertTrue(
            s.get("inHandshake") >= CONNECTIONS - 5, "the trickling connections are held: " + s);

        // The handshake timeout ends them all, counted as timeouts.
        long before = stats().get("timeouts");
        awaitStat("open", 0, Duration.ofMillis(HANDSHAKE_TIMEOUT_MS + 30_000));
        long reapedMs = (System.nanoTime() - lorisStart) / 1_000_000;
        long timeouts = stats().get("timeouts") - before;
        report.append(
            String.format(
                "  every slow-loris connection reaped by the handshake timeout %,d ms after the"
                    + " flood began (%,d timeouts)%n",
                reapedMs, timeouts));
        assertEquals(CONNECTIONS, timeouts, stats().toString());
      } finally {
        trickling.set(false);
        trickler.join(5000);
        closeAll(loris);
      }
      // And the server serves on.
      assertBounded(List.of(legitimateEcho(address, clientConfig)), "after the floods");
      System.out.print(report);
      Files.writeString(
          Path.of("target", "agentwire-load-report.txt"), report, StandardCharsets.UTF_8);
    } finally {
      child.close();
    }
  }

  /**
   * The server's live heap in bytes, from the JDK's class histogram (which collects first), or 0
   * where this JDK has no jcmd.
   */
  private static long liveHeap(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return 0;
    }
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    for (String line : out.split("\n")) {
      if (line.startsWith("Total")) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[2]);
      }
    }
    return 0;
  }

  private static void assertBounded(List<Duration> latencies, String what) {
    Duration max = Collections.max(latencies);
    assertTrue(
        max.compareTo(LEGITIMATE_BOUND) < 0,
        "a legitimate client took " + max + " during the " + what + " flood: " + latencies);
  }

  private static String summary(List<Duration> latencies) {
    List<Duration> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return String.format(
        "median %.1f ms, max %.1f ms over %d clients%n",
        sorted.get(sorted.size() / 2).toNanos() / 1e6,
        sorted.get(sorted.size() - 1).toNanos() / 1e6,
        sorted.size());
  }

  /** Connect, handshake, echo one message, close: the time until the echo came back. */
  private static Duration legitimateEcho(InetSocketAddress address, AgentSocketConfig config)
      throws IOException {
    long t0 = System.nanoTime();
    try (SSLSocket s =
        (SSLSocket)
            new AgentSocketFactory(config)
                .createSocket(address.getHostString(), address.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      byte[] got = s.getInputStream().readNBytes(4);
      Duration d = Duration.ofNanos(System.nanoTime() - t0);
      assertEquals("ping", new String(got, StandardCharsets.UTF_8));
      return d;
    }
  }

  /** Opens {@code n} TCP connections as non-blocking channels, at most 1,000 connecting at once. */
  static List<SocketChannel> open(InetSocketAddress address, int n) throws IOException {
    List<SocketChannel> all = new ArrayList<>(n);
    try (Selector selector = Selector.open()) {
      int pending = 0;
      while (all.size() < n || pending > 0) {
        while (all.size() < n && pending < 1000) {
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          all.add(ch);
          if (!ch.connect(address)) {
            ch.register(selector, SelectionKey.OP_CONNECT);
            pending++;
          }
        }
        if (pending == 0) {
          continue;
        }
        selector.select(1000);
        for (SelectionKey k : selector.selectedKeys()) {
          if (((SocketChannel) k.channel()).finishConnect()) {
            k.cancel();
            pending--;
          }
        }
        selector.selectedKeys().clear();
      }
      selector.selectNow(); // deregisters the cancelled keys
    }
    return all;
  }

  private static void closeAll(List<SocketChannel> channels) {
    for (SocketChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /**
   * Sends each channel the next byte of an AgentWire hello every second: the TLS-shaped header (22,
   * 3, 3, length), then 'A' 'W' 2 0 and a protocol name, as a real slow handshake would.
   */
  private static Thread trickle(
      List<SocketChannel> channels, AtomicBoolean running, AtomicInteger sent) {
    String name = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
    ByteBuffer hello = ByteBuffer.allocate(64 + name.length());
    hello.put(new byte[] {22, 3, 3, 0, (byte) (7 + name.length() + 32)});
    hello.put(new byte[] {'A', 'W', 2, 0, (byte) name.length()});
    hello.put(name.getBytes(StandardCharsets.US_ASCII));
    byte[] bytes = java.util.Arrays.copyOf(hello.array(), hello.position());
    Thread t =
        new Thread(
            () -> {
              ByteBuffer one = ByteBuffer.allocate(1);
              for (int i = 0; running.get() && i < bytes.length; i++) {
                long next = System.nanoTime() + 1_000_000_000L;
                for (SocketChannel ch : channels) {
                  if (!ch.isOpen()) {
                    continue;
                  }
                  one.clear();
                  one.put(bytes[i]).flip();
                  try {
                    if (ch.write(one) == 1) {
                      sent.incrementAndGet();
                    }
                  } catch (IOException closedByServer) {
                    try {
                      ch.close();
                    } catch (IOException ignored) {
                      // closing anyway
                    }
                  }
                }
                long wait = next - System.nanoTime();
                while (running.get() && wait > 0) {
                  try {
                    Thread.sleep(Math.min(100, wait / 1_000_000 + 1));
                  } catch (InterruptedException e) {
                    return;
                  }
                  wait = next - System.nanoTime();
                }
              }
            },
            "loris");
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ------------------------------------------------------------------- the child server

  private Map<String, Long> stats() throws IOException, InterruptedException {
    int n = ++sequence;
    commands.write(("stats " + n + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
    String line = child.awaitErrLine("stats " + n + " ", Duration.ofSeconds(30));
    Map<String, Long> m = new TreeMap<>();
    for (String field : line.split(" ")) {
      int eq = field.indexOf('=');
      if (eq > 0) {
        m.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
      }
    }
    return m;
  }

  private void awaitStat(String name, long value, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> s = stats();
    while (s.get(name) != value) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server's " + name + " did not reach " + value + ": " + s);
      }
      Thread.sleep(100);
      s = stats();
    }
  }

  private void gc() throws IOException, InterruptedException {
    int n = ++sequence;
    commands.write(("gc " + n + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
    child.awaitErrLine("gc " + n + " done", Duration.ofSeconds(30));
  }

  /** A value of /proc/PID/status, in its unit (KiB for memory). */
  private static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
