package io.agentwire.bench.mls;

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
 * The known trap: the first update right after one commit added everyone. The tree then has no keys
 * off the creator's path (blank parents, or unmerged leaves where parents had keys), so the
 * creator's UpdatePath encrypts to every other leaf, O(N) HPKE encryptions, where the same update
 * in the populated tree of {@link MlsCommitBench} costs O(log N). Processing it stays cheap for the
 * receiver (one decryption). Created and discarded, so every operation is that first update.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlsTrapBench {

  @Param({MlsFixture.AGENTWIRE, MlsFixture.BCMLS})
  public String impl;

  @Param({"2", "16", "128", "1024", "10000"})
  public int size;

  @Param({"1"})
  public int suite;

  MlsFixture group;
  byte[] update;
  Object receiverState;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    group = MlsFixture.build(impl, suite, size, false);
    update = group.creator.update().commit();
    group.creator.discard();
    receiverState = group.receiver.save();
  }

  /** Puts the receiver back before each processing. */
  @State(Scope.Benchmark)
  public static class Receiver {
    @Setup(Level.Invocation)
    public void reset(MlsTrapBench b) throws Exception {
      b.group.receiver.restore(b.receiverState);
    }
  }

  @Benchmark
  public GroupMember.Commit updateAfterBigAddCreate() throws Exception {
    GroupMember.Commit c = group.creator.update();
    group.creator.discard();
    return c;
  }

  @Benchmark
  public long updateAfterBigAddProcess(Receiver r) throws Exception {
    group.receiver.process(update);
    return group.receiver.epoch();
  }
}
