package io.agentwire.mls.internal.group;

import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsPolicy;
import io.agentwire.mls.PskStore;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.AddProposal;
import io.agentwire.mls.internal.message.Extension;
import io.agentwire.mls.internal.message.ExternalInitProposal;
import io.agentwire.mls.internal.message.GroupContextExtensionsProposal;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.PreSharedKeyId;
import io.agentwire.mls.internal.message.PreSharedKeyProposal;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.ProposalOrRef;
import io.agentwire.mls.internal.message.ReInitProposal;
import io.agentwire.mls.internal.message.RemoveProposal;
import io.agentwire.mls.internal.message.RequiredCapabilitiesExtension;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.message.UpdateProposal;
import io.agentwire.mls.internal.schedule.PskSecret;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A commit's proposal list validated (RFC 9420 §12.2) and applied to a copy of the tree (§12.3),
 * the same code for the committer and for every receiver, so both compute the same next tree. The
 * committer builds it leniently (invalid proposals it holds by reference are left out, as §12.2
 * requires of a committer); a receiver strictly (any invalid proposal rejects the commit).
 */
final class CommitPlan {

  /** A proposal with who proposed it; {@code reference} is null for a proposal by value. */
  record Resolved(Proposal proposal, Sender sender, byte[] reference) {}

  /** Looks up a PSK's secret by its id (§8.4); INVALID when unknown. */
  interface PskLookup {
    byte[] psk(PreSharedKeyId id) throws MlsException;
  }

  final List<ProposalOrRef> proposals = new ArrayList<>();
  final List<Resolved> applied = new ArrayList<>();
  RatchetTree tree;
  List<Extension> extensions;
  final List<LeafIndex> addedLeaves = new ArrayList<>();
  final List<KeyPackage> addedKeyPackages = new ArrayList<>();
  final List<Member> removed = new ArrayList<>();
  final List<LeafIndex> removedLeaves = new ArrayList<>();
  final List<LeafIndex> updatedLeaves = new ArrayList<>();
  final List<byte[]> updateReferences = new ArrayList<>();
  final List<PreSharedKeyId> psks = new ArrayList<>();
  final List<PskSecret.Input> pskInputs = new ArrayList<>();
  ExternalInitProposal externalInit;
  ReInitProposal reInit;
  boolean pathRequired;
  Leaves.KeyIndex keys;

  private CommitPlan() {}

