package io.agentwire.bench.mls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every MLS benchmark body once on small groups, so {@code mvn verify} catches a broken
 * fixture without running JMH; the benchmarks themselves run only with {@code Report --mls}.
 */
class MlsBenchSmokeTest {

  @Test
  void theFixtureBuildsAgreeingGroupsWithOneAddCommit() throws Exception {
    for (int size : new int[] {2, 16, 33}) {
      MlsFixture g = MlsFixture.build(MlsFixture.BCMLS, 1, size, true);
      // One add, one update per helper (leaves 1, 2, 4, ...) and one by the creator.
      assertEquals(1 + MlsFixture.helperLeaves(size).size() + 1, g.creator.epoch());
      assertArrayEquals(g.creator.epochAuthenticator(), g.receiver.epochAuthenticator());
      assertEquals(Integer.highestOneBit(size - 1), g.receiver.leaf());
    }
  }

  @Test
  void aPopulatedTreeMakesTheUpdateLogarithmicAndTheTrapIsLinear() throws Exception {
    int size = 128;
    MlsFixture populated = MlsFixture.build(MlsFixture.BCMLS, 1, size, true);
    MlsFixture fresh = MlsFixture.build(MlsFixture.BCMLS, 1, size, false);
    int small = populated.creator.update().commit().length;
    int trap = fresh.creator.update().commit().length;
    // log2(128) = 7 path ciphertexts against 127: the trap's commit is many times larger.
    assertTrue(trap > 8 * small, "trap " + trap + " B, populated " + small + " B");
  }

  @Test
  void everyBenchmarkBodyRunsOnce() throws Exception {
    MlsCommitBench c = new MlsCommitBench();
    c.impl = MlsFixture.BCMLS;
    c.size = 16;
    c.suite = 1;
    c.setup();
    long epoch = c.group.receiver.epoch();
    assertNotNull(c.addCreate().welcome());
    assertEquals(null, c.updateCreate().welcome());
    c.removeCreate();
    MlsCommitBench.Receiver r = new MlsCommitBench.Receiver();
    for (int i = 0; i < 2; i++) {
      r.reset(c);
      assertEquals(epoch + 1, c.addProcess(r));
      r.reset(c);
      assertEquals(epoch + 1, c.updateProcess(r));
      r.reset(c);
      assertEquals(epoch + 1, c.removeProcess(r));
    }

    MlsJoinBench j = new MlsJoinBench();
    j.impl = MlsFixture.BCMLS;
    j.size = 16;
    j.suite = 1;
    j.setup();
    assertEquals(j.join(), j.join());

    MlsMessageBench m = new MlsMessageBench();
    m.impl = MlsFixture.BCMLS;
    m.size = 16;
    m.bytes = 100;
    m.suite = 1;
    m.setup();
    m.encrypt();
    MlsMessageBench.Fresh f = new MlsMessageBench.Fresh();
    f.next(m);
    assertArrayEquals(m.payload, m.decrypt(f));

    MlsTrapBench t = new MlsTrapBench();
    t.impl = MlsFixture.BCMLS;
    t.size = 16;
    t.suite = 1;
    t.setup();
    t.updateAfterBigAddCreate();
    MlsTrapBench.Receiver tr = new MlsTrapBench.Receiver();
    tr.reset(t);
    assertEquals(2, t.updateAfterBigAddProcess(tr));
    assertEquals(List.of(1, 2, 4, 8), MlsFixture.helperLeaves(16));
  }
}
