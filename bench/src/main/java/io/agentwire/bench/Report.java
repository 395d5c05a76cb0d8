package io.agentwire.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints a Markdown table with each result beside its alternatives and the
 * ratio AgentWire / alternative. {@code --quick} shortens the runs (wider error bars).
 */
public final class Report {

  private Report() {}

  public static void main(String[] args) throws Exception {
    boolean quick = args.length > 0 && args[0].equals("--quick");
    Options opts =
        new OptionsBuilder()
            .include(HandshakeBench.class.getSimpleName())
            .include(TransportBench.class.getSimpleName())
            .forks(1)
            .warmupIterations(quick ? 2 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 5)
            .measurementTime(TimeValue.seconds(1))
            .build();
    Collection<RunResult> results = new Runner(opts).run();
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      var params = r.getParams();
      String impl = params.getParam("impl");
      String key =
          r.getParams().getBenchmark().replaceAll(".*\\.(\\w+Bench)\\..*", "$1")
              + (params.getParam("cipher") != null
                  ? " " + params.getParam("cipher") + " " + params.getParam("size") + " B"
                  : " " + params.getParam("protocol"));
      var score = r.getPrimaryResult();
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .put(impl, new double[] {score.getScore(), score.getScoreError()});
    }
    System.out.println();
    System.out.println(
        "| benchmark | AgentWire | noise-java | JDK cipher alone | AgentWire / noise-java |"
            + " AgentWire / JDK |");
    System.out.println("|---|---|---|---|---|---|");
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      boolean transport = e.getKey().startsWith("TransportBench");
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          cell(m.get("agentwire"), transport, e.getKey()),
          cell(m.get("noise-java"), transport, e.getKey()),
          cell(m.get("jdk"), transport, e.getKey()),
          ratio(m.get("agentwire"), m.get("noise-java")),
          ratio(m.get("agentwire"), m.get("jdk")));
    }
  }

  private static String cell(double[] v, boolean transport, String key) {
    if (v == null) {
      return "-";
    }
    if (transport) {
      int size = Integer.parseInt(key.replaceAll(".* (\\d+) B", "$1"));
      return String.format("%.0f MB/s ±%.0f%%", v[0] * size / 1e6, 100 * v[1] / v[0]);
    }
    return String.format("%.0f /s ±%.0f%%", v[0], 100 * v[1] / v[0]);
  }

  private static String ratio(double[] a, double[] b) {
    return a == null || b == null ? "-" : String.format("%.2fx", a[0] / b[0]);
  }
}
