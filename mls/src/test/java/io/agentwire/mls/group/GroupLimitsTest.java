package io.agentwire.mls.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.Credential;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.MlsPolicy;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The bounds and policy hooks a member enforces on commits it makes and receives: the group size
 * limit (before any KeyPackage is verified), the caller's Remove policy, and the committer's §12.2
 * duty to leave out proposals it holds by reference that no longer fit the tree.
 */
class GroupLimitsTest {

  private final Mls mls = mls();

  private static Mls mls() {
    try {
      return Mls.getInstance(CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
    } catch (MlsException e) {
      throw new AssertionError(e);
    }
  }

  private MlsIdentity identity(String name) {
    return mls.identity(
        Credential.basic(name.getBytes(StandardCharsets.UTF_8)), mls.generateSignatureKeyPair());
  }

  /** A member-to-be: its identity and the store holding its KeyPackages' private keys. */
  private final class Agent {
    final MlsIdentity id;
    final KeyPackageStore keys = KeyPackageStore.inMemory();
    final MlsGroupConfig config;
    MlsGroup group;

    Agent(String name, MlsGroupConfig config) {
      this.id = identity(name);
      this.config = config;
    }

    byte[] keyPackage() throws MlsException {
      return mls.createKeyPackage(id, keys).keyPackage();
    }

    void join(byte[] welcome) throws MlsException {
      group = mls.join(welcome, null, keys, id, config);
    }
  }

  /** Alice creates the group and adds the others one commit each; everyone processes it. */
  private void form(Agent alice, Agent... others) throws MlsException {
    alice.group = mls.createGroup(alice.id, alice.config);
    for (int i = 0; i < others.length; i++) {
      PendingCommit c = alice.group.commitBuilder().add(others[i].keyPackage()).build();
      alice.group.mergePendingCommit();
      for (int j = 0; j < i; j++) {
        others[j].group.process(c.commitMessage());
      }
      others[i].join(c.welcome());
    }
  }

  @Test
  void aCommitGrowingTheGroupPastTheLimitIsRefusedOnBothSides() throws Exception {
    MlsGroupConfig three = MlsGroupConfig.builder().maxMembers(3).build();
    Agent alice = new Agent("alice", MlsGroupConfig.defaults());
    Agent bob = new Agent("bob", three);
    Agent carol = new Agent("carol", MlsGroupConfig.defaults());
    Agent dave = new Agent("dave", MlsGroupConfig.defaults());
    form(alice, bob, carol);

    PendingCommit addDave = alice.group.commitBuilder().add(dave.keyPackage()).build();
    long epoch = bob.group.epoch();
    byte[] auth = bob.group.epochAuthenticator();
    MlsException e =
        assertThrows(MlsException.class, () -> bob.group.process(addDave.commitMessage()));
    assertEquals(MlsException.Reason.LIMIT_EXCEEDED, e.reason());
    assertEquals(epoch, bob.group.epoch());
    assertArrayEquals(auth, bob.group.epochAuthenticator());

    // bob's own commits respect his limit too.
    MlsException own =
        assertThrows(
            MlsException.class, () -> bob.group.commitBuilder().add(dave.keyPackage()).build());
    assertEquals(MlsException.Reason.LIMIT_EXCEEDED, own.reason());
    assertTrue(bob.group.pendingCommit().isEmpty());

    // Removing one and adding one stays within the limit.
    alice.group.discardPendingCommit();
    PendingCommit swap = alice.group.commitBuilder().remove(2).add(dave.keyPackage()).build();
    alice.group.mergePendingCommit();
    assertTrue(bob.group.process(swap.commitMessage()) instanceof ProcessResult.CommitApplied);
    assertArrayEquals(alice.group.epochAuthenticator(), bob.group.epochAuthenticator());
  }

  @Test
  void aWelcomeIntoAGroupLargerThanTheLimitIsRefused() throws Exception {
    Agent alice = new Agent("alice", MlsGroupConfig.defaults());
    Agent bob = new Agent("bob", MlsGroupConfig.defaults());
    Agent carol = new Agent("carol", MlsGroupConfig.builder().maxMembers(2).build());
    form(alice, bob);
    PendingCommit c = alice.group.commitBuilder().add(carol.keyPackage()).build();
    MlsException e = assertThrows(MlsException.class, () -> carol.join(c.welcome()));
    assertEquals(MlsException.Reason.LIMIT_EXCEEDED, e.reason());
    assertTrue(e.getMessage().contains("maxMembers"), e.getMessage());
  }

  /** Only members whose identity starts with "admin" may propose or commit a Remove. */
  private static final MlsPolicy ADMINS_REMOVE =
      new MlsPolicy() {
        @Override
        public byte[] authenticate(CipherSuite suite, Credential credential, byte[] signatureKey)
            throws MlsException {
          return MlsPolicy.defaultPolicy().authenticate(suite, credential, signatureKey);
        }

        @Override
        public void checkRemove(RemoveRequest request) throws MlsException {
          for (var m : Arrays.asList(request.proposer(), request.committer())) {
            if (m == null
                || !new String(m.identity(), StandardCharsets.UTF_8).startsWith("admin")) {
              throw new MlsException(
                  MlsException.Reason.POLICY_REJECTED, "only admins may remove members");
            }
          }
        }
      };

  @Test
  void theRemovePolicyIsEnforcedByEveryMember() throws Exception {
    MlsGroupConfig cfg = MlsGroupConfig.builder().policy(ADMINS_REMOVE).build();
    Agent admin = new Agent("admin-ada", cfg);
    Agent bob = new Agent("bob", cfg);
    Agent carol = new Agent("carol", cfg);
    form(admin, bob, carol);

    // A non-admin's commit removing someone: its own member refuses to make it...
    MlsException own =
        assertThrows(MlsException.class, () -> bob.group.commitBuilder().remove(2).build());
    assertEquals(MlsException.Reason.POLICY_REJECTED, own.reason());

    // ...and the admin may.
    PendingCommit rm = admin.group.commitBuilder().remove(2).build();
    admin.group.mergePendingCommit();
    assertTrue(bob.group.process(rm.commitMessage()) instanceof ProcessResult.CommitApplied);
    assertEquals(2, bob.group.members().size());
  }

  @Test
  void aReceiverRefusesACommitItsRemovePolicyForbids() throws Exception {
    // bob's policy is strict, carol's (the committer's) is not: bob refuses her Remove.
    Agent admin = new Agent("admin-ada", MlsGroupConfig.defaults());
    Agent bob = new Agent("bob", MlsGroupConfig.builder().policy(ADMINS_REMOVE).build());
    Agent carol = new Agent("carol", MlsGroupConfig.defaults());
    form(admin, bob, carol);
    PendingCommit rm = carol.group.commitBuilder().remove(0).build();
    long epoch = bob.group.epoch();
    MlsException e = assertThrows(MlsException.class, () -> bob.group.process(rm.commitMessage()));
    assertEquals(MlsException.Reason.POLICY_REJECTED, e.reason());
    assertEquals(epoch, bob.group.epoch());
    assertEquals(3, bob.group.members().size());
  }

  @Test
  void aCommitterLeavesOutARemoveByReferenceThatItsPolicyForbids() throws Exception {
    MlsGroupConfig cfg = MlsGroupConfig.builder().policy(ADMINS_REMOVE).build();
    Agent admin = new Agent("admin-ada", cfg);
    Agent bob = new Agent("bob", cfg);
    Agent carol = new Agent("carol", cfg);
    form(admin, bob, carol);
    // bob (not an admin) proposes to remove carol; the admin commits what it holds.
    byte[] proposal = bob.group.proposeRemove(2);
    admin.group.process(proposal);
    carol.group.process(proposal);
    PendingCommit c = admin.group.commit();
    admin.group.mergePendingCommit();
    ProcessResult.CommitApplied atCarol =
        (ProcessResult.CommitApplied) carol.group.process(c.commitMessage());
    assertTrue(atCarol.removed().isEmpty());
    assertEquals(3, carol.group.members().size());
    assertArrayEquals(admin.group.epochAuthenticator(), carol.group.epochAuthenticator());
  }

  @Test
  void aCommitterLeavesOutAnAddByReferenceWhoseKeysAreAlreadyInTheGroup() throws Exception {
    // carol publishes two KeyPackages with one signature key; after she joins with the first,
    // an Add of the second collides with her leaf (§7.3). The committer holding it by reference
    // must leave it out (§12.2) instead of failing every commit it tries to make.
    Agent alice = new Agent("alice", MlsGroupConfig.defaults());
    Agent bob = new Agent("bob", MlsGroupConfig.defaults());
    Agent carol = new Agent("carol", MlsGroupConfig.defaults());
    form(alice, bob);
    byte[] second = carol.keyPackage();
    PendingCommit addCarol = alice.group.commitBuilder().add(carol.keyPackage()).build();
    alice.group.mergePendingCommit();
    bob.group.process(addCarol.commitMessage());
    carol.join(addCarol.welcome());

    byte[] stale = bob.group.proposeAdd(second);
    alice.group.process(stale);
    carol.group.process(stale);
    PendingCommit c = alice.group.commitBuilder().forcePath().build();
    alice.group.mergePendingCommit();
    ProcessResult.CommitApplied atBob =
        (ProcessResult.CommitApplied) bob.group.process(c.commitMessage());
    carol.group.process(c.commitMessage());
    assertTrue(atBob.added().isEmpty());
    assertEquals(3, bob.group.members().size());
    assertArrayEquals(alice.group.epochAuthenticator(), bob.group.epochAuthenticator());
    assertArrayEquals(alice.group.epochAuthenticator(), carol.group.epochAuthenticator());
  }

  @Test
  void aRemoveWinsOverTheVictimsOwnPendingUpdate() throws Exception {
    // §12.2: a member about to be removed cannot dodge it by proposing an Update first.
    Agent alice = new Agent("alice", MlsGroupConfig.defaults());
    Agent bob = new Agent("bob", MlsGroupConfig.defaults());
    Agent carol = new Agent("carol", MlsGroupConfig.defaults());
    form(alice, bob, carol);
    byte[] update = carol.group.proposeUpdate();
    alice.group.process(update);
    bob.group.process(update);
    PendingCommit rm = alice.group.commitBuilder().remove(2).build();
    alice.group.mergePendingCommit();
    ProcessResult.CommitApplied atBob =
        (ProcessResult.CommitApplied) bob.group.process(rm.commitMessage());
    assertEquals(1, atBob.removed().size());
    assertTrue(atBob.updated().stream().noneMatch(m -> m.leafIndex() == 2));
    assertTrue(carol.group.process(rm.commitMessage()) instanceof ProcessResult.Removed);
    assertArrayEquals(alice.group.epochAuthenticator(), bob.group.epochAuthenticator());
  }

  @Test
  void aRemoveTheCommitterLeavesOutDoesNotLetItsCommitPassTheLimit() throws Exception {
    // The admin holds bob's Remove of carol, which its policy refuses (bob is no admin): the
    // commit would otherwise count it and add dave into a group already at the limit.
    MlsGroupConfig capped = MlsGroupConfig.builder().policy(ADMINS_REMOVE).maxMembers(3).build();
    Agent admin = new Agent("admin-ada", capped);
    Agent bob = new Agent("bob", MlsGroupConfig.defaults());
    Agent carol = new Agent("carol", MlsGroupConfig.defaults());
    Agent dave = new Agent("dave", MlsGroupConfig.defaults());
    form(admin, bob, carol);
    admin.group.process(bob.group.proposeRemove(2));
    MlsException e =
        assertThrows(
            MlsException.class, () -> admin.group.commitBuilder().add(dave.keyPackage()).build());
    assertEquals(MlsException.Reason.LIMIT_EXCEEDED, e.reason());
    assertTrue(admin.group.pendingCommit().isEmpty());
    assertEquals(3, admin.group.members().size());
  }

  @Test
  void aCommitterLeavesOutAnAddByReferenceThatItsJoinPolicyRefuses() throws Exception {
    // The committer's policy keeps "mallory" out: bob's Add proposal of her is dropped (§12.2)
    // instead of failing the commit; the same Add by value is refused.
    MlsPolicy noMallory =
        new MlsPolicy() {
          @Override
          public byte[] authenticate(CipherSuite suite, Credential credential, byte[] signatureKey)
              throws MlsException {
            return MlsPolicy.defaultPolicy().authenticate(suite, credential, signatureKey);
          }

          @Override
          public void checkJoin(JoinRequest request) throws MlsException {
            if (new String(request.joiner().identity(), StandardCharsets.UTF_8).equals("mallory")) {
              throw new MlsException(MlsException.Reason.POLICY_REJECTED, "not mallory");
            }
          }
        };
    Agent alice = new Agent("alice", MlsGroupConfig.builder().policy(noMallory).build());
    Agent bob = new Agent("bob", MlsGroupConfig.defaults());
    Agent mallory = new Agent("mallory", MlsGroupConfig.defaults());
    form(alice, bob);
    byte[] kp = mallory.keyPackage();
    alice.group.process(bob.group.proposeAdd(kp));
    PendingCommit c = alice.group.commit();
    alice.group.mergePendingCommit();
    ProcessResult.CommitApplied atBob =
        (ProcessResult.CommitApplied) bob.group.process(c.commitMessage());
    assertTrue(atBob.added().isEmpty());
    assertArrayEquals(alice.group.epochAuthenticator(), bob.group.epochAuthenticator());
    MlsException e =
        assertThrows(MlsException.class, () -> alice.group.commitBuilder().add(kp).build());
    assertEquals(MlsException.Reason.POLICY_REJECTED, e.reason());
  }
}
