package io.agentwire.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints Markdown tables with each result beside its alternatives and the
 * ratios. Arguments: {@code --quick} (shorter runs, wider error), {@code --noise} (AgentWire vs
 * noise-java and the JDK; the default), {@code --native} (the backends side by side), {@code
 * --sockets} (secure sockets on loopback: time per new connection and bulk MB/s, one column per
 * {@link SocketStack}), {@code --all}.
 */
public final class Report {

  private Report() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean quick = a.contains("--quick");
    boolean all = a.contains("--all");
    boolean nativeAccel = all || a.contains("--native");
    boolean sockets = all || a.contains("--sockets");
    boolean noise = all || a.contains("--noise") || (!nativeAccel && !sockets);
    ChainedOptionsBuilder opts =
        new OptionsBuilder()
            .forks(1)
            .jvmArgsPrepend(
                "--enable-native-access=ALL-UNNAMED",
                "-Dagentwire.native=" + System.getProperty("agentwire.native", "auto"))
            .warmupIterations(quick ? 2 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 5)
            .measurementTime(TimeValue.seconds(1));
    if (noise) {
      opts.include(HandshakeBench.class.getName()).include(TransportBench.class.getName());
    }
    if (nativeAccel) {
      opts.include("io.agentwire.nativeaccel.BackendBench")
          .include(NativeHandshakeBench.class.getName());
    }
    if (sockets) {
      opts.include(ConnectionBench.class.getName()).include(BulkBench.class.getName());
    }
    Collection<RunResult> results = new Runner(opts.build()).run();
    System.out.println();
    System.out.println(
        "JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version()
            + "; agentwire.native="
            + System.getProperty("agentwire.native", "auto"));
    if (noise) {
      noiseTable(results);
    }
    if (nativeAccel) {
      backendTable(results);
    }
    if (sockets) {
      socketsTable(results);
    }
  }

  private static String benchmark(RunResult r) {
    String b = r.getParams().getBenchmark();
    return b.substring(b.lastIndexOf('.') + 1);
  }

  private static String className(RunResult r) {
    String b = r.getParams().getBenchmark();
    String[] parts = b.split("\\.");
    return parts[parts.length - 2];
  }

  private static void noiseTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      String cls = className(r);
      if (!cls.equals("HandshakeBench") && !cls.equals("TransportBench")) {
        continue;
      }
      var params = r.getParams();
      String key =
          cls
              + (params.getParam("cipher") != null
                  ? " " + params.getParam("cipher") + " " + params.getParam("size") + " B"
                  : " " + params.getParam("protocol"));
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(params.getParam("impl"), score(r));
    }
    System.out.println();
    System.out.println(
        "| benchmark | AgentWire | noise-java | JDK cipher alone | AgentWire / noise-java |"
            + " AgentWire / JDK |");
    System.out.println("|---|---|---|---|---|---|");
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      int size = sizeOf(e.getKey());
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          cell(m.get("agentwire"), size),
          cell(m.get("noise-java"), size),
          cell(m.get("jdk"), size),
          ratio(m.get("agentwire"), m.get("noise-java")),
          ratio(m.get("agentwire"), m.get("jdk")));
    }
  }

  private static void backendTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    List<String> extra = new ArrayList<>();
    Map<String, double[]> handshakes = new LinkedHashMap<>();
    for (RunResult r : results) {
      String cls = className(r);
      if (cls.equals("NativeHandshakeBench")) {
        handshakes.put(benchmark(r), score(r));
        continue;
      }
      if (!cls.equals("BackendBench")) {
        continue;
      }
      if (benchmark(r).equals("jnaCallOverhead")) {
        extra.add(String.format("JNA direct-mapped call overhead: %.1f ns per call", score(r)[0]));
        continue;
      }
      String size = r.getParams().getParam("size");
      String key = benchmark(r) + (size == null ? "" : " " + size + " B");
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .put(r.getParams().getParam("backend"), score(r));
    }
    System.out.println();
    System.out.println(
        "| operation | auto (default) | libsodium | pure Java | JDK provider | libsodium / JDK |"
            + " auto / best single backend |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      int size = sizeOf(e.getKey());
      double[] best = better(m.get("native"), m.get("pure-java"));
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          cell(m.get("auto"), size),
          cell(m.get("native"), size),
          cell(m.get("pure-java"), size),
          cell(m.get("jdk"), size),
          ratio(m.get("native"), m.get("jdk")),
          ratio(m.get("auto"), best));
    }
    if (!handshakes.isEmpty()) {
      System.out.printf(
          "| Noise XX handshake (25519, ChaChaPoly, BLAKE2b) | %s | | %s | | | auto / pure Java %s |%n",
          cell(handshakes.get("xxAuto"), 0),
          cell(handshakes.get("xxPureJava"), 0),
          ratio(handshakes.get("xxAuto"), handshakes.get("xxPureJava")));
    }
    extra.forEach(System.out::println);
  }

  /**
   * One row per benchmark and AEAD, one column per socket stack (TLS first, then the others in the
   * order their results came), then each other stack's speed relative to TLS (above 1: faster).
   */
  private static void socketsTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    Set<String> stacks = new LinkedHashSet<>(List.of(SocketStack.TLS13));
    for (RunResult r : results) {
      String cls = className(r);
      if (!cls.equals("ConnectionBench") && !cls.equals("BulkBench")) {
        continue;
      }
      var params = r.getParams();
      String key =
          cls.equals("ConnectionBench")
              ? "new connection (mutual auth, 1-byte echo) " + params.getParam("aead")
              : BulkBench.CHUNK / 1024 + " KiB writes " + params.getParam("aead");
      stacks.add(params.getParam("stack"));
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(params.getParam("stack"), score(r));
    }
    List<String> others = new ArrayList<>(stacks);
    others.remove(SocketStack.TLS13);
    StringBuilder header = new StringBuilder("| benchmark |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String stack : stacks) {
      header.append(' ').append(stack).append(" |");
      rule.append("---|");
    }
    for (String stack : others) {
      header.append(' ').append(stack).append(" vs ").append(SocketStack.TLS13).append(" |");
      rule.append("---|");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      boolean perConnection = e.getKey().startsWith("new connection");
      StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
      for (String stack : stacks) {
        row.append(' ')
            .append(
                perConnection ? milliseconds(m.get(stack)) : cell(m.get(stack), BulkBench.CHUNK))
            .append(" |");
      }
      for (String stack : others) {
        row.append(' ')
            .append(
                perConnection
                    ? ratio(m.get(SocketStack.TLS13), m.get(stack))
                    : ratio(m.get(stack), m.get(SocketStack.TLS13)))
            .append(" |");
      }
      System.out.println(row);
    }
  }

  private static String milliseconds(double[] v) {
    return v == null ? "-" : String.format("%.3f ms ±%.0f%%", v[0], 100 * v[1] / v[0]);
  }

  private static double[] score(RunResult r) {
    var s = r.getPrimaryResult();
    return new double[] {s.getScore(), s.getScoreError()};
  }

  private static double[] better(double[] a, double[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a[0] >= b[0] ? a : b;
  }

  private static int sizeOf(String key) {
    return key.matches(".* \\d+ B") ? Integer.parseInt(key.replaceAll(".* (\\d+) B", "$1")) : 0;
  }

  private static String cell(double[] v, int size) {
    if (v == null) {
      return "-";
    }
    if (size > 0) {
      return String.format("%.0f MB/s ±%.0f%%", v[0] * size / 1e6, 100 * v[1] / v[0]);
    }
    return String.format("%.0f /s ±%.0f%%", v[0], 100 * v[1] / v[0]);
  }

  private static String ratio(double[] a, double[] b) {
    return a == null || b == null ? "-" : String.format("%.2fx", a[0] / b[0]);
  }
}
