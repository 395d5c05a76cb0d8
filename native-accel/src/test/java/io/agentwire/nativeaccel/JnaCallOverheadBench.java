package io.agentwire.nativeaccel;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The fixed cost of one JNA direct-mapped call into libsodium, through the package-private binding
 * the backend uses. It lives beside that binding rather than in bench, which sees public API only:
 * the binding is not API, and a public hook made only to be timed would be. The build never runs it
 * (the name does not match the test includes); run it with
 *
 * <pre>
 * mvn -B -pl native-accel -am test -Dtest=JnaCallOverheadBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JnaCallOverheadBench {

  /** Binds libsodium (as the provider would) before the call is timed. */
  @Setup(Level.Trial)
  public void bind() {
    if (!SodiumLibrary.LOADED) {
      throw new IllegalStateException("libsodium not loaded: " + SodiumLibrary.FAILURE);
    }
  }

  /** Runs the benchmark in its own JVM and prints JMH's result table. */
  @Test
  void measure() throws RunnerException {
    new Runner(new OptionsBuilder().include(JnaCallOverheadBench.class.getName()).build()).run();
  }

  /** A libsodium function that does nothing but return a constant. */
  @Benchmark
  public int jnaCallOverhead() {
    return Sodium.sodium_library_version_major();
  }
}
