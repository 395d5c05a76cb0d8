package io.agentwire.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.testsupport.SharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The shared conformance data as JSON: {@link SharedVectors} finds each file in place (and aborts
 * the test loudly when it is absent); this reads it with Jackson, which only conformance has.
 */
final class VectorJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private VectorJson() {}

  /** The file below the vectors folder, or an aborted (skipped) test that says where it looked. */
  static JsonNode load(String relative) {
    try {
      return JSON.readTree(SharedVectors.file(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] hex(JsonNode node) {
    return node == null || node.isNull() ? null : HEX.parseHex(node.asText());
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