  /**
   * Validates and applies {@code in}.
   *
   * @param committer the committing member's leaf, or null for an external commit
   * @param lenient drop invalid proposals held by reference instead of failing (committer side)
   */
  static CommitPlan build(
      GroupState st,
      MlsPolicy policy,
      List<Resolved> in,
      LeafIndex committer,
      boolean lenient,
      PskLookup pskLookup)
      throws MlsException {
    Suite suite = st.suite;
    boolean external = committer == null;
    CommitPlan plan = new CommitPlan();
    long now = System.currentTimeMillis() / 1000;
    Set<Integer> touched = new HashSet<>();
    Set<ByteBuffer> addKeys = new HashSet<>();
    Set<ByteBuffer> pskIds = new HashSet<>();
    GroupContextExtensionsProposal gce = null;
    List<Resolved> updates = new ArrayList<>();
    List<Resolved> removes = new ArrayList<>();
    List<Resolved> adds = new ArrayList<>();
    Resolved reInitFrom = null;
    for (Resolved r : in) {
      Proposal p = r.proposal();
      try {
        if (!Leaves.proposalAllowed(p)) {
          throw Leaves.invalid("proposal type " + p.type() + " is not supported");
        }
        if (p instanceof AddProposal add) {
          if (external) {
            throw Leaves.invalid("an external commit cannot add members");
          }
          Leaves.validateKeyPackage(suite, add.keyPackage(), now);
          if (!addKeys.add(ByteBuffer.wrap(add.keyPackage().leafNode().signatureKey()))) {
            throw Leaves.invalid("two Adds with the same signature key");
          }
          adds.add(r);
        } else if (p instanceof UpdateProposal upd) {
          if (r.reference() == null) {
            throw Leaves.invalid("an Update must be committed by reference");
          }
          if (external || r.sender().senderType() != Sender.MEMBER) {
            throw Leaves.invalid("an Update must come from a member");
          }
          int leaf = r.sender().leafIndex();
          if (committer != null && leaf == committer.value()) {
            throw Leaves.invalid("the committer cannot commit its own Update");
          }
          if (st.tree.leafNode(LeafIndex.of(leaf)) == null || !touched.add(leaf)) {
            throw Leaves.invalid("two Updates or Removes for leaf " + leaf);
          }
          updates.add(r);
        } else if (p instanceof RemoveProposal rem) {
          int leaf = rem.removed();
          if (leaf < 0
              || leaf >= st.tree.leafCount()
              || st.tree.leafNode(LeafIndex.of(leaf)) == null) {
            throw Leaves.invalid("Remove of a leaf that is not a member: " + (leaf & 0xffffffffL));
          }
          if (committer != null && leaf == committer.value()) {
            throw Leaves.invalid("the committer cannot remove itself");
          }
          // §12.2: a committer holding an Update and a Remove of one member keeps the Remove, so
          // a member cannot dodge its removal by proposing an Update first.
          Resolved displaced = null;
          if (touched.contains(leaf)) {
            displaced = lenient ? updateOf(updates, leaf) : null;
            if (displaced == null) {
              throw Leaves.invalid("two Updates or Removes for leaf " + leaf);
            }
          }
          if (external && !removes.isEmpty()) {
            throw Leaves.invalid("an external commit may remove at most one leaf");
          }
          if (!external) {
            checkRemove(st, policy, r, leaf, committer);
          }
          if (displaced != null) {
            plan.drop(displaced);
            updates.remove(displaced);
          }
          touched.add(leaf);
          removes.add(r);
        } else if (p instanceof PreSharedKeyProposal psk) {
          PreSharedKeyId id = psk.psk();
          if (id.pskNonce().length != suite.hashLength()) {
            throw Leaves.invalid("PSK nonce length " + id.pskNonce().length);
          }
          if (id.pskType() == PreSharedKeyId.RESUMPTION
              && id.usage() != PreSharedKeyId.USAGE_APPLICATION) {
            throw Leaves.invalid("a commit may carry only application resumption PSKs");
          }
          ByteBuffer key = ByteBuffer.wrap(pskIdKey(id));
          if (!pskIds.add(key)) {
            throw Leaves.invalid("the same PSK twice");
          }
          byte[] secret = pskLookup.psk(id);
          plan.psks.add(id);
          plan.pskInputs.add(new PskSecret.Input(id.toBytes(), secret));
        } else if (p instanceof ReInitProposal ri) {
          if (external) {
            throw Leaves.invalid("an external commit cannot carry a ReInit");
          }
          if (plan.reInit != null) {
            throw Leaves.invalid("two ReInit proposals");
          }
          plan.reInit = ri;
          reInitFrom = r;
        } else if (p instanceof ExternalInitProposal ei) {
          if (!external) {
            throw Leaves.invalid("ExternalInit outside an external commit");
          }
          if (plan.externalInit != null) {
            throw Leaves.invalid("two ExternalInit proposals");
          }
          plan.externalInit = ei;
        } else if (p instanceof GroupContextExtensionsProposal g) {
          if (external) {
            throw Leaves.invalid("an external commit cannot change the group context");
          }
          if (gce != null) {
            throw Leaves.invalid("two GroupContextExtensions proposals");
          }
          gce = g;
        }
      } catch (MlsException e) {
        if (lenient && r.reference() != null) {
          continue;
        }
        throw e;
      }
      plan.applied.add(r);
      plan.proposals.add(
          r.reference() != null
              ? ProposalOrRef.byReference(r.reference())
              : ProposalOrRef.byValue(p));
    }
    if (plan.reInit != null && plan.applied.size() != 1) {
      if (!lenient || reInitFrom.reference() == null) {
        throw Leaves.invalid("a ReInit must be the only proposal of its commit");
      }
      // A committer leaves out a ReInit it holds by reference when there are other proposals.
      plan.drop(reInitFrom);
      plan.reInit = null;
    }
    if (external && plan.externalInit == null) {
      throw Leaves.invalid("an external commit needs exactly one ExternalInit");
    }

    RatchetTree tree = st.tree.copy();
    Leaves.KeyIndex keys = new Leaves.KeyIndex(tree);
    List<Extension> extensions = st.context.extensions();
    if (gce != null) {
      try {
        RequiredCapabilitiesExtension req = Leaves.requiredCapabilities(gce.extensions());
        for (LeafIndex li : tree.members()) {
          LeafNode leaf = tree.leafNode(li);
          if (!Leaves.supports(leaf.capabilities(), req)
              || !Leaves.supportsExtensions(leaf.capabilities(), gce.extensions())) {
            throw Leaves.invalid("member " + li.value() + " does not support the new extensions");
          }
        }
        extensions = gce.extensions();
      } catch (MlsException e) {
        plan.dropOrThrow(gce, lenient, e);
      }
    }
    RequiredCapabilitiesExtension required = Leaves.requiredCapabilities(extensions);
    for (Resolved r : updates) {
      LeafIndex li = LeafIndex.of(r.sender().leafIndex());
      LeafNode old = tree.leafNode(li);
      LeafNode fresh = ((UpdateProposal) r.proposal()).leafNode();
      try {
        if (java.security.MessageDigest.isEqual(old.encryptionKey(), fresh.encryptionKey())) {
          throw Leaves.invalid("an Update must change the encryption key");
        }
        if (!Leaves.supports(fresh.capabilities(), required)) {
          throw Leaves.invalid("an Update's leaf does not support the required capabilities");
        }
        keys.remove(old);
        try {
          keys.check(fresh);
        } catch (MlsException e) {
          keys.add(li.value(), old);
          throw e;
        }
      } catch (MlsException e) {
        plan.dropOrThrow(r.proposal(), lenient, e);
        continue;
      }
      tree.updateLeaf(li, fresh);
      keys.add(li.value(), fresh);
      plan.updatedLeaves.add(li);
      plan.updateReferences.add(r.reference());
    }
    for (Resolved r : removes) {
      LeafIndex li = LeafIndex.of(((RemoveProposal) r.proposal()).removed());
      LeafNode old = tree.leafNode(li);
      plan.removed.add(Leaves.memberOf(suite, policy, old, li.value()));
      plan.removedLeaves.add(li);
      keys.remove(old);
      tree.removeLeaf(li);
    }
    for (Resolved r : adds) {
      KeyPackage kp = ((AddProposal) r.proposal()).keyPackage();
      LeafNode leaf = kp.leafNode();
      try {
        Leaves.validateLeaf(suite, policy, leaf, LeafNode.KEY_PACKAGE, null, -1);
        keys.check(leaf);
        if (!Leaves.supports(leaf.capabilities(), required)
            || !Leaves.supportsExtensions(leaf.capabilities(), extensions)) {
          throw Leaves.invalid("an added member does not support the group's extensions");
        }
        checkJoin(st, policy, leaf, tree.nextFreeLeaf(), committer);
      } catch (MlsException e) {
        plan.dropOrThrow(r.proposal(), lenient, e);
        continue;
      }
      LeafIndex li = tree.addLeaf(leaf);
      keys.add(li.value(), leaf);
      plan.addedLeaves.add(li);
      plan.addedKeyPackages.add(kp);
    }
    plan.tree = tree;
    plan.keys = keys;
    plan.extensions = extensions;
    boolean onlyAddsAndPsks = !plan.applied.isEmpty();
    for (Resolved r : plan.applied) {
      Proposal p = r.proposal();
      if (!(p instanceof AddProposal
          || p instanceof PreSharedKeyProposal
          || p instanceof ReInitProposal)) {
        onlyAddsAndPsks = false;
      }
    }
    plan.pathRequired = !onlyAddsAndPsks || external;
    return plan;
  }

