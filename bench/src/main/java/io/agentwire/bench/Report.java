package io.agentwire.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints Markdown tables with each result beside its alternatives and the
 * ratios. Arguments: {@code --quick} (shorter runs, wider error), {@code --noise} (AgentWire vs
 * noise-java and the JDK; the default), {@code --native} (the backends side by side), {@code
 * --all}.
 */
public final class Report {

  private Report() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean quick = a.contains("--quick");
    boolean all = a.contains("--all");
    boolean nativeOnly = a.contains("--native");
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
    if (all || !nativeOnly) {
      opts.include(HandshakeBench.class.getName()).include(TransportBench.class.getName());
    }
    if (all || nativeOnly) {
      opts.include("io.agentwire.nativeaccel.BackendBench")
          .include(NativeHandshakeBench.class.getName());
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
    if (all || !nativeOnly) {
      noiseTable(results);
    }
    if (all || nativeOnly) {
      backendTable(results);
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
