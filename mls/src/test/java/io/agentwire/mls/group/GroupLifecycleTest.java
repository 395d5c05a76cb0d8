package io.agentwire.mls.group;

import static io.agentwire.mls.group.GroupTestKit.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.group.GroupTestKit.Agent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A group's whole life through the public API (RFC 9420 §11–§12): created, grown by Welcome,
 * talking both ways, updated, shrunk (the removed member is told so and reads nothing sent later),
 * changed by proposals another member commits, joined by external commit, resynced by a member that
 * lost its state, continued by a member restored from a snapshot. After every epoch change every
 * member agrees on epoch, epoch authenticator, tree hash, transcript, members and exporter.
 */
class GroupLifecycleTest {

  private static final CipherSuite SUITE_1 =
      CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

  /** alice creates the group and adds {@code others} one Welcome each. */
  private static GroupTestKit formed(CipherSuite suite, String... others) throws MlsException {
    GroupTestKit kit = new GroupTestKit(suite, MlsGroupConfig.defaults());
    Agent alice = kit.create("alice");
    kit.assertAgreement();
    assertEquals(0, alice.group.epoch());
    for (String name : others) {
      kit.add(alice, kit.new Agent(name));
      kit.assertAgreement();
    }
    return kit;
  }

  private static Agent named(GroupTestKit kit, String name) {
    return kit.members.stream()
        .filter(a -> a.name.equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not a member"));
  }

  /** Every member sends one message that every other member reads. */
  private static void everyoneTalks(GroupTestKit kit, String tag) throws MlsException {
    for (Agent a : kit.members) {
      kit.sendAndCheck(a, utf8(tag + " from " + a.name));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = CipherSuite.class,
      names = {
        "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
        "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"
      })
  void aFiveMemberGroupLivesThroughEveryKindOfChange(CipherSuite suite) throws Exception {
    GroupTestKit kit = formed(suite, "bob", "carol", "dave", "erin");
    assertEquals(4, kit.members.get(0).group.epoch());
    assertEquals(5, kit.members.get(0).group.members().size());
    everyoneTalks(kit, "hello");

    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");
    Agent dave = named(kit, "dave");
    Agent erin = named(kit, "erin");

    // bob rotates his keys with a path-only commit.
    byte[] bobKey = bob.group.epochInfo().members().get(bob.leaf()).signatureKey();
    PendingCommit update = bob.group.commitBuilder().forcePath().build();
    Map<Agent, ProcessResult> results = kit.deliver(bob, update);
    for (ProcessResult r : results.values()) {
      ProcessResult.CommitApplied applied = assertInstanceOf(ProcessResult.CommitApplied.class, r);
      assertEquals(bob.leaf(), applied.committer().leafIndex());
      assertTrue(
          applied.updated().stream().anyMatch(m -> m.leafIndex() == bob.leaf()),
          "bob's leaf is reported updated");
    }
    assertArrayEquals(bobKey, bob.group.epochInfo().members().get(bob.leaf()).signatureKey());
    kit.assertAgreement();
    everyoneTalks(kit, "after update");

    // carol removes dave.
    byte[] beforeRemoval = alice.group.encrypt(utf8("sent before the removal"));
    PendingCommit remove = carol.group.commitBuilder().remove(dave.leaf()).build();
    results = kit.deliver(carol, remove);
    ProcessResult.Removed told = (ProcessResult.Removed) results.get(dave);
    assertEquals(carol.leaf(), told.committer().leafIndex());
    assertFalse(dave.group.isActive());
    kit.assertAgreement();
    assertEquals(4, alice.group.members().size());
    // dave reads what was sent in an epoch he held, never what is sent later.
    assertArrayEquals(utf8("sent before the removal"), dave.group.decrypt(beforeRemoval).data());
    for (Agent a : kit.members) {
      byte[] later = kit.sendAndCheck(a, utf8("after dave left, from " + a.name));
      assertThrows(MlsException.class, () -> dave.group.decrypt(later));
      assertThrows(MlsException.class, () -> dave.group.process(later));
    }

    // Proposals by reference: erin proposes an update, bob proposes adding frank; alice commits.
    Agent frank = kit.new Agent("frank");
    byte[] erinUpdate = erin.group.proposeUpdate();
    byte[] addFrank = bob.group.proposeAdd(frank.keyPackage());
    for (Agent a : kit.members) {
      if (a != erin) {
        ProcessResult.ProposalReceived p =
            assertInstanceOf(ProcessResult.ProposalReceived.class, a.group.process(erinUpdate));
        assertEquals(ProcessResult.ProposalKind.UPDATE, p.kind());
        assertEquals(erin.leaf(), p.sender().leafIndex());
      }
      if (a != bob) {
        ProcessResult.ProposalReceived p =
            assertInstanceOf(ProcessResult.ProposalReceived.class, a.group.process(addFrank));
        assertEquals(ProcessResult.ProposalKind.ADD, p.kind());
        assertEquals("frank", p.subject().identityString());
      }
    }
    assertThrows(MlsException.class, () -> dave.group.process(erinUpdate));
    PendingCommit byRef = alice.group.commit();
    results = kit.deliver(alice, byRef);
    frank.join(byRef.welcome());
    kit.members.add(frank);
    for (ProcessResult r : results.values()) {
      ProcessResult.CommitApplied applied = assertInstanceOf(ProcessResult.CommitApplied.class, r);
      assertEquals(List.of("frank"), names(applied.added()));
      assertTrue(names(applied.updated()).contains("erin"), "erin's update was applied");
    }
    kit.assertAgreement();
    everyoneTalks(kit, "after proposals");
    assertThrows(MlsException.class, () -> dave.group.process(byRef.commitMessage()));

    // gina joins by external commit from a GroupInfo that carries the tree.
    Agent gina = kit.new Agent("gina");
    ExternalJoin join =
        kit.mls.joinByExternalCommit(carol.group.groupInfo(true), null, gina.id, kit.config, false);
    kit.deliverExternal(gina, join);
    kit.assertAgreement();
    everyoneTalks(kit, "with gina");
    assertThrows(MlsException.class, () -> dave.group.process(join.commitMessage()));

    assertEquals(
        List.of("alice", "bob", "carol", "erin", "frank", "gina"),
        names(alice.group.members()).stream().sorted().collect(Collectors.toList()));
  }

  private static List<String> names(List<Member> members) {
    return members.stream().map(Member::identityString).collect(Collectors.toList());
  }

  @Test
  void aRemovedMemberIsToldByWhomAndCannotReadAnyLaterMessageOrCommit() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");
    long removedIn = carol.group.epoch();

    Map<Agent, ProcessResult> results =
        kit.deliver(bob, bob.group.commitBuilder().remove(carol.leaf()).build());
    ProcessResult.Removed r =
        assertInstanceOf(ProcessResult.Removed.class, results.get(carol), "carol is told");
    assertEquals(removedIn, r.epoch());
    assertEquals("bob", r.committer().identityString());
    assertFalse(carol.group.isActive());
    assertEquals(removedIn, carol.group.epoch());
    kit.assertAgreement();

    // Commits and application messages of every later epoch are refused with a typed exception.
    for (int i = 0; i < 3; i++) {
      Agent sender = kit.members.get(i % kit.members.size());
      byte[] msg = kit.sendAndCheck(sender, utf8("secret " + i));
      MlsException e = assertThrows(MlsException.class, () -> carol.group.decrypt(msg));
      assertEquals(MlsException.Reason.WRONG_EPOCH, e.reason(), e.getMessage());
      PendingCommit c = sender.group.commitBuilder().forcePath().build();
      kit.deliver(sender, c);
      kit.assertAgreement();
      assertThrows(MlsException.class, () -> carol.group.process(c.commitMessage()));
      assertEquals(removedIn, carol.group.epoch());
    }
    // A removed member can neither send nor commit.
    assertThrows(MlsException.class, () -> carol.group.encrypt(utf8("still here?")));
    assertThrows(MlsException.class, () -> carol.group.commitBuilder().forcePath().build());
    assertThrows(MlsException.class, () -> carol.group.proposeUpdate());
    // And the rest carries on.
    kit.sendAndCheck(alice, utf8("carol is gone"));
  }

  @Test
  void proposalsByReferenceAreCommittedByAnotherMember() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave", "erin");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");
    Agent dave = named(kit, "dave");
    Agent erin = named(kit, "erin");
    Agent frank = kit.new Agent("frank");
    int erinLeaf = erin.leaf();

