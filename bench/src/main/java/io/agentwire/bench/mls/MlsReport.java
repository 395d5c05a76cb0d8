package io.agentwire.bench.mls;

import io.agentwire.bench.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

/**
 * {@code Report --mls}: AgentWire's MLS against bcmls 1.84 in one run, one table: commit creation
 * and processing for add, update and remove, the join from a Welcome (and the Welcome's size), an
 * application message each way, and the trap (the first update after one big add), at each group
 * size, with bcmls's time over AgentWire's (at least 1 means AgentWire is as fast) and the fitted
 * slope of the update's cost against the group size. Written as {@code mls.md} to {@code --out}.
 * {@code --mls-sizes 2,16} runs only those sizes; {@code --quick} runs 2 to 1,024 with short
 * iterations.
 */
public final class MlsReport {

  private MlsReport() {}

  static final List<Integer> SIZES = List.of(2, 16, 128, 1024, 10000);
  static final List<Integer> QUICK_SIZES = List.of(2, 16, 128, 1024);
  static final List<String> IMPLS = List.of(MlsFixture.AGENTWIRE, MlsFixture.BCMLS);

  /** One table row: a benchmark method and its label. */
  private record Row(Class<?> bench, String method, String label) {
    String key() {
      return bench.getSimpleName() + "." + method;
    }
  }

  private static final List<Row> ROWS =
      List.of(
          new Row(MlsCommitBench.class, "addCreate", "Add one member: create commit"),
          new Row(MlsCommitBench.class, "addProcess", "Add one member: process commit"),
          new Row(MlsCommitBench.class, "updateCreate", "Update (path, populated tree): create"),
          new Row(MlsCommitBench.class, "updateProcess", "Update (path, populated tree): process"),
          new Row(MlsCommitBench.class, "removeCreate", "Remove one member: create commit"),
          new Row(MlsCommitBench.class, "removeProcess", "Remove one member: process commit"),
          new Row(MlsJoinBench.class, "join", "Join from a Welcome (ratchet_tree inside)"),
          new Row(
              MlsTrapBench.class,
              "updateAfterBigAddCreate",
              "Trap: first update after one big add: create"),
          new Row(
              MlsTrapBench.class,
              "updateAfterBigAddProcess",
              "Trap: first update after one big add: process"),
          new Row(MlsMessageBench.class, "encrypt", "Application message, 1 KiB: encrypt"),
          new Row(MlsMessageBench.class, "decrypt", "Application message, 1 KiB: decrypt"));

