package io.agentwire.bench.engine;

import io.agentwire.bench.EngineStack;
import io.agentwire.bench.Report;
import io.agentwire.bench.SocketStack;
import io.agentwire.bench.TlsHandshakeBench;
import io.agentwire.bench.TlsPeers;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

/**
 * {@code Report --engines}: AgentWire's {@code SSLEngine} against SunJSSE TLS 1.3's, in memory,
 * under Netty and under the JDK's HttpClient and HttpsServer, in one run, as a Markdown table with
 * each AgentWire result's ratio to TLS and the target for it. As in {@code --compare}, each
 * benchmark and stack runs in its own forks, and TLS gets the longer warm-up (SunEC's P-256 code
 * reaches steady state only after several seconds of JIT compilation).
 */
public final class EngineReport {

  private EngineReport() {}

  /** One table row: a benchmark method, its AEAD parameter, a label, a unit and the target. */
  private record Row(
      Class<?> bench, String method, String aead, String label, String unit, double target) {
    String key() {
      return bench.getSimpleName() + "." + method + "|" + aead;
    }
  }

  private static final String AESGCM = "AES_256_GCM";

  private static final List<Row> ROWS =
      List.of(
          new Row(
              EngineBench.class,
              "handshake",
              EngineStack.DEFAULT,
              "Engine pair in memory: full handshakes/s (AgentWire XX ChaChaPoly BLAKE2s)",
              "/s",
              5),
          new Row(
              EngineBench.class,
              "wrapUnwrap16k",
              EngineStack.DEFAULT,
              "Engine pair in memory: 16 KiB wrap+unwrap, AgentWire ChaChaPoly BLAKE2s",
              "MB/s",
              1),
          new Row(
              EngineBench.class,
              "wrapUnwrap16k",
              AESGCM,
              "Engine pair in memory: 16 KiB wrap+unwrap, AgentWire AESGCM SHA256",
              "MB/s",
              1),
          new Row(
              NettyConnectionBench.class,
              "connectHandshakeEchoClose",
              EngineStack.DEFAULT,
              "Netty SslHandler: connections/s, 64 concurrent clients (loopback)",
              "/s",
              3),
          new Row(
              NettyEchoBench.class,
              "echo16k",
              EngineStack.DEFAULT,
              "Netty SslHandler: 16 KiB echo, one connection, AgentWire ChaChaPoly BLAKE2s",
              "MB/s",
              1),
          new Row(
              NettyEchoBench.class,
              "echo16k",
              AESGCM,
              "Netty SslHandler: 16 KiB echo, one connection, AgentWire AESGCM SHA256",
              "MB/s",
              1),
          new Row(
              HttpBench.class,
              "request",
              EngineStack.DEFAULT,
              "HttpClient to HttpsServer: requests/s, a new connection each",
              "/s",
              0));