    byte[] upd = carol.group.proposeUpdate();
    byte[] rem = dave.group.proposeRemove(erinLeaf);
    byte[] add = bob.group.proposeAdd(frank.keyPackage());
    for (byte[] p : List.of(upd, rem, add)) {
      for (Agent a : kit.members) {
        try {
          a.group.process(p);
        } catch (MlsException e) {
          // a member's own proposal comes back to it: refused, typed.
          assertEquals(MlsException.Reason.INVALID, e.reason(), e.getMessage());
        }
      }
    }
    long epoch = alice.group.epoch();
    assertEquals(epoch, bob.group.epoch(), "proposals do not change the epoch");
    kit.assertAgreement();

    PendingCommit c = alice.group.commit();
    Map<Agent, ProcessResult> results = kit.deliver(alice, c);
    frank.join(c.welcome());
    kit.members.add(frank);
    assertInstanceOf(ProcessResult.Removed.class, results.get(erin));
    for (Agent a : List.of(bob, carol, dave)) {
      ProcessResult.CommitApplied applied =
          assertInstanceOf(ProcessResult.CommitApplied.class, results.get(a));
      assertEquals("alice", applied.committer().identityString());
      assertEquals(List.of("frank"), names(applied.added()));
      assertEquals(List.of("erin"), names(applied.removed()));
      assertTrue(names(applied.updated()).contains("carol"), names(applied.updated()).toString());
    }
    assertEquals(epoch + 1, alice.group.epoch());
    kit.assertAgreement();
    everyoneTalks(kit, "after the proposals");
  }

  @Test
  void aNewAgentJoinsByExternalCommitWithOrWithoutTheTreeInTheGroupInfo() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent bob = named(kit, "bob");

    Agent erin = kit.new Agent("erin");
    ExternalJoin withTree =
        kit.mls.joinByExternalCommit(bob.group.groupInfo(true), null, erin.id, kit.config, false);
    assertEquals(bob.group.epoch() + 1, withTree.group().epoch());
    kit.deliverExternal(erin, withTree);
    kit.assertAgreement();
    everyoneTalks(kit, "erin is in");

    // The tree handed over separately.
    Agent frank = kit.new Agent("frank");
    byte[] bareInfo = erin.group.groupInfo(false);
    assertThrows(
        MlsException.class,
        () -> kit.mls.joinByExternalCommit(bareInfo, null, frank.id, kit.config, false),
        "without any tree the join is refused");
    ExternalJoin withoutTree =
        kit.mls.joinByExternalCommit(
            bareInfo, erin.group.ratchetTree(), frank.id, kit.config, false);
    kit.deliverExternal(frank, withoutTree);
    kit.assertAgreement();
    everyoneTalks(kit, "frank is in");
    assertEquals(6, frank.group.members().size());
  }

  @Test
  void aMemberThatLostItsStateRejoinsByResyncRemovingItsOldLeaf() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent alice = named(kit, "alice");
    Agent carol = named(kit, "carol");
    int oldLeaf = carol.leaf();

    // carol's old state is lost: a fresh identity (new signature key) with the same credential.
    kit.members.remove(carol);
    Agent carol2 = kit.new Agent("carol");
    assertFalse(Arrays.equals(carol.id.signaturePublicKey(), carol2.id.signaturePublicKey()));
    ExternalJoin resync =
        kit.mls.joinByExternalCommit(
            alice.group.groupInfo(true), null, carol2.id, kit.config, true);
    Map<Agent, ProcessResult> results = kit.deliverExternal(carol2, resync);
    for (ProcessResult r : results.values()) {
      ProcessResult.CommitApplied applied = assertInstanceOf(ProcessResult.CommitApplied.class, r);
      assertTrue(applied.external());
      assertEquals(List.of(oldLeaf), applied.removed().stream().map(Member::leafIndex).toList());
      assertEquals(List.of("carol"), names(applied.removed()));
    }
    kit.assertAgreement();
    assertEquals(4, alice.group.members().size());
    assertEquals(
        1, names(alice.group.members()).stream().filter("carol"::equals).count(), "one carol");
    everyoneTalks(kit, "carol is back");

    // Had the old state survived, it would learn it was replaced and read nothing more.
    ProcessResult stale = carol.group.process(resync.commitMessage());
    assertInstanceOf(ProcessResult.Removed.class, stale);
    byte[] later = kit.sendAndCheck(alice, utf8("only the new carol reads this"));
    assertThrows(MlsException.class, () -> carol.group.decrypt(later));

    // A resync by an agent that has no leaf in the group is refused.
    Agent stranger = kit.new Agent("stranger");
    assertThrows(
        MlsException.class,
        () ->
            kit.mls.joinByExternalCommit(
                alice.group.groupInfo(true), null, stranger.id, kit.config, true));
  }

  @Test
  void aMemberRestoredFromItsSnapshotContinuesInTheGroup() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");

    kit.sendAndCheck(bob, utf8("before the snapshot"));
    byte[] snapshot = bob.group.snapshot();
    // The live group goes on sending after the snapshot, then the process dies.
    for (int i = 0; i < 3; i++) {
      kit.sendAndCheck(bob, utf8("after the snapshot " + i));
    }
    MlsGroup restored = kit.mls.restore(snapshot, bob.id, kit.config);
    bob.group = restored;
    kit.assertAgreement();
    // The restored copy never reuses a generation the live one sent: everyone reads it.
    kit.sendAndCheck(bob, utf8("from the restored bob"));
    kit.sendAndCheck(carol, utf8("to the restored bob"));

    // It follows commits and makes its own.
    kit.deliver(alice, alice.group.commitBuilder().forcePath().build());
    kit.assertAgreement();
    kit.add(bob, kit.new Agent("erin"));
    kit.assertAgreement();
    everyoneTalks(kit, "after restore");

    // A snapshot belongs to one member's signature key.
    assertThrows(MlsException.class, () -> kit.mls.restore(snapshot, carol.id, kit.config));
  }

  /**
   * After a path commit every member holds private keys of parent nodes, some of them at node
   * indices below its own leaf's (leaf 1 is node 2, its parent node 1): each restores and then
   * commits a path of its own, which needs those keys.
   */
  @Test
  void everyMemberRestoresItsPathKeysFromASnapshot() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent alice = named(kit, "alice");
    kit.deliver(alice, alice.group.commitBuilder().forcePath().build());
    kit.assertAgreement();
    for (Agent a : List.copyOf(kit.members)) {
      a.group = kit.mls.restore(a.group.snapshot(), a.id, kit.config);
    }
    kit.assertAgreement();
    for (Agent a : List.copyOf(kit.members)) {
      kit.deliver(a, a.group.commitBuilder().forcePath().build());
      kit.assertAgreement();
      kit.sendAndCheck(a, utf8("after " + a + " restored and committed"));
    }
  }

  @Test
  void exporterValuesAgreeAcrossMembersAndChangeWithEveryEpochLabelAndContext() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol");
    Agent alice = named(kit, "alice");
    byte[] ctx = utf8("ctx");
    byte[] e1 = alice.group.exportSecret("label", ctx, 32);
    for (Agent a : kit.members) {
      assertArrayEquals(e1, a.group.exportSecret("label", ctx, 32), a.name);
    }
    assertEquals(32, e1.length);
    assertEquals(64, alice.group.exportSecret("label", ctx, 64).length);
    assertFalse(Arrays.equals(e1, alice.group.exportSecret("other", ctx, 32)));
    assertFalse(Arrays.equals(e1, alice.group.exportSecret("label", utf8("ctx2"), 32)));
    byte[] auth = alice.group.epochAuthenticator();

    kit.deliver(alice, alice.group.commitBuilder().forcePath().build());
    kit.assertAgreement();
    byte[] e2 = alice.group.exportSecret("label", ctx, 32);
    assertFalse(Arrays.equals(e1, e2), "a new epoch exports new values");
    assertFalse(Arrays.equals(auth, alice.group.epochAuthenticator()));
    for (Agent a : kit.members) {
      assertArrayEquals(e2, a.group.exportSecret("label", ctx, 32), a.name);
    }
  }

  @Test
  void aCommitNotYetMergedCanBeDiscardedAndTheGroupStaysInItsEpoch() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    long epoch = alice.group.epoch();
    PendingCommit mine = alice.group.commitBuilder().forcePath().build();
    assertTrue(alice.group.pendingCommit().isPresent());
    assertThrows(MlsException.class, () -> alice.group.commitBuilder().forcePath().build());
    // bob's commit wins the epoch: processing it discards alice's.
    PendingCommit winner = bob.group.commitBuilder().forcePath().build();
    kit.deliver(bob, winner);
    assertTrue(alice.group.pendingCommit().isEmpty());
    assertEquals(epoch + 1, alice.group.epoch());
    kit.assertAgreement();
    // alice's stale commit is refused by the others.
    assertThrows(MlsException.class, () -> bob.group.process(mine.commitMessage()));
    assertNull(mine.welcome());
    alice.group.discardPendingCommit();
    kit.assertAgreement();
  }

  /** Sends {@code proposal} to every member but its proposer. */
  private static void broadcast(GroupTestKit kit, Agent proposer, byte[] proposal)
      throws MlsException {
    for (Agent a : kit.members) {
      if (a != proposer) {
        assertInstanceOf(ProcessResult.ProposalReceived.class, a.group.process(proposal));
      }
    }
  }

  @Test
  void aCommitterLeavesOutProposalsByReferenceThatCannotAllBeCommitted() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol", "dave");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");
    Agent dave = named(kit, "dave");
    // Two Removes of dave, a Remove of the committer herself, and alice's own Update (§12.2).
    broadcast(kit, bob, bob.group.proposeRemove(dave.leaf()));
    broadcast(kit, carol, carol.group.proposeRemove(dave.leaf()));
    broadcast(kit, bob, bob.group.proposeRemove(alice.leaf()));
    broadcast(kit, alice, alice.group.proposeUpdate());
    Map<Agent, ProcessResult> results = kit.deliver(alice, alice.group.commit());
    assertInstanceOf(ProcessResult.Removed.class, results.get(dave));
    ProcessResult.CommitApplied atBob =
        assertInstanceOf(ProcessResult.CommitApplied.class, results.get(bob));
    assertEquals(List.of("dave"), names(atBob.removed()));
    kit.assertAgreement();
    assertEquals(3, alice.group.members().size());
    everyoneTalks(kit, "after the filtered commit");
  }

  @Test
  void anApplicationMessageIsReadOnceAndStillReadableOneEpochLater() throws Exception {
    GroupTestKit kit = formed(SUITE_1, "bob", "carol");
    Agent alice = named(kit, "alice");
    Agent bob = named(kit, "bob");
    Agent carol = named(kit, "carol");
    byte[] m = kit.sendAndCheck(bob, utf8("once"));
    MlsException replay = assertThrows(MlsException.class, () -> alice.group.decrypt(m));
    assertEquals(MlsException.Reason.SECRET_CONSUMED, replay.reason());

    byte[] late = bob.group.encrypt(utf8("late"));
    kit.deliver(alice, alice.group.commitBuilder().forcePath().build());
    kit.assertAgreement();
    ProcessResult.ApplicationMessage read = carol.group.decrypt(late);
    assertArrayEquals(utf8("late"), read.data());
    assertEquals(alice.group.epoch() - 1, read.epoch());
  }
}
