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
 * Commit creation and processing for add (one member), update (a path, no proposals) and remove
 * (one member), on a populated group of {@code size} ({@link MlsFixture}, built once per trial),
 * AgentWire and bcmls with the same fixture. Creation makes the commit and discards it, so each
 * operation starts from the same state; processing puts the receiver's state back before each
 * invocation (outside the measurement) and applies the same commit. Suite 1
 * (X25519/AES-128-GCM/SHA-256/Ed25519) unless {@code suite} says otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlsCommitBench {

  @Param({MlsFixture.AGENTWIRE, MlsFixture.BCMLS})
  public String impl;

  @Param({"2", "16", "128", "1024", "10000"})
  public int size;

  @Param({"1"})
  public int suite;

  /**
   * Newcomers' KeyPackages, used in turn by {@link #addCreate}: adding the same KeyPackage twice to
   * the same epoch derives the same Welcome key and nonce (the joiner secret depends only on the
   * epoch and the new tree), which bcmls's GCM refuses to reuse; AgentWire would produce the same
   * ciphertext again, which leaks nothing but is no honest measurement either.
   */
  static final int NEWCOMERS = 8;

  MlsFixture group;
  List<byte[]> newcomer;
  List<List<byte[]>> newcomers;
  int nextNewcomer;
  int removed;
  byte[] addCommit;
  byte[] updateCommit;
  byte[] removeCommit;
  Object receiverState;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    group = MlsFixture.build(impl, suite, size, true);
    newcomers = new java.util.ArrayList<>();
    for (int i = 0; i < NEWCOMERS; i++) {
      newcomers.add(List.of(MlsFixture.strangerKeyPackage(impl, suite, "newcomer-" + i)));
    }
    newcomer = newcomers.get(0);
    removed = group.removableLeaf() > 0 ? group.removableLeaf() : group.receiver.leaf();
    addCommit = group.creator.add(newcomer).commit();
    group.creator.discard();
    updateCommit = group.creator.update().commit();
    group.creator.discard();
    if (size > 2) {
      // At size 2 the only member to remove is the receiver; removeProcess does not run there.
      removeCommit = group.creator.remove(removed).commit();
      group.creator.discard();
    }
    receiverState = group.receiver.save();
  }

  /** Puts the receiver back before each processing, so each applies the same commit. */
  @State(Scope.Benchmark)
  public static class Receiver {
    @Setup(Level.Invocation)
    public void reset(MlsCommitBench b) throws Exception {
      b.group.receiver.restore(b.receiverState);
    }
  }

  @Benchmark
  public GroupMember.Commit addCreate() throws Exception {
    GroupMember.Commit c = group.creator.add(newcomers.get(nextNewcomer++ % NEWCOMERS));
    group.creator.discard();
    return c;
  }

  @Benchmark
  public GroupMember.Commit updateCreate() throws Exception {
    GroupMember.Commit c = group.creator.update();
    group.creator.discard();
    return c;
  }

  @Benchmark
  public GroupMember.Commit removeCreate() throws Exception {
    GroupMember.Commit c = group.creator.remove(removed);
    group.creator.discard();
    return c;
  }

  @Benchmark
  public long addProcess(Receiver r) throws Exception {
    group.receiver.process(addCommit);
    return group.receiver.epoch();
  }

  @Benchmark
  public long updateProcess(Receiver r) throws Exception {
    group.receiver.process(updateCommit);
    return group.receiver.epoch();
  }

  /** At size 2 the only member to remove is the receiver itself: not run there. */
  @Benchmark
  public long removeProcess(Receiver r) throws Exception {
    group.receiver.process(removeCommit);
    return group.receiver.epoch();
  }
}
