package io.agentwire.mls.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.Credential;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.GroupEpoch;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Member;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group of agents driven only through the public API, shared by {@link GroupLifecycleTest},
 * {@link GroupLawsProperties} and {@link GroupTamperProperties}: it tracks who is a current member
 * and who was removed, delivers every commit to every current member in order, and checks that the
 * members agree on the epoch.
 */
final class GroupTestKit {

  /** The exporter label the agreement check uses. */
  static final String EXPORTER_LABEL = "agentwire test exporter";

  /** Handshakes as PublicMessages (the default). */
  static final MlsGroupConfig PUBLIC_HANDSHAKES = MlsGroupConfig.defaults();

  /** Handshakes as padded PrivateMessages. */
  static final MlsGroupConfig PRIVATE_HANDSHAKES =
      MlsGroupConfig.builder()
          .handshakeFormat(MlsGroupConfig.HandshakeFormat.PRIVATE_MESSAGE)
          .paddingBlock(32)
          .build();

  final Mls mls;
  final MlsGroupConfig config;

  /** The current members, in the order they joined. */
  final List<Agent> members = new ArrayList<>();

  /** Agents a commit removed, each with the group object that received its removal. */
  final List<Agent> removed = new ArrayList<>();

  private int names;

  GroupTestKit(CipherSuite suite, MlsGroupConfig config) {
    this.mls = mls(suite);
    this.config = config;
  }

  static Mls mls(CipherSuite suite) {
    try {
      return Mls.getInstance(suite);
    } catch (MlsException e) {
      throw new AssertionError(e);
    }
  }

  /** A member-to-be: its identity and the store holding its KeyPackages' private keys. */
  final class Agent {
    final String name;
    final MlsIdentity id;
    final KeyPackageStore keys = KeyPackageStore.inMemory();
    final MlsGroupConfig config;
    MlsGroup group;

    Agent(String name) {
      this(name, GroupTestKit.this.config);
    }

    Agent(String name, MlsGroupConfig config) {
      this.name = name;
      this.config = config;
      this.id =
          mls.identity(
              Credential.basic(name.getBytes(StandardCharsets.UTF_8)),
              mls.generateSignatureKeyPair());
    }

    byte[] keyPackage() throws MlsException {
      return mls.createKeyPackage(id, keys).keyPackage();
    }

    void join(byte[] welcome) throws MlsException {
      group = mls.join(welcome, null, keys, id, config);
    }

    /** Joins by external commit from {@code groupInfo} (carrying the tree); not yet delivered. */
    ExternalJoin joinExternally(byte[] groupInfo, boolean resync) throws MlsException {
      return mls.joinByExternalCommit(groupInfo, null, id, config, resync);
    }

    int leaf() {
      return group.ownLeafIndex();
    }

    @Override
    public String toString() {
      return name + (group == null ? "" : "@" + group.ownLeafIndex());
    }
  }

  /** A fresh agent with a unique name (not yet in the group). */
  Agent newAgent(String prefix, MlsGroupConfig config) {
    return new Agent(prefix + "-" + names++, config);
  }

  /** The first agent creates the group alone. */
  Agent create(String name) throws MlsException {
    return create(new Agent(name));
  }

  /** {@code a} creates the group alone. */
  Agent create(Agent a) throws MlsException {
    a.group = mls.createGroup(a.id, a.config);
    members.add(a);
    return a;
  }

  /** {@code committer} adds {@code joiner} by Welcome; every member processes the commit. */
  Map<Agent, ProcessResult> add(Agent committer, Agent joiner) throws MlsException {
    PendingCommit c = committer.group.commitBuilder().add(joiner.keyPackage()).build();
    assertNotNull(c.welcome(), "a commit adding a member carries a Welcome");
    Map<Agent, ProcessResult> results = deliver(committer, c);
    joiner.join(c.welcome());
    members.add(joiner);
    for (ProcessResult r : results.values()) {
      ProcessResult.CommitApplied applied = assertInstanceOf(ProcessResult.CommitApplied.class, r);
      assertEquals(1, applied.added().size());
      assertEquals(joiner.leaf(), applied.added().get(0).leafIndex());
      assertEquals(joiner.name, applied.added().get(0).identityString());
    }
    return results;
  }

  /**
   * The committer merges its pending commit, every other current member processes it. A member the
   * commit removes must get {@link ProcessResult.Removed} and moves to {@link #removed}; everyone
   * else must get {@link ProcessResult.CommitApplied} for the committer's new epoch.
   */
  Map<Agent, ProcessResult> deliver(Agent committer, PendingCommit c) throws MlsException {
    List<Integer> removedLeaves = new ArrayList<>();
    ProcessResult.CommitApplied own = committer.group.mergePendingCommit();
    for (Member m : own.removed()) {
      removedLeaves.add(m.leafIndex());
    }
    assertEquals(c.epoch(), committer.group.epoch());
    return deliverTo(c.commitMessage(), committer, removedLeaves, c.epoch());
  }

  /** Delivers an external commit (the joiner is already in the new epoch) to every member. */
  Map<Agent, ProcessResult> deliverExternal(Agent joiner, ExternalJoin join) throws MlsException {
    Map<Agent, ProcessResult> results =
        deliverTo(join.commitMessage(), null, new ArrayList<>(), join.group().epoch());
    joiner.group = join.group();
    for (Map.Entry<Agent, ProcessResult> e : results.entrySet()) {
      if (e.getValue() instanceof ProcessResult.CommitApplied applied) {
        assertTrue(applied.external(), "an external commit is reported as external");
        assertEquals(joiner.leaf(), applied.committer().leafIndex());
        assertEquals(joiner.name, applied.committer().identityString());
      }
    }
    // A resync removed the joiner's old leaf: whoever held it is out (and is not processed).
    members.removeIf(a -> a.name.equals(joiner.name) && a != joiner);
    members.add(joiner);
    return results;
  }

