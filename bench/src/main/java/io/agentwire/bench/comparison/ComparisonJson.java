package io.agentwire.bench.comparison;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * Writes a {@link Comparison} as JSON, by hand (no dependency). Schema {@value #SCHEMA}:
 *
 * <pre>{@code
 * {
 *   "schema": "agentwire-bench-comparison/1",
 *   "title": "AgentWire vs SunJSSE TLS 1.3 (mutual, P-256) vs noise-java",
 *   "date": "2026-01-01T12:00:00Z", "mode": "full",
 *   "environment": {"jdk": ..., "vm": ..., "cpu": ..., "cores": 2, "os": ..., "nativeBackend": ...},
 *   "jmh": {"forks": "1", ...},
 *   "baseline": "tls13",
 *   "ratio": "how many times as fast as the baseline: ...",
 *   "notes": ["AgentWire and noise-java: Noise_XX_25519_AESGCM_SHA256 ...", ...],
 *   "stacks": [{"id": "tls13", "name": "TLS 1.3 (SunJSSE)"}, ...],
 *   "rows": [{
 *     "id": "connection", "label": ..., "unit": "ms", "higherIsBetter": false,
 *     "results": {
 *       "tls13": {"score": 5.6, "error": 1.2, "relativeError": 0.21, "ratioToBaseline": 1,
 *                 "ratioRelativeError": 0.3},
 *       "noise-java": null
 *     }
 *   }, ...]
 * }
 * }</pre>
 *
 * Every stack appears in every row's results, null where it was not measured; unknown errors (JMH
 * gives none for too few iterations) are null. Numbers carry six significant digits.
 */
public final class ComparisonJson {

  static final String SCHEMA = "agentwire-bench-comparison/1";

  private ComparisonJson() {}

  public static String write(Comparison c) {
    Comparison.Environment e = c.environment();
    StringBuilder j = new StringBuilder(4096);
    j.append("{\n");
    field(j, 1, "schema", string(SCHEMA)).append(",\n");
    field(j, 1, "title", string(c.title())).append(",\n");
    field(j, 1, "date", string(e.date())).append(",\n");
    field(j, 1, "mode", string(e.mode())).append(",\n");
    indent(j, 1).append("\"environment\": {\n");
    field(j, 2, "jdk", string(e.jdk())).append(",\n");
    field(j, 2, "vm", string(e.vm())).append(",\n");
    field(j, 2, "cpu", string(e.cpu())).append(",\n");
    field(j, 2, "cores", Integer.toString(e.cores())).append(",\n");
    field(j, 2, "os", string(e.os())).append(",\n");
    field(j, 2, "nativeBackend", string(e.nativeBackend())).append('\n');
    indent(j, 1).append("},\n");
    indent(j, 1).append("\"jmh\": {");
    int n = 0;
    for (Map.Entry<String, String> s : e.settings().entrySet()) {
      j.append(n++ == 0 ? "\n" : ",\n");
      field(j, 2, s.getKey(), string(s.getValue()));
    }
    j.append('\n');
    indent(j, 1).append("},\n");
    field(j, 1, "baseline", string(c.baseline())).append(",\n");
    field(
            j,
            1,
            "ratio",
            string(
                "how many times as fast as the baseline, above 1 faster: score / baseline score"
                    + " where higherIsBetter, baseline score / score where not (times)"))
        .append(",\n");
    indent(j, 1).append("\"notes\": [");
    for (int i = 0; i < c.notes().size(); i++) {
      j.append(i == 0 ? "\n" : ",\n");
      indent(j, 2).append(string(c.notes().get(i)));
    }
    j.append('\n');
    indent(j, 1).append("],\n");
    indent(j, 1).append("\"stacks\": [");
    for (int i = 0; i < c.stacks().size(); i++) {
      Comparison.Stack s = c.stacks().get(i);
      j.append(i == 0 ? "\n" : ",\n");
      indent(j, 2)
          .append("{\"id\": ")
          .append(string(s.id()))
          .append(", \"name\": ")
          .append(string(s.name()))
          .append('}');
    }
    j.append("\n");
    indent(j, 1).append("],\n");
    indent(j, 1).append("\"rows\": [");
    for (int i = 0; i < c.rows().size(); i++) {
      Comparison.Row r = c.rows().get(i);
      j.append(i == 0 ? "\n" : ",\n");
      indent(j, 2).append("{\n");
      field(j, 3, "id", string(r.id())).append(",\n");
      field(j, 3, "label", string(r.label())).append(",\n");
      field(j, 3, "unit", string(r.unit())).append(",\n");
      field(j, 3, "higherIsBetter", Boolean.toString(r.higherIsBetter())).append(",\n");
      indent(j, 3).append("\"results\": {");
      for (int k = 0; k < c.stacks().size(); k++) {
        String stack = c.stacks().get(k).id();
        j.append(k == 0 ? "\n" : ",\n");
        indent(j, 4).append(string(stack)).append(": ");
        Comparison.Measurement m = r.get(stack);
        if (m == null) {
          j.append("null");
          continue;
        }
        j.append("{\"score\": ")
            .append(number(m.score()))
            .append(", \"error\": ")
            .append(number(m.error()))
            .append(", \"relativeError\": ")
            .append(number(m.relativeError()))
            .append(", \"ratioToBaseline\": ")
            .append(number(r.ratio(stack, c.baseline())))
            .append(", \"ratioRelativeError\": ")
            .append(number(r.ratioRelativeError(stack, c.baseline())))
            .append('}');
      }
      j.append('\n');
      indent(j, 3).append("}\n");
      indent(j, 2).append('}');
    }
    j.append('\n');
    indent(j, 1).append("]\n");
    j.append("}\n");
    return j.toString();
  }

  private static StringBuilder indent(StringBuilder j, int level) {
    return j.append("  ".repeat(level));
  }

  private static StringBuilder field(StringBuilder j, int level, String name, String json) {
    return indent(j, level).append(string(name)).append(": ").append(json);
  }

  /** A JSON number with six significant digits, or null for null, NaN and infinities. */
  static String number(Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return "null";
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A JSON string literal, or null for null. */
  static String string(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
