package io.agentwire.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentwire bench}: runs the side-by-side report (module bench) in a child JVM, since JMH
 * forks its own JVMs and the benchmarks live in their own jar.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Compare AgentWire with SunJSSE TLS 1.3 and noise-java (JMH); --quick finishes in"
            + " under a minute.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Short runs: rough numbers in under a minute.")
  boolean quick;

  @Option(
      names = "--engines",
      description =
          "The SSLEngine comparison instead: engine pair in memory, Netty, HttpClient/HttpsServer.")
  boolean engines;

  @Option(
      names = "--mls",
      description =
          "The MLS comparison instead: AgentWire's MLS against bcmls 1.84, 2 to 10,000 members.")
  boolean mls;

  @Option(
      names = "--mls-sizes",
      paramLabel = "N,N...",
      description = "With --mls: only these group sizes (default 2,16,128,1024,10000).")
  String mlsSizes;

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description =
          "The benchmarks jar (default: bench/target/benchmarks.jar under the AgentWire checkout).")
  Path jar;

  @Override
  public Integer call() throws Exception {
    Path benchJar = jar != null ? jar : defaultJar(home());
    if (!Files.isRegularFile(benchJar)) {
      throw new java.io.FileNotFoundException(
          "no benchmarks jar at "
              + benchJar
              + "; build it with: mvn -B -q install -DskipTests -pl bench -am");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(benchJar.toString());
    cmd.add("io.agentwire.bench.Report");
    cmd.add(mls ? "--mls" : engines ? "--engines" : "--compare");
    if (mls && mlsSizes != null) {
      cmd.add("--mls-sizes");
      cmd.add(mlsSizes);
    }
    if (quick) {
      cmd.add("--quick");
    }
    cmd.add("--out");
    cmd.add(Path.of(home(), "bench", "results").toString());
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    return p.waitFor() == 0 ? Main.OK : Main.FAILURE;
  }

  private static Path defaultJar(String home) {
    return Path.of(home, "bench", "target", "benchmarks.jar");
  }

  /** The AgentWire checkout: set by ./agentwire, else two levels above cli/target/agentwire.jar. */
  private static String home() {
    String home = System.getProperty("agentwire.home");
    if (home != null) {
      return home;
    }
    try {
      Path self =
          Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self.getParent().getParent().getParent().toString();
    } catch (Exception e) {
      return ".";
    }
  }
}
