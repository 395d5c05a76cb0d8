package io.agentwire.mls.internal.group;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.schedule.EpochSecrets;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.TranscriptHashes;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.PrivateTree;
import io.agentwire.mls.internal.tree.RatchetTree;

/**
 * One epoch of a group as one member sees it (RFC 9420 §8): the GroupContext, the ratchet tree, the
 * member's private tree keys, the epoch secrets, the secret tree and the interim transcript hash.
 *
 * <p>The engine never changes a state another epoch can see: an operation builds the next state
 * from copies and installs it only when everything succeeded. The secret tree is the one part that
 * changes within an epoch (keys are consumed as messages are sent and received). Not thread-safe.
 */
final class GroupState {

  final Suite suite;
  final GroupContext context;
  final byte[] contextBytes;
  final RatchetTree tree;
  final PrivateTree privateTree;
  final EpochSecrets secrets;
  final SecretTree secretTree;
  final byte[] interimTranscriptHash;
  final byte[] confirmationTag;
  final LeafIndex self;

  /**
   * Per sending ratchet (by {@code SecretTree.RatchetType} ordinal), the end of the send lease of
   * this epoch's latest snapshot, or -1 if none was taken.
   */
  final long[] leaseEnd = {-1, -1};

  GroupState(
      Suite suite,
      GroupContext context,
      RatchetTree tree,
      PrivateTree privateTree,
      EpochSecrets secrets,
      SecretTree secretTree,
      byte[] interimTranscriptHash,
      byte[] confirmationTag,
      LeafIndex self) {
    this.suite = suite;
    this.context = context;
    this.contextBytes = context.toBytes();
    this.tree = tree;
    this.privateTree = privateTree;
    this.secrets = secrets;
    this.secretTree = secretTree;
    this.interimTranscriptHash = interimTranscriptHash;
    this.confirmationTag = confirmationTag;
    this.self = self;
  }

  /**
   * Builds the state that follows a commit (or a join): derives the secret tree and the interim
   * transcript hash (§8.2) from the confirmation tag.
   */
  static GroupState of(
      Suite suite,
      GroupContext context,
      RatchetTree tree,
      PrivateTree privateTree,
      EpochSecrets secrets,
      byte[] confirmationTag,
      LeafIndex self,
      SecretTree.Limits limits)
      throws MlsException {
    byte[] interim =
        TranscriptHashes.interim(suite, context.confirmedTranscriptHash(), confirmationTag);
    SecretTree st = secrets.secretTree(tree.leafCount(), limits);
    return new GroupState(
        suite, context, tree, privateTree, secrets, st, interim, confirmationTag, self);
  }

  long epoch() {
    return context.epoch();
  }

  byte[] groupId() {
    return context.groupId();
  }

  /** Wipes this epoch's secrets (it is no longer reachable). */
  void destroy() {
    secrets.destroy();
    secretTree.destroy();
    if (privateTree != null) {
      privateTree.wipe();
    }
  }
}
