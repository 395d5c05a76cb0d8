package io.agentwire.bench.comparison;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small comparison with round numbers, for the writers' tests. */
final class ComparisonFixture {

  static final String TLS = "tls13";
  static final String JAVA = "agentwire-java";
  static final String NATIVE = "agentwire";
  static final String NOISE_JAVA = "noise-java";

  private ComparisonFixture() {}

  static Comparison.Environment environment() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("forks", "1");
    settings.put("throughput", "warm-up 4 x 1000 ms");
    return new Comparison.Environment(
        "2026-01-02T03:04:05Z",
        "17.0.15+6",
        "OpenJDK 64-Bit Server VM (Debian)",
        "AMD EPYC \"Milan\" <virtual> & co",
        2,
        "Linux 6.1 amd64",
        "libsodium 1.0.18",
        "full",
        settings);
  }

  static Map<String, Comparison.Measurement> results(Object... stackScoreError) {
    Map<String, Comparison.Measurement> m = new LinkedHashMap<>();
    for (int i = 0; i < stackScoreError.length; i += 3) {
      m.put(
          (String) stackScoreError[i],
          new Comparison.Measurement(
              ((Number) stackScoreError[i + 1]).doubleValue(),
              ((Number) stackScoreError[i + 2]).doubleValue()));
    }
    return m;
  }

  /**
   * Connection: TLS 5 ms, pure Java 1 ms, native 0.5 ms (5x, 10x). Handshakes: TLS 200/s, pure Java
   * 1600/s, native 3200/s, noise-java 400/s (8x, 16x, 2x). Throughput 16 KiB: TLS 700 MB/s, pure
   * Java 350 (0.5x), native 1400 (2x), the native error unknown (NaN).
   */
  static Comparison comparison() {
    return new Comparison(
        "AgentWire vs \"TLS\" & <others>",
        environment(),
        TLS,
        List.of(
            new Comparison.Stack(TLS, "TLS 1.3"),
            new Comparison.Stack(JAVA, "AgentWire pure Java"),
            new Comparison.Stack(NATIVE, "AgentWire native"),
            new Comparison.Stack(NOISE_JAVA, "noise-java")),
        List.of(
            new Comparison.Row(
                "connection",
                "Connection setup (connect, handshake, 1-byte echo; loopback)",
                "ms",
                false,
                results(TLS, 5.0, 0.5, JAVA, 1.0, 0.2, NATIVE, 0.5, 0.05)),
            new Comparison.Row(
                "handshakes",
                "Handshakes per second, in memory",
                "/s",
                true,
                results(TLS, 200, 20, JAVA, 1600, 160, NATIVE, 3200, 320, NOISE_JAVA, 400, 4)),
            new Comparison.Row(
                "throughput-16k",
                "Throughput, 16 KiB writes",
                "MB/s",
                true,
                results(TLS, 700, 70, JAVA, 350, 35, NATIVE, 1400, Double.NaN))),
        List.of("a note with a \"quote\", a backslash \\ and a newline\nin it"));
  }
}
