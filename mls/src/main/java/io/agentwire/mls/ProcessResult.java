package io.agentwire.mls;

import java.util.List;

/**
 * What {@link MlsGroup#process(byte[])} made of one received MLSMessage (RFC 9420 §6, §12.4.2).
 * Switch over the four cases. A message that fails any check is not a result but an {@link
 * MlsException}, and leaves the group unchanged.
 */
public sealed interface ProcessResult
    permits ProcessResult.ApplicationMessage,
        ProcessResult.ProposalReceived,
        ProcessResult.CommitApplied,
        ProcessResult.Removed {

  /** The epoch the group is in after processing. */
  long epoch();

  /**
   * Application data from a member (a PrivateMessage, §6.3).
   *
   * @param epoch the epoch it was sent in (may be a kept past epoch)
   * @param sender who sent it
   * @param data the plaintext
   * @param authenticatedData the unencrypted but authenticated {@code authenticated_data}
   */
  record ApplicationMessage(long epoch, Member sender, byte[] data, byte[] authenticatedData)
      implements ProcessResult {}

  /** The kinds of proposal (RFC 9420 §12.1). */
  enum ProposalKind {
    ADD,
    UPDATE,
    REMOVE,
    PRE_SHARED_KEY,
    REINIT,
    EXTERNAL_INIT,
    GROUP_CONTEXT_EXTENSIONS
  }

  /**
   * A proposal, cached until a commit includes it by reference (§12.1); the group does not change.
   *
   * @param epoch the current epoch
   * @param kind the proposal type
   * @param sender the proposing member, or null for an external sender or new member
   * @param reference its ProposalRef (§5.2)
   * @param subject the member it adds, removes or updates (for Add: the leaf index is -1)
   */
  record ProposalReceived(
      long epoch, ProposalKind kind, Member sender, byte[] reference, Member subject)
      implements ProcessResult {}

  /**
   * A commit was applied: the group is in a new epoch (§12.4.2).
   *
   * @param epoch the new epoch
   * @param committer the committing member (for an external commit: the joiner in its new leaf)
   * @param external whether it was an external commit (§12.4.3.2)
   * @param added the members added (their leaves in the new epoch)
   * @param removed the members removed (their leaves in the old epoch)
   * @param updated the members whose leaf changed by Update proposal or commit path
   * @param reInit when the commit carried a ReInit: the new group's parameters; the group accepts
   *     no more application messages and should be re-created
   */
  record CommitApplied(
      long epoch,
      Member committer,
      boolean external,
      List<Member> added,
      List<Member> removed,
      List<Member> updated,
      ReInit reInit)
      implements ProcessResult {}

  /**
   * The commit removed this member (§12.4.2): the group is inactive; it can still read late
   * application messages of the epochs it held, never of later ones.
   *
   * @param epoch the epoch this member was removed in (the last one it holds)
   * @param committer who removed it
   */
  record Removed(long epoch, Member committer) implements ProcessResult {}

  /**
   * A ReInit proposal's parameters (§12.1.5).
   *
   * @param groupId the new group's id
   * @param version the protocol version
   * @param cipherSuite the suite number
   * @param extensions the new group's extensions
   */
  record ReInit(byte[] groupId, int version, int cipherSuite, List<MlsExtension> extensions) {}
}
