package io.agentwire.bench.comparison;

import static io.agentwire.bench.comparison.ComparisonFixture.JAVA;
import static io.agentwire.bench.comparison.ComparisonFixture.NATIVE;
import static io.agentwire.bench.comparison.ComparisonFixture.NOISE_JAVA;
import static io.agentwire.bench.comparison.ComparisonFixture.TLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private final Comparison c = ComparisonFixture.comparison();

  @Test
  void timeRowsInvertTheRatioSoThatAboveOneIsFaster() {
    Comparison.Row connection = c.rows().get(0);
    assertEquals(5.0, connection.ratio(JAVA, TLS), 1e-12); // 5 ms / 1 ms
    assertEquals(10.0, connection.ratio(NATIVE, TLS), 1e-12); // 5 ms / 0.5 ms
    assertEquals(1.0, connection.ratio(TLS, TLS), 1e-12);
  }

  @Test
  void throughputRowsDivideByTheBaseline() {
    Comparison.Row handshakes = c.rows().get(1);
    assertEquals(8.0, handshakes.ratio(JAVA, TLS), 1e-12);
    assertEquals(16.0, handshakes.ratio(NATIVE, TLS), 1e-12);
    assertEquals(2.0, handshakes.ratio(NOISE_JAVA, TLS), 1e-12);
    Comparison.Row bulk = c.rows().get(2);
    assertEquals(0.5, bulk.ratio(JAVA, TLS), 1e-12);
    assertEquals(2.0, bulk.ratio(NATIVE, TLS), 1e-12);
  }

  @Test
  void noRatioWithoutBothMeasurements() {
    assertNull(c.rows().get(0).ratio(NOISE_JAVA, TLS));
    assertNull(c.rows().get(0).ratioRelativeError(NOISE_JAVA, TLS));
    Comparison.Row noBaseline =
        new Comparison.Row("x", "x", "/s", true, ComparisonFixture.results(JAVA, 1, 0));
    assertNull(noBaseline.ratio(JAVA, TLS));
  }

  @Test
  void ratioErrorCombinesBothRelativeErrors() {
    Comparison.Row connection = c.rows().get(0);
    // 20% and 10%: sqrt(0.04 + 0.01)
    assertEquals(Math.sqrt(0.05), connection.ratioRelativeError(JAVA, TLS), 1e-12);
    assertEquals(0.0, connection.ratioRelativeError(TLS, TLS), 0);
    assertTrue(c.rows().get(2).ratioRelativeError(NATIVE, TLS).isNaN());
  }

  @Test
  void baselineMustBeAStack() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Comparison(
                "t",
                ComparisonFixture.environment(),
                "missing",
                List.of(new Comparison.Stack(TLS, "TLS")),
                List.of(),
                List.of()));
  }

  @Test
  void formatsThreeSignificantDigits() {
    assertEquals("0.602", Comparison.number(0.6021));
    assertEquals("5.60", Comparison.number(5.6));
    assertEquals("17.2", Comparison.number(17.24));
    assertEquals("3439", Comparison.number(3439.4));
    assertEquals("n/a", Comparison.value(null, "ms"));
    assertEquals(
        "5.00 ms ±10%", Comparison.valueWithError(new Comparison.Measurement(5, 0.5), "ms"));
    assertEquals(
        "1400 MB/s",
        Comparison.valueWithError(new Comparison.Measurement(1400, Double.NaN), "MB/s"));
    assertEquals("9.30x", Comparison.ratio(9.3));
    assertEquals("n/a", Comparison.ratio(null));
  }

  @Test
  void tableHasAColumnPerStackAndPerRatio() {
    String[] lines = ComparisonTable.markdown(c).split("\n");
    assertEquals(2 + c.rows().size(), lines.length);
    assertEquals(
        "| benchmark | TLS 1.3 | AgentWire pure Java | AgentWire native | noise-java |"
            + " AgentWire pure Java vs TLS 1.3 | AgentWire native vs TLS 1.3 | noise-java vs TLS 1.3 |",
        lines[0]);
    assertEquals("|---|---|---|---|---|---|---|---|", lines[1]);
    assertEquals(
        "| Connection setup (connect, handshake, 1-byte echo; loopback) | 5.00 ms ±10% |"
            + " 1.00 ms ±20% | 0.500 ms ±10% | n/a | 5.00x | 10.00x | n/a |",
        lines[2]);
    assertTrue(lines[3].endsWith("| 8.00x | 16.00x | 2.00x |"), lines[3]);
    assertTrue(lines[4].endsWith("| 0.50x | 2.00x | n/a |"), lines[4]);
  }
}
