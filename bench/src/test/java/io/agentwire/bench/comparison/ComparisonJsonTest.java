package io.agentwire.bench.comparison;

import static io.agentwire.bench.comparison.ComparisonFixture.JAVA;
import static io.agentwire.bench.comparison.ComparisonFixture.NATIVE;
import static io.agentwire.bench.comparison.ComparisonFixture.NOISE_JAVA;
import static io.agentwire.bench.comparison.ComparisonFixture.TLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonJsonTest {

  /** Strict: no NaN literals, no trailing tokens, no duplicate keys. */
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static JsonNode parse(Comparison c) throws Exception {
    return STRICT.readTree(ComparisonJson.write(c));
  }

  @Test
  void parsesAndCarriesTheEnvironment() throws Exception {
    JsonNode j = parse(ComparisonFixture.comparison());
    assertEquals(ComparisonJson.SCHEMA, j.get("schema").asText());
    assertEquals("AgentWire vs \"TLS\" & <others>", j.get("title").asText());
    assertEquals("2026-01-02T03:04:05Z", j.get("date").asText());
    assertEquals("full", j.get("mode").asText());
    JsonNode env = j.get("environment");
    assertEquals("17.0.15+6", env.get("jdk").asText());
    assertEquals("AMD EPYC \"Milan\" <virtual> & co", env.get("cpu").asText());
    assertEquals(2, env.get("cores").asInt());
    assertEquals("Linux 6.1 amd64", env.get("os").asText());
    assertEquals("1", j.get("jmh").get("forks").asText());
    assertEquals("tls13", j.get("baseline").asText());
    assertEquals(
        "a note with a \"quote\", a backslash \\ and a newline\nin it",
        j.get("notes").get(0).asText());
    assertEquals(4, j.get("stacks").size());
    assertEquals("agentwire-java", j.get("stacks").get(1).get("id").asText());
    assertEquals("AgentWire pure Java", j.get("stacks").get(1).get("name").asText());
  }

  @Test
  void rowsHaveScoresErrorsAndRatios() throws Exception {
    JsonNode rows = parse(ComparisonFixture.comparison()).get("rows");
    assertEquals(3, rows.size());

    JsonNode connection = rows.get(0);
    assertEquals("connection", connection.get("id").asText());
    assertEquals("ms", connection.get("unit").asText());
    assertFalse(connection.get("higherIsBetter").asBoolean());
    JsonNode r = connection.get("results");
    assertEquals(List.of(TLS, JAVA, NATIVE, NOISE_JAVA), fieldNames(r));
    assertEquals(5.0, r.get(TLS).get("score").asDouble(), 0);
    assertEquals(0.5, r.get(TLS).get("error").asDouble(), 0);
    assertEquals(0.1, r.get(TLS).get("relativeError").asDouble(), 1e-9);
    assertEquals(1.0, r.get(TLS).get("ratioToBaseline").asDouble(), 0);
    assertEquals(5.0, r.get(JAVA).get("ratioToBaseline").asDouble(), 1e-9);
    assertEquals(10.0, r.get(NATIVE).get("ratioToBaseline").asDouble(), 1e-9);
    assertEquals(Math.sqrt(0.05), r.get(JAVA).get("ratioRelativeError").asDouble(), 1e-5);
    assertTrue(r.get(NOISE_JAVA).isNull(), "not measured: null");

    JsonNode handshakes = rows.get(1).get("results");
    assertEquals(2.0, handshakes.get(NOISE_JAVA).get("ratioToBaseline").asDouble(), 1e-9);
    assertEquals(16.0, handshakes.get(NATIVE).get("ratioToBaseline").asDouble(), 1e-9);

    JsonNode bulk = rows.get(2).get("results");
    assertEquals(0.5, bulk.get(JAVA).get("ratioToBaseline").asDouble(), 1e-9);
    assertTrue(bulk.get(NATIVE).get("error").isNull(), "an unknown error is null, not NaN");
    assertTrue(bulk.get(NATIVE).get("ratioRelativeError").isNull());
    assertEquals(1400.0, bulk.get(NATIVE).get("score").asDouble(), 0);
  }

  @Test
  void numbersKeepSixSignificantDigitsWithoutExponents() {
    assertEquals("0.000123457", ComparisonJson.number(0.0001234567));
    assertEquals("123457", ComparisonJson.number(123456.7));
    assertEquals("12345700", ComparisonJson.number(12345678.0));
    assertEquals("0", ComparisonJson.number(0.0));
    assertEquals("null", ComparisonJson.number(Double.NaN));
    assertEquals("null", ComparisonJson.number(Double.POSITIVE_INFINITY));
    assertEquals("null", ComparisonJson.number(null));
  }

  @Test
  void escapesEveryControlCharacter() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char ch = 0; ch < 0x80; ch++) {
      all.append(ch);
    }
    all.append("\u2028\u00e9\u20ac\ud83d\ude00");
    String literal = ComparisonJson.string(all.toString());
    assertEquals(all.toString(), STRICT.readTree(literal).asText());
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
