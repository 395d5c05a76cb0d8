package io.agentwire.mls.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.group.GroupTestKit.Agent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of a group under any sequence of membership changes and messages (RFC 9420 §8, §12): Welcome
 * adds, removes by a member other than the removed one, path updates, external joins, application
 * messages, and proposals by reference (add, remove, update) committed by a member other than the
 * proposer. Every member processes every commit in order, with members framing their handshakes as
 * PublicMessage or PrivateMessage. After every step every current member agrees on epoch, epoch
 * authenticator, tree hash, transcript, members and exporter; every application message reads as
 * the sent bytes at every other current member; a removed member is told so by the commit that
 * removed it, and every later commit, proposal or application message is refused with an {@link
 * MlsException}.
 */
class GroupLawsProperties {

  private static final int MAX_MEMBERS = 8;

  enum Kind {
    ADD,
    REMOVE,
    UPDATE,
    EXTERNAL_JOIN,
    MESSAGE,
    PROPOSE_ADD,
    PROPOSE_REMOVE,
    PROPOSE_UPDATE
  }

  /** One step; {@code a}, {@code b}, {@code c} pick members and payloads at run time. */
  record Op(Kind kind, int a, int b, int c) {}

  /** A run: the suite, whether odd-numbered agents frame handshakes privately, the steps. */
  record Script(CipherSuite suite, boolean mixedFraming, List<Op> ops) {}

