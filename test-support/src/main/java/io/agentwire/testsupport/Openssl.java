package io.agentwire.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The {@code openssl} command, for tests that check AgentWire's formats against it. */
public final class Openssl {

  private Openssl() {}

  /** Whether {@code openssl version} runs. */
  public static boolean installed() {
    try {
      ChildProcess p = ChildProcess.startMerged(List.of("openssl", "version"));
      return p.waitFor(Duration.ofSeconds(30)) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Runs {@code openssl args...} with {@code stdin} (or nothing) as input and returns it finished;
   * aborts the test loudly when openssl is not installed.
   *
   * @param merged whether stderr goes into {@link ChildProcess#out()}; without it stdout stays
   *     clean for binary output
   */
  public static ChildProcess run(String stdin, boolean merged, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    ChildProcess p;
    try {
      p = merged ? ChildProcess.startMerged(cmd) : ChildProcess.start(cmd);
    } catch (IOException e) {
      Assumptions.abort("SKIPPED LOUDLY: openssl is not installed: " + e.getMessage());
      return null;
    }
    p.input(stdin, StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(Duration.ofSeconds(30)), "openssl " + String.join(" ", args) + " ended");
    return p;
  }
}