  public static void run(boolean quick, int forks, Path out, List<Integer> only) throws Exception {
    long started = System.nanoTime();
    List<Integer> sizes = only != null ? only : quick ? QUICK_SIZES : SIZES;
    Report.Timing timing =
        quick ? new Report.Timing(2, 500, 3, 500) : new Report.Timing(3, 1000, 5, 1000);
    String[] all = strings(sizes);
    List<Integer> beyondTwo = new ArrayList<>(sizes);
    beyondTwo.remove(Integer.valueOf(2));
    List<RunResult> results = new ArrayList<>();
    ChainedOptionsBuilder commits =
        timing
            .apply(options(forks))
            .include(
                Report.method(
                    MlsCommitBench.class,
                    "addCreate",
                    "addProcess",
                    "updateCreate",
                    "updateProcess",
                    "removeCreate"))
            .include(Report.method(MlsJoinBench.class, "join"))
            .include(Report.method(MlsTrapBench.class, "updateAfterBigAddCreate"))
            .include(Report.method(MlsTrapBench.class, "updateAfterBigAddProcess"))
            .param("size", all);
    results.addAll(Report.run(commits));
    if (!beyondTwo.isEmpty()) {
      // At size 2 the only member a commit can remove is the receiver itself.
      results.addAll(
          Report.run(
              timing
                  .apply(options(forks))
                  .include(Report.method(MlsCommitBench.class, "removeProcess"))
                  .param("size", strings(beyondTwo))));
    }
    List<String> messageSizes = new ArrayList<>();
    for (int s : List.of(16, 1024)) {
      if (sizes.contains(s)) {
        messageSizes.add(Integer.toString(s));
      }
    }
    if (!messageSizes.isEmpty()) {
      results.addAll(
          Report.run(
              timing
                  .apply(options(forks))
                  .include(Report.method(MlsMessageBench.class, "encrypt", "decrypt"))
                  .param("size", messageSizes.toArray(new String[0]))));
    }
    Map<String, Integer> welcomeBytes = welcomeSizes(sizes);
    String table = table(results, sizes, welcomeBytes, quick, forks, timing);
    System.out.println();
    System.out.println(table);
    Files.createDirectories(out);
    Files.writeString(out.resolve("mls.md"), table, StandardCharsets.UTF_8);
    System.out.printf(
        "%nWrote mls.md to %s (%.0f s)%n",
        out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
  }

  /** Each fork gets room for the 10,000-member trees of both implementations. */
  private static ChainedOptionsBuilder options(int forks) {
    return Report.options().forks(forks).jvmArgsAppend("-Xmx4g");
  }

  private static String[] strings(List<Integer> sizes) {
    return sizes.stream().map(String::valueOf).toArray(String[]::new);
  }

  /** The bytes of the Welcome that adds one member to a populated group of each size. */
  static Map<String, Integer> welcomeSizes(List<Integer> sizes) {
    Map<String, Integer> bytes = new LinkedHashMap<>();
    for (String impl : IMPLS) {
      for (int size : sizes) {
        try {
          MlsFixture g = MlsFixture.build(impl, 1, size, true);
          byte[] kp = MlsFixture.strangerKeyPackage(impl, 1, "newcomer");
          bytes.put(impl + "|" + size, g.creator.add(List.of(kp)).welcome().length);
          g.creator.discard();
        } catch (Exception | LinkageError e) {
          System.err.println("Welcome size of " + impl + " at " + size + ": " + e);
        }
      }
    }
    return bytes;
  }

  static String table(
      List<RunResult> results,
      List<Integer> sizes,
      Map<String, Integer> welcomeBytes,
      boolean quick,
      int forks,
      Report.Timing timing) {
    // key: Class.method|size -> impl -> {score, error} in ms
    Map<String, Map<String, double[]>> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      var p = r.getParams();
      var s = r.getPrimaryResult();
      double toMs = s.getScoreUnit().startsWith("us") ? 1e-3 : 1;
      scores
          .computeIfAbsent(
              Report.className(r) + "." + Report.benchmark(r) + "|" + p.getParam("size"),
              k -> new LinkedHashMap<>())
          .put(p.getParam("impl"), new double[] {s.getScore() * toMs, s.getScoreError() * toMs});
    }
    StringBuilder b = new StringBuilder();
    b.append("| operation | members | AgentWire | bcmls 1.84 | bcmls / AgentWire |\n");
    b.append("|---|---|---|---|---|\n");
    for (Row row : ROWS) {
      for (int size : sizes) {
        Map<String, double[]> m = scores.get(row.key() + "|" + size);
        if (m == null) {
          continue;
        }
        double[] a = m.get(MlsFixture.AGENTWIRE);
        double[] c = m.get(MlsFixture.BCMLS);
        b.append(
            String.format(
                "| %s | %,d | %s | %s | %s |%n", row.label, size, cell(a), cell(c), ratio(c, a)));
      }
    }
    b.append('\n');
    b.append("| Welcome adding one member | members | AgentWire | bcmls 1.84 |\n");
    b.append("|---|---|---|---|\n");
    for (int size : sizes) {
      b.append(
          String.format(
              "| bytes | %,d | %s | %s |%n",
              size,
              bytes(welcomeBytes.get(MlsFixture.AGENTWIRE + "|" + size)),
              bytes(welcomeBytes.get(MlsFixture.BCMLS + "|" + size))));
    }
    b.append('\n');
    b.append(
        "| update cost vs group size | impl | 1,024 / 16 | fitted slope (log time / log N) |\n");
    b.append("|---|---|---|---|\n");
    for (String method : List.of("updateCreate", "updateProcess")) {
      for (String impl : IMPLS) {
        b.append(
            String.format(
                "| %s | %s | %s | %s |%n",
                method,
                impl,
                sizeRatio(scores, "MlsCommitBench." + method, impl, 16, 1024),
                slope(scores, "MlsCommitBench." + method, impl, sizes)));
      }
    }
    b.append('\n');
    b.append(
        String.format(
            "Measured %s · JDK %s · %s (%d cores) · %s run, %d fork(s) per benchmark, impl and"
                + " size; %s. Suite 1 (X25519, AES-128-GCM, SHA-256, Ed25519). Times are JMH"
                + " averages per operation, ± its 99.9%% error as a share of the score. Each group"
                + " is built once per fork by one commit adding every member, then populated with"
                + " log2(N) updates by helpers in the creator's copath subtrees and one by the"
                + " creator (MlsFixture); the trap rows skip that population. A slope near 0 is"
                + " logarithmic, near 1 linear in N.%n",
            java.time.LocalDate.now(),
            Runtime.version(),
            Report.cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            quick ? "quick" : "full",
            forks,
            timing));
    return b.toString();
  }

  private static String cell(double[] v) {
    if (v == null) {
      return "-";
    }
    String t =
        v[0] >= 100
            ? String.format("%,.0f ms", v[0])
            : v[0] >= 1 ? String.format("%.2f ms", v[0]) : String.format("%.1f µs", v[0] * 1000);
    return String.format("%s ±%.0f%%", t, 100 * v[1] / v[0]);
  }

  private static String ratio(double[] bcmls, double[] agentwire) {
    return bcmls == null || agentwire == null
        ? "-"
        : String.format("%.2fx", bcmls[0] / agentwire[0]);
  }

  private static String bytes(Integer n) {
    return n == null ? "-" : String.format("%,d", n);
  }

  private static String sizeRatio(
      Map<String, Map<String, double[]>> scores, String key, String impl, int small, int big) {
    double[] s = scores.getOrDefault(key + "|" + small, Map.of()).get(impl);
    double[] l = scores.getOrDefault(key + "|" + big, Map.of()).get(impl);
    return s == null || l == null ? "-" : String.format("%.2fx", l[0] / s[0]);
  }

  /** The least-squares slope of log(time) against log(size), over the sizes from 16 up. */
  static String slope(
      Map<String, Map<String, double[]>> scores, String key, String impl, List<Integer> sizes) {
    List<double[]> pts = new ArrayList<>();
    for (int size : sizes) {
      double[] v = scores.getOrDefault(key + "|" + size, Map.of()).get(impl);
      if (size >= 16 && v != null) {
        pts.add(new double[] {Math.log(size), Math.log(v[0])});
      }
    }
    if (pts.size() < 2) {
      return "-";
    }
    double mx = 0;
    double my = 0;
    for (double[] p : pts) {
      mx += p[0] / pts.size();
      my += p[1] / pts.size();
    }
    double sxy = 0;
    double sxx = 0;
    for (double[] p : pts) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
    }
    return String.format("%.2f", sxy / sxx);
  }
}