  private Map<Agent, ProcessResult> deliverTo(
      byte[] commit, Agent committer, List<Integer> removedLeaves, long newEpoch)
      throws MlsException {
    Map<Agent, ProcessResult> results = new LinkedHashMap<>();
    for (Agent a : List.copyOf(members)) {
      if (a == committer) {
        continue;
      }
      long before = a.group.epoch();
      int leaf = a.leaf();
      ProcessResult r;
      try {
        r = a.group.process(commit);
      } catch (MlsException e) {
        throw new AssertionError(a + " refused a valid commit: " + e.reason() + " " + e, e);
      }
      results.put(a, r);
      if (removedLeaves.contains(leaf)) {
        ProcessResult.Removed rem =
            assertInstanceOf(ProcessResult.Removed.class, r, a + " is told it was removed");
        assertEquals(before, rem.epoch());
        assertFalse(a.group.isActive());
        members.remove(a);
        removed.add(a);
      } else if (r instanceof ProcessResult.CommitApplied applied) {
        assertEquals(newEpoch, applied.epoch());
        assertEquals(newEpoch, a.group.epoch());
        for (Member m : applied.removed()) {
          removedLeaves.add(m.leafIndex());
        }
      } else if (r instanceof ProcessResult.Removed rem && committer == null) {
        // An external resync commit removed this (stale) copy of the joiner.
        assertEquals(before, rem.epoch());
        members.remove(a);
        removed.add(a);
      } else {
        fail(a + " got " + r + " for a commit");
      }
    }
    return results;
  }

  /**
   * Every current member is in the same epoch with the same epoch authenticator, tree hash,
   * confirmed transcript hash, members and exporter output, and each sits at a distinct leaf that
   * holds its own signature key.
   */
  void assertAgreement() throws MlsException {
    Agent first = members.get(0);
    GroupEpoch ref = first.group.epochInfo();
    byte[] exported = first.group.exportSecret(EXPORTER_LABEL, new byte[] {1, 2}, 32);
    List<Integer> leaves = new ArrayList<>();
    for (Agent a : members) {
      GroupEpoch e = a.group.epochInfo();
      String who = a + " vs " + first;
      assertTrue(a.group.isActive(), a + " is active");
      assertEquals(ref.epoch(), e.epoch(), "epoch: " + who);
      assertEquals(ref.epoch(), a.group.epoch(), "epoch(): " + who);
      assertArrayEquals(ref.groupId(), e.groupId(), "group id: " + who);
      assertArrayEquals(ref.epochAuthenticator(), e.epochAuthenticator(), "authenticator: " + who);
      assertArrayEquals(
          ref.epochAuthenticator(), a.group.epochAuthenticator(), "authenticator(): " + who);
      assertArrayEquals(ref.treeHash(), e.treeHash(), "tree hash: " + who);
      assertArrayEquals(
          ref.confirmedTranscriptHash(), e.confirmedTranscriptHash(), "transcript: " + who);
      assertArrayEquals(first.group.ratchetTree(), a.group.ratchetTree(), "ratchet tree: " + who);
      assertArrayEquals(
          exported,
          a.group.exportSecret(EXPORTER_LABEL, new byte[] {1, 2}, 32),
          "exporter: " + who);
      assertEquals(members.size(), e.members().size(), "member count at " + a);
      for (int i = 0; i < e.members().size(); i++) {
        Member x = ref.members().get(i);
        Member y = e.members().get(i);
        assertEquals(x.leafIndex(), y.leafIndex(), "member leaf: " + who);
        assertArrayEquals(x.signatureKey(), y.signatureKey(), "member key: " + who);
        assertArrayEquals(x.identity(), y.identity(), "member identity: " + who);
      }
      assertEquals(e.ownLeafIndex(), a.leaf());
      leaves.add(a.leaf());
      Member self =
          e.members().stream()
              .filter(m -> m.leafIndex() == a.leaf())
              .findFirst()
              .orElseThrow(() -> new AssertionError(a + " is not in its own member list"));
      assertArrayEquals(a.id.signaturePublicKey(), self.signatureKey(), a + " holds its key");
      assertEquals(a.name, self.identityString());
    }
    assertEquals(members.size(), leaves.stream().distinct().count(), "distinct leaves");
  }

  /** {@code sender} encrypts; every other current member decrypts the same bytes from it. */
  byte[] sendAndCheck(Agent sender, byte[] plaintext) throws MlsException {
    byte[] msg = sender.group.encrypt(plaintext);
    for (Agent a : members) {
      if (a == sender) {
        continue;
      }
      ProcessResult.ApplicationMessage m;
      try {
        m = a.group.decrypt(msg);
      } catch (MlsException e) {
        throw new AssertionError(a + " cannot decrypt " + sender + "'s message: " + e, e);
      }
      assertArrayEquals(plaintext, m.data(), a + " reads what " + sender + " sent");
      assertEquals(sender.leaf(), m.sender().leafIndex());
      assertEquals(sender.name, m.sender().identityString());
      assertEquals(sender.group.epoch(), m.epoch());
    }
    return msg;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