  /**
   * A proposal that failed a check against the tree as the commit's other proposals leave it:
   * dropped from the commit when the committer builds it leniently and holds it by reference
   * (§12.2: the committer leaves out proposals that would make the commit invalid), else fatal.
   */
  private void dropOrThrow(Proposal p, boolean lenient, MlsException e) throws MlsException {
    for (Resolved r : applied) {
      if (r.proposal() == p) {
        if (lenient && r.reference() != null) {
          drop(r);
          return;
        }
        break;
      }
    }
    throw e;
  }

  /** Takes {@code r} out of the commit: out of the applied list and the proposals sent. */
  private void drop(Resolved r) {
    for (int i = 0; i < applied.size(); i++) {
      if (applied.get(i) == r) {
        applied.remove(i);
        proposals.remove(i);
        return;
      }
    }
    throw new IllegalStateException("a proposal being dropped is not in the plan");
  }

  /** The caller's policy on an Add, with the leaf the member will get (§12.1.1). */
  private static void checkJoin(
      GroupState st, MlsPolicy policy, LeafNode leaf, LeafIndex at, LeafIndex committer)
      throws MlsException {
    Suite suite = st.suite;
    Member joiner = Leaves.memberOf(suite, policy, leaf, at.value());
    Member by = Leaves.memberOf(suite, policy, st.tree.leafNode(committer), committer.value());
    Leaves.askPolicy(
        () ->
            policy.checkJoin(
                new MlsPolicy.JoinRequest(
                    st.groupId().clone(), st.epoch(), MlsPolicy.JoinKind.ADD, joiner, by, null)));
  }

