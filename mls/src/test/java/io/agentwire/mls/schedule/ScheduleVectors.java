package io.agentwire.mls.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import io.agentwire.testsupport.SharedVectors;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the IETF MLS vectors in place and hands out the {@link Suite} for a case's cipher suite, or
 * null for a suite this build cannot run. Suites 1 and 3 are required: a test that finds either
 * unsupported fails instead of skipping every case.
 */
public final class ScheduleVectors {

  /** The suites every vector test must run. */
  public static final Set<Integer> REQUIRED = Set.of(1, 3);

  private ScheduleVectors() {}

  public static JsonNode load(String file) throws IOException {
    return new ObjectMapper().readTree(SharedVectors.file("mls/" + file).toFile());
  }

  public static byte[] hex(JsonNode n) {
    return HexFormat.of().parseHex(n.asText());
  }

  public static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  public static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** The suite with IANA number {@code id}, or null (recorded in {@code unsupported}). */
  public static Suite suite(int id, Set<Integer> unsupported) throws MlsException {
    CipherSuite cs = CipherSuite.fromId(id).orElseThrow();
    if (!Suites.isSupported(cs)) {
      assertTrue(!REQUIRED.contains(id), "required cipher suite " + id + " is not supported");
      unsupported.add(id);
      return null;
    }
    return Suites.get(cs);
  }

  /** Reports the suites a test could not run, so a skip is never silent. */
  public static void report(String test, Set<Integer> unsupported, int ran) {
    assertTrue(ran > 0, test + " ran no vector case");
    if (!unsupported.isEmpty()) {
      System.err.println(
          test
              + ": cipher suites "
              + new TreeSet<>(unsupported)
              + " not supported by this build (Suites.isSupported is false); their cases were"
              + " not run");
    }
  }
}
