package io.agentwire.bench.mls;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Joining a group of {@code size} members from a Welcome with the {@code ratchet_tree} extension:
 * decrypting the GroupSecrets and the GroupInfo, importing and checking the whole tree, and
 * entering the key schedule. The same Welcome (one newcomer added by the creator of a populated
 * {@link MlsFixture}) is joined again and again by the same newcomer; its size is in {@link
 * MlsReport}'s table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlsJoinBench {

  @Param({MlsFixture.AGENTWIRE, MlsFixture.BCMLS})
  public String impl;

  @Param({"2", "16", "128", "1024", "10000"})
  public int size;

  @Param({"1"})
  public int suite;

  GroupMember newcomer;
  byte[] welcome;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    MlsFixture group = MlsFixture.build(impl, suite, size, true);
    newcomer = MlsFixture.member(impl, suite, "newcomer");
    welcome = group.creator.add(List.of(newcomer.keyPackage())).welcome();
    group.creator.discard();
  }

  @Benchmark
  public long join() throws Exception {
    newcomer.join(welcome);
    return newcomer.epoch();
  }
}