  private static void checkRemove(
      GroupState st, MlsPolicy policy, Resolved r, int leaf, LeafIndex committer)
      throws MlsException {
    Suite suite = st.suite;
    Member removed = Leaves.memberOf(suite, policy, st.tree.leafNode(LeafIndex.of(leaf)), leaf);
    Member by = Leaves.memberOf(suite, policy, st.tree.leafNode(committer), committer.value());
    // The committer's own Remove, another member's, or an external sender's (no member).
    int p = r.sender().leafIndex();
    Member proposer =
        r.sender().senderType() != Sender.MEMBER
            ? null
            : p == committer.value()
                ? by
                : Leaves.memberOf(suite, policy, st.tree.leafNode(LeafIndex.of(p)), p);
    Leaves.askPolicy(
        () ->
            policy.checkRemove(
                new MlsPolicy.RemoveRequest(
                    st.groupId().clone(), st.epoch(), removed, proposer, by)));
  }

  private static Resolved updateOf(List<Resolved> updates, int leaf) {
    for (Resolved u : updates) {
      if (u.sender().leafIndex() == leaf) {
        return u;
      }
    }
    return null;
  }

  /**
   * Refuses a commit that would grow the group past {@code maxMembers}, before any of its
   * KeyPackages is verified (LIMIT_EXCEEDED). Only Removes that can take effect count (distinct
   * members in range), so bogus Removes cannot buy room for Adds; {@link #checkFinalSize} checks
   * the resulting tree once the list is validated.
   */
  static void checkSize(GroupState st, List<Resolved> in, int maxMembers) throws MlsException {
    long size = st.tree.memberCount();
    java.util.Set<Integer> removed = new java.util.HashSet<>();
    for (Resolved r : in) {
      if (r.proposal() instanceof AddProposal) {
        size++;
      } else if (r.proposal() instanceof RemoveProposal rp
          && rp.removed() >= 0
          && rp.removed() < st.tree.leafCount()
          && st.tree.leafNode(LeafIndex.of(rp.removed())) != null
          && removed.add(rp.removed())) {
        size--;
      }
    }
    tooMany(size, maxMembers);
  }

  /**
   * The group after the validated (and, for a committer, filtered) proposal list stays within
   * {@code maxMembers}: the committer and every receiver decide on the same tree.
   */
  static void checkFinalSize(CommitPlan plan, int maxMembers) throws MlsException {
    tooMany(plan.tree.memberCount(), maxMembers);
  }

  private static void tooMany(long size, int maxMembers) throws MlsException {
    if (size > maxMembers) {
      throw new MlsException(
          MlsException.Reason.LIMIT_EXCEEDED,
          "the commit would grow the group to "
              + size
              + " members, over this member's limit of "
              + maxMembers);
    }
  }

  static byte[] pskIdKey(PreSharedKeyId id) {
    // The PSK identity without its nonce: the same PSK twice is refused whatever the nonces.
    return new PreSharedKeyId(
            id.pskType(), id.pskId(), id.usage(), id.pskGroupId(), id.pskEpoch(), new byte[0])
        .toBytes();
  }

  /** The external PSK lookup of a config's store. */
  static byte[] externalPsk(PskStore store, byte[] pskId) throws MlsException {
    return store.find(pskId).orElseThrow(() -> Leaves.invalid("unknown external PSK")).clone();
  }
}
