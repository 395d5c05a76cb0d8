package io.agentwire.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared conformance data ({@code ../shared/vectors} beside the checkout, or the system
 * property {@code agentwire.vectors}) and reads it in place: the files are never copied into the
 * repository. When the folder is absent, tests abort loudly instead of passing silently.
 */
final class SharedVectors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private SharedVectors() {}

  static Path root() {
    String configured = System.getProperty("agentwire.vectors");
    Path p =
        configured != null ? Paths.get(configured) : Paths.get("..", "..", "shared", "vectors");
    return p.toAbsolutePath().normalize();
  }

  /** The file, or an aborted (skipped) test with a message that says where it was looked for. */
  static JsonNode load(String relative) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file)) {
      String msg =
          "SKIPPED LOUDLY: conformance data "
              + file
              + " is absent; put the shared vectors at"
              + " ../shared/vectors (or -Dagentwire.vectors=DIR) to run these tests";
      System.err.println("*** " + msg);
      Assumptions.abort(msg);
    }
    try {
      return JSON.readTree(file.toFile());
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
