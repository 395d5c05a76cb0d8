package io.agentwire.bench.comparison;

/**
 * A {@link Comparison} as one Markdown table: a column per stack with its score and error, then a
 * column per non-baseline stack with its speed relative to the baseline ({@code 2.00x}: twice as
 * fast; for times, the baseline's time over the stack's). Stacks that cannot take part in a row
 * show {@code n/a}.
 */
public final class ComparisonTable {

  private ComparisonTable() {}

  public static String markdown(Comparison c) {
    StringBuilder t = new StringBuilder();
    t.append("| benchmark |");
    for (Comparison.Stack s : c.stacks()) {
      t.append(' ').append(s.name()).append(" |");
    }
    for (Comparison.Stack s : c.others()) {
      t.append(' ').append(s.name()).append(" vs ").append(c.baselineStack().name()).append(" |");
    }
    t.append('\n').append("|---|");
    t.append("---|".repeat(c.stacks().size() + c.others().size()));
    t.append('\n');
    for (Comparison.Row row : c.rows()) {
      t.append("| ").append(row.label()).append(" |");
      for (Comparison.Stack s : c.stacks()) {
        t.append(' ').append(Comparison.valueWithError(row.get(s.id()), row.unit())).append(" |");
      }
      for (Comparison.Stack s : c.others()) {
        t.append(' ').append(Comparison.ratio(row.ratio(s.id(), c.baseline()))).append(" |");
      }
      t.append('\n');
    }
    return t.toString();
  }

  /** The line under the table: when, where, and how to read the ratios. */
  public static String caption(Comparison c) {
    return "Measured "
        + c.environment().caption()
        + " ("
        + c.environment().mode()
        + " run). Ratios: times as fast as "
        + c.baselineStack().name()
        + ", above 1 faster (for times: "
        + c.baselineStack().name()
        + "'s time over the other's). ± is JMH's 99.9% error as a share of the score.";
  }
}
