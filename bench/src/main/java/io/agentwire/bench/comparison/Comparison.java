package io.agentwire.bench.comparison;

import io.agentwire.bench.Report;
import io.agentwire.bench.SocketStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side comparison {@link Report} prints and writes: a few rows (connection setup,
 * in-memory handshakes, bulk throughput at several write sizes), each with one measurement per
 * implementation ("stack") and each stack's speed relative to the baseline, SunJSSE TLS 1.3.
 *
 * <p>The ratio is always "how many times as fast as TLS": above 1 is faster, whichever way the
 * row's unit points. For a throughput row it is the stack's score over TLS's; for a time row
 * ({@link Row#higherIsBetter} false, such as milliseconds per connection) it is TLS's time over the
 * stack's.
 *
 * @param title what is compared, in a few words (the chart's title)
 * @param environment where and when it was measured
 * @param baseline the id of the stack every ratio is relative to
 * @param stacks the stacks in column order, baseline included
 * @param rows the rows in display order
 * @param notes what exactly was compared (protocols, suites), one sentence each
 */
public record Comparison(
    String title,
    Environment environment,
    String baseline,
    List<Stack> stacks,
    List<Row> rows,
    List<String> notes) {

  public Comparison {
    stacks = List.copyOf(stacks);
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
    if (stacks.stream().noneMatch(s -> s.id().equals(baseline))) {
      throw new IllegalArgumentException("Baseline " + baseline + " is not among the stacks");
    }
  }

  /** The stacks other than the baseline, in column order. */
  List<Stack> others() {
    return stacks.stream().filter(s -> !s.id().equals(baseline)).toList();
  }

  /** The baseline stack. */
  Stack baselineStack() {
    return stacks.stream().filter(s -> s.id().equals(baseline)).findFirst().orElseThrow();
  }

  /**
   * One implementation under comparison.
   *
   * @param id a short name, as in {@link SocketStack} ({@code tls13}, {@code agentwire}, ...)
   * @param name how tables and charts label it
   */
  public record Stack(String id, String name) {}

  /**
   * Where and when the comparison was measured.
   *
   * @param date ISO-8601 instant the run finished
   * @param jdk runtime version, e.g. {@code 17.0.15+6-Debian-1deb12u1}
   * @param vm VM name and vendor
   * @param cpu CPU model (from /proc/cpuinfo where there is one, else the architecture)
   * @param cores processors available to the JVM
   * @param os operating system name, version and architecture
   * @param nativeBackend what the native backend reported in the runner's JVM
   * @param mode {@code quick} or {@code full}
   * @param settings JMH settings, e.g. {@code "forks": "1"}
   */
  public record Environment(
      String date,
      String jdk,
      String vm,
      String cpu,
      int cores,
      String os,
      String nativeBackend,
      String mode,
      Map<String, String> settings) {

    public Environment {
      settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** One line for captions: date (day), JDK, CPU, cores. */
    String caption() {
      String day = date.length() >= 10 ? date.substring(0, 10) : date;
      return day + " · JDK " + jdk + " · " + cpu + " (" + cores + " cores) · " + os;
    }
  }

  /**
   * One score with its error.
   *
   * @param score the mean, in the row's unit
   * @param error the half-width of JMH's 99.9% confidence interval, same unit; NaN if JMH had too
   *     few iterations to give one
   */
  public record Measurement(double score, double error) {

    /** The error as a share of the score; NaN if unknown. */
    double relativeError() {
      return score == 0 ? Double.NaN : Math.abs(error / score);
    }
  }

  /**
   * One thing measured for every stack that can do it.
   *
   * @param id a stable key, e.g. {@code throughput-16k}
   * @param label what the row says in tables and charts
   * @param unit the unit of every score in the row, e.g. {@code ms} or {@code MB/s}
   * @param higherIsBetter false for times (the ratio to the baseline is then inverted)
   * @param results measurements by stack id; a stack absent here did not (or cannot) take part
   */
  public record Row(
      String id,
      String label,
      String unit,
      boolean higherIsBetter,
      Map<String, Measurement> results) {

    public Row {
      results = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /** The measurement for {@code stack}, or null. */
    public Measurement get(String stack) {
      return results.get(stack);
    }

    /**
     * How many times as fast as {@code baseline} {@code stack} is in this row (above 1: faster), or
     * null if either has no measurement.
     */
    Double ratio(String stack, String baseline) {
      Measurement s = results.get(stack);
      Measurement b = results.get(baseline);
      if (s == null || b == null || s.score() <= 0 || b.score() <= 0) {
        return null;
      }
      return higherIsBetter ? s.score() / b.score() : b.score() / s.score();
    }

    /**
     * The ratio's error as a share of the ratio, from both measurements' relative errors combined
     * as independent (root sum of squares); 0 for the baseline itself, NaN if either error is
     * unknown, null if there is no ratio.
     */
    Double ratioRelativeError(String stack, String baseline) {
      if (ratio(stack, baseline) == null) {
        return null;
      }
      if (stack.equals(baseline)) {
        return 0.0; // exactly 1 by definition
      }
      double a = results.get(stack).relativeError();
      double b = results.get(baseline).relativeError();
      return Math.sqrt(a * a + b * b);
    }
  }

  /** A score with about three significant digits, no exponent: 0.602, 5.60, 17.2, 3439. */
  static String number(double v) {
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(java.util.Locale.ROOT, pattern, v);
  }

  /** {@code 5.60 ms}, or {@code n/a} for null. */
  static String value(Measurement m, String unit) {
    return m == null ? "n/a" : number(m.score()) + " " + unit;
  }

  /** {@code 5.60 ms ±21%} (the error left out when unknown), or {@code n/a} for null. */
  static String valueWithError(Measurement m, String unit) {
    if (m == null) {
      return "n/a";
    }
    double rel = m.relativeError();
    return value(m, unit)
        + (Double.isNaN(rel) ? "" : String.format(java.util.Locale.ROOT, " ±%.0f%%", 100 * rel));
  }

  /** {@code 9.30x}, or {@code n/a} for null. */
  static String ratio(Double r) {
    return r == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2fx", r);
  }
}