  @Provide
  Arbitrary<Script> scripts() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1 << 20);
    Arbitrary<Op> op =
        Combinators.combine(Arbitraries.of(Kind.class), pick, pick, pick).as(Op::new);
    return Combinators.combine(
            Arbitraries.of(
                CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
                CipherSuite.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519),
            Arbitraries.of(true, false),
            op.list().ofMinSize(1).ofMaxSize(16))
        .as(Script::new);
  }

  private static final MlsGroupConfig PUBLIC = GroupTestKit.PUBLIC_HANDSHAKES;
  private static final MlsGroupConfig PRIVATE = GroupTestKit.PRIVATE_HANDSHAKES;

  /** Runs one script, checking every law after every step. */
  private static final class World {
    final GroupTestKit kit;
    final boolean mixed;
    int agents;

    World(Script s) {
      this.kit = new GroupTestKit(s.suite(), PUBLIC);
      this.mixed = s.mixedFraming();
    }

    Agent fresh(String prefix) {
      MlsGroupConfig cfg = mixed && agents++ % 2 == 1 ? PRIVATE : PUBLIC;
      return kit.newAgent(prefix, cfg);
    }

    Agent member(int pick) {
      return kit.members.get(pick % kit.members.size());
    }

    Agent memberOtherThan(Agent not, int pick) {
      List<Agent> others = new ArrayList<>(kit.members);
      others.remove(not);
      return others.get(pick % others.size());
    }

    /** Every removed member refuses {@code message} (a later commit, proposal or message). */
    void removedRefuse(byte[] message) {
      for (Agent r : kit.removed) {
        long epoch = r.group.epoch();
        assertThrows(
            MlsException.class, () -> r.group.process(message), r + " refuses a later message");
        assertFalse(r.group.isActive());
        assertEquals(epoch, r.group.epoch(), "a removed member's state does not move");
      }
    }

    void commit(Agent committer, PendingCommit c) throws MlsException {
      List<Agent> removedBefore = List.copyOf(kit.removed);
      kit.deliver(committer, c);
      for (Agent r : removedBefore) {
        assertThrows(MlsException.class, () -> r.group.process(c.commitMessage()));
      }
    }

    /** The proposal reaches every other member (cached) and every removed member (refused). */
    void propose(Agent proposer, byte[] proposal, ProcessResult.ProposalKind kind)
        throws MlsException {
      for (Agent a : kit.members) {
        if (a == proposer) {
          continue;
        }
        ProcessResult.ProposalReceived p =
            assertInstanceOf(ProcessResult.ProposalReceived.class, a.group.process(proposal));
        assertEquals(kind, p.kind());
        assertEquals(proposer.leaf(), p.sender().leafIndex());
      }
      removedRefuse(proposal);
    }

    /** Runs {@code op}; false when the group is too small or too large for it. */
    boolean run(Op op) throws MlsException {
      int n = kit.members.size();
      switch (op.kind()) {
        case ADD -> {
          if (n >= MAX_MEMBERS) {
            return false;
          }
          Agent committer = member(op.a());
          Agent joiner = fresh("added");
          PendingCommit c = committer.group.commitBuilder().add(joiner.keyPackage()).build();
          commit(committer, c);
          joiner.join(c.welcome());
          kit.members.add(joiner);
        }
        case REMOVE -> {
          if (n < 2) {
            return false;
          }
          Agent committer = member(op.a());
          Agent victim = memberOtherThan(committer, op.b());
          PendingCommit c = committer.group.commitBuilder().remove(victim.leaf()).build();
          commit(committer, c);
          assertTrue(kit.removed.contains(victim), victim + " was told it was removed");
        }
        case UPDATE -> {
          Agent committer = member(op.a());
          PendingCommit c = committer.group.commitBuilder().forcePath().build();
          Map<Agent, ProcessResult> results = deliverAndReturn(committer, c);
          for (ProcessResult r : results.values()) {
            ProcessResult.CommitApplied applied =
                assertInstanceOf(ProcessResult.CommitApplied.class, r);
            assertTrue(
                applied.updated().stream().anyMatch(m -> m.leafIndex() == committer.leaf()),
                "the committer's leaf is reported updated");
          }
        }
        case EXTERNAL_JOIN -> {
          if (n >= MAX_MEMBERS) {
            return false;
          }
          Agent source = member(op.a());
          Agent joiner = fresh("external");
          ExternalJoin j = joiner.joinExternally(source.group.groupInfo(true), false);
          List<Agent> removedBefore = List.copyOf(kit.removed);
          kit.deliverExternal(joiner, j);
          for (Agent r : removedBefore) {
            assertThrows(MlsException.class, () -> r.group.process(j.commitMessage()));
          }
        }
        case MESSAGE -> {
          Agent sender = member(op.a());
          Random rnd = new Random(op.c());
          byte[] data = new byte[op.b() % 300];
          rnd.nextBytes(data);
          byte[] msg = kit.sendAndCheck(sender, data);
          removedRefuse(msg);
          for (Agent r : kit.removed) {
            assertThrows(MlsException.class, () -> r.group.decrypt(msg));
          }
        }
        case PROPOSE_ADD -> {
          if (n < 2 || n >= MAX_MEMBERS) {
            return false;
          }
          Agent proposer = member(op.a());
          Agent committer = memberOtherThan(proposer, op.b());
          Agent joiner = fresh("proposed");
          propose(
              proposer,
              proposer.group.proposeAdd(joiner.keyPackage()),
              ProcessResult.ProposalKind.ADD);
          PendingCommit c = committer.group.commit();
          assertNotNull(c.welcome(), "the Add by reference was committed");
          Map<Agent, ProcessResult> results = deliverAndReturn(committer, c);
          joiner.join(c.welcome());
          kit.members.add(joiner);
          for (ProcessResult r : results.values()) {
            ProcessResult.CommitApplied applied =
                assertInstanceOf(ProcessResult.CommitApplied.class, r);
            assertEquals(List.of(joiner.name), names(applied.added()));
          }
        }
        case PROPOSE_REMOVE -> {
          if (n < 2) {
            return false;
          }
          Agent proposer = member(op.a());
          Agent committer = memberOtherThan(proposer, op.b());
          // Any member but the committer, possibly the proposer itself (leaving).
          Agent victim = memberOtherThan(committer, op.c());
          propose(
              proposer,
              proposer.group.proposeRemove(victim.leaf()),
              ProcessResult.ProposalKind.REMOVE);
          commit(committer, committer.group.commit());
          assertTrue(kit.removed.contains(victim), victim + " was told it was removed");
        }
        case PROPOSE_UPDATE -> {
          if (n < 2) {
            return false;
          }
          Agent proposer = member(op.a());
          Agent committer = memberOtherThan(proposer, op.b());
          propose(proposer, proposer.group.proposeUpdate(), ProcessResult.ProposalKind.UPDATE);
          Map<Agent, ProcessResult> results = deliverAndReturn(committer, committer.group.commit());
          for (ProcessResult r : results.values()) {
            ProcessResult.CommitApplied applied =
                assertInstanceOf(ProcessResult.CommitApplied.class, r);
            assertTrue(
                applied.updated().stream().anyMatch(m -> m.leafIndex() == proposer.leaf()),
                "the proposer's leaf is reported updated");
          }
        }
      }
      return true;
    }

    private Map<Agent, ProcessResult> deliverAndReturn(Agent committer, PendingCommit c)
        throws MlsException {
      List<Agent> removedBefore = List.copyOf(kit.removed);
      Map<Agent, ProcessResult> results = kit.deliver(committer, c);
      for (Agent r : removedBefore) {
        assertThrows(MlsException.class, () -> r.group.process(c.commitMessage()));
      }
      return results;
    }
  }

  private static List<String> names(List<Member> members) {
    return members.stream().map(Member::identityString).toList();
  }

  @Property(tries = 40)
  void everyMemberAgreesAfterEveryStepAndRemovedMembersReadNothingLater(
      @ForAll("scripts") Script script) throws Exception {
    World w = new World(script);
    Agent alice = w.kit.create(w.fresh("alice"));
    w.kit.add(alice, w.fresh("bob"));
    w.kit.add(alice, w.fresh("carol"));
    w.kit.assertAgreement();
    long epoch = alice.group.epoch();
    for (Op op : script.ops()) {
      long before = w.kit.members.get(0).group.epoch();
      Statistics.label("steps run").collect(w.run(op) ? op.kind() : "skipped");
      w.kit.assertAgreement();
      long after = w.kit.members.get(0).group.epoch();
      assertTrue(after == before || after == before + 1, "one step is at most one epoch");
      assertTrue(w.kit.members.size() <= MAX_MEMBERS);
      epoch = after;
    }
    // Whoever is left can still talk, and no removed member reads it.
    Agent last = w.kit.members.get(w.kit.members.size() - 1);
    byte[] bye = w.kit.sendAndCheck(last, GroupTestKit.utf8("the end at epoch " + epoch));
    w.removedRefuse(bye);
    for (Agent r : w.kit.removed) {
      assertFalse(r.group.isActive());
      assertTrue(r.group.epoch() < epoch, r + " stays in the epoch it was removed in");
    }
  }
}
