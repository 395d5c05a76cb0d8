package io.agentwire.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared conformance data ({@code ../shared/vectors} beside the checkout, or the system
 * property {@code agentwire.vectors}, which the build sets) so tests read it in place: the files
 * are never copied into the repository. When a file is absent the test aborts loudly (a skip with a
 * message on stderr that says where it looked) instead of passing silently.
 */
public final class SharedVectors {

  private SharedVectors() {}

  /** The vectors folder. */
  public static Path root() {
    String configured = System.getProperty("agentwire.vectors");
    Path p =
        configured != null ? Paths.get(configured) : Paths.get("..", "..", "shared", "vectors");
    return p.toAbsolutePath().normalize();
  }

  /** The file at {@code relative} below {@link #root()}, or an aborted (skipped) test. */
  public static Path file(String relative) {
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
    return file;
  }
}