  public static void run(boolean quick, int forks, Path out) throws Exception {
    long started = System.nanoTime();
    Report.Timing tls =
        quick ? new Report.Timing(4, 700, 3, 500) : new Report.Timing(8, 1000, 5, 1000);
    Report.Timing noise =
        quick ? new Report.Timing(3, 500, 3, 500) : new Report.Timing(6, 1000, 5, 1000);
    List<RunResult> results = new ArrayList<>();
    // TLS: every benchmark once, with the JDK's default suites.
    results.addAll(
        Report.run(
            tls.apply(Report.options().forks(forks))
                .include(Report.method(EngineBench.class, "handshake", "wrapUnwrap16k"))
                .include(Report.method(NettyConnectionBench.class, "connectHandshakeEchoClose"))
                .include(Report.method(NettyEchoBench.class, "echo16k"))
                .include(Report.method(HttpBench.class, "request"))
                .param("stack", SocketStack.TLS13)
                .param("aead", EngineStack.DEFAULT)));
    for (String stack : List.of(SocketStack.AGENTWIRE, SocketStack.AGENTWIRE_JAVA)) {
      boolean nativeStack = stack.equals(SocketStack.AGENTWIRE);
      // Handshakes, Netty connections and HTTP requests with the default suite only.
      ChainedOptionsBuilder one =
          noise
              .apply(Report.options().forks(forks))
              .include(Report.method(EngineBench.class, "handshake"))
              .param("stack", stack)
              .param("aead", EngineStack.DEFAULT);
      if (nativeStack) {
        one.include(Report.method(NettyConnectionBench.class, "connectHandshakeEchoClose"))
            .include(Report.method(HttpBench.class, "request"));
      }
      results.addAll(Report.run(one));
      // Bulk with both Noise suites.
      ChainedOptionsBuilder bulk =
          noise
              .apply(Report.options().forks(forks))
              .include(Report.method(EngineBench.class, "wrapUnwrap16k"))
              .param("stack", stack)
              .param("aead", EngineStack.DEFAULT, AESGCM);
      if (nativeStack) {
        bulk.include(Report.method(NettyEchoBench.class, "echo16k"));
      }
      results.addAll(Report.run(bulk));
    }
    String table = table(results, quick, forks, tls, noise);
    System.out.println();
    System.out.println(table);
    Files.createDirectories(out);
    Files.writeString(out.resolve("engines.md"), table, StandardCharsets.UTF_8);
    System.out.printf(
        "%nWrote engines.md to %s (%.0f s)%n",
        out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
  }

  static String table(
      List<RunResult> results, boolean quick, int forks, Report.Timing tls, Report.Timing noise)
      throws Exception {
    Map<String, Map<String, double[]>> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      var p = r.getParams();
      String key = Report.className(r) + "." + Report.benchmark(r) + "|" + p.getParam("aead");
      var s = r.getPrimaryResult();
      scores
          .computeIfAbsent(key, k -> new LinkedHashMap<>())
          .put(p.getParam("stack"), new double[] {s.getScore(), s.getScoreError()});
    }
    String[] suites = negotiatedTlsSuites();
    StringBuilder b = new StringBuilder();
    b.append(
        "| benchmark | TLS 1.3 | AgentWire native | AgentWire pure Java | native / TLS |"
            + " pure Java / TLS | target |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (Row row : ROWS) {
      Map<String, double[]> m = scores.getOrDefault(row.key(), Map.of());
      // TLS runs every row with its own default suite, so the AES-GCM rows compare against it too.
      double[] t =
          scores
              .getOrDefault(
                  row.bench.getSimpleName() + "." + row.method + "|" + EngineStack.DEFAULT,
                  Map.of())
              .get(SocketStack.TLS13);
      double scale = row.unit.equals("MB/s") ? bytesPerOp(row) / 1e6 : 1;
      double[] n = m.get(SocketStack.AGENTWIRE);
      double[] j = m.get(SocketStack.AGENTWIRE_JAVA);
      String target = row.target == 0 ? "-" : String.format("≥ %.0fx", row.target);
      String met =
          row.target == 0 || n == null || t == null
              ? ""
              : n[0] / t[0] >= row.target ? " met" : " **missed**";
      b.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s%s |%n",
              row.label,
              cell(t, scale, row.unit),
              cell(n, scale, row.unit),
              cell(j, scale, row.unit),
              ratio(n, t),
              ratio(j, t),
              target,
              met));
    }
    b.append('\n');
    b.append(
        String.format(
            "Measured %s · JDK %s · %s (%d cores) · %s run, %d fork(s) per benchmark and stack;"
                + " TLS %s; AgentWire %s. ± is JMH's 99.9%% error as a share of the score.%n",
            java.time.LocalDate.now(),
            Runtime.version(),
            Report.cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            quick ? "quick" : "full",
            forks,
            tls,
            noise));
    b.append(
        String.format(
            "TLS 1.3: SunJSSE, mutual authentication with P-256 certificates, no resumption (every"
                + " handshake checked to be a full one), the JDK's default suites: the engine pair"
                + " and HttpClient negotiate %s, Netty's default list %s. AgentWire: Noise XX,"
                + " mutual; native is libsodium (-Dagentwire.native=require), pure Java is"
                + " -Dagentwire.native=off. MB = 10^6 bytes; Netty echo MB/s counts each byte once"
                + " (it crosses both ways).%n",
            suites[0], suites[1]));
    return b.toString();
  }

  private static double bytesPerOp(Row row) {
    return row.bench == NettyEchoBench.class ? NettyEchoBench.CHUNK : EngineBench.CHUNK;
  }

  /**
   * The suites SunJSSE negotiates between two TLS peers: as the engines and HttpClient set them up,
   * and as Netty's JdkSslContext does (its own default suite list).
   */
  static String[] negotiatedTlsSuites() throws Exception {
    TlsPeers peers = TlsPeers.create(null, false);
    String plain = handshakeSuite(peers.clientEngine(443), peers.serverEngine());
    String[] v13 = {"TLSv1.3"};
    SSLEngine nc =
        new JdkSslContext(
                peers.clientContext(),
                true,
                null,
                IdentityCipherSuiteFilter.INSTANCE,
                null,
                ClientAuth.NONE,
                v13,
                false)
            .newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine ns =
        new JdkSslContext(
                peers.serverContext(),
                false,
                null,
                IdentityCipherSuiteFilter.INSTANCE,
                null,
                ClientAuth.REQUIRE,
                v13,
                false)
            .newEngine(ByteBufAllocator.DEFAULT);
    return new String[] {plain, handshakeSuite(nc, ns)};
  }

  private static String handshakeSuite(SSLEngine client, SSLEngine server) throws IOException {
    int size = 64 * 1024;
    TlsHandshakeBench.handshake(
        client,
        server,
        ByteBuffer.allocate(size),
        ByteBuffer.allocate(size),
        ByteBuffer.allocate(size));
    return client.getSession().getCipherSuite();
  }

  private static String cell(double[] v, double scale, String unit) {
    if (v == null) {
      return "-";
    }
    return String.format(
        "%,.0f %s ±%.0f%%", v[0] * scale, unit.equals("/s") ? "/s" : unit, 100 * v[1] / v[0]);
  }

  private static String ratio(double[] a, double[] b) {
    return a == null || b == null ? "-" : String.format("%.2fx", a[0] / b[0]);
  }
}
