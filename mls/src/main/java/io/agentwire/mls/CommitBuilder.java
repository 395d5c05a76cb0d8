package io.agentwire.mls;

import io.agentwire.mls.internal.group.CommitRequest;
import java.util.List;
import java.util.Objects;

/**
 * Assembles one commit (RFC 9420 §12.4): proposals by value, plus (by default) every proposal this
 * member has received or sent in this epoch, by reference. {@link #build()} makes the {@link
 * PendingCommit}; the group changes only on {@link MlsGroup#mergePendingCommit()}. Get one from
 * {@link MlsGroup#commitBuilder()}.
 *
 * <p>Not thread-safe; use it from one thread and build it once.
 */
public final class CommitBuilder {

  private final MlsGroup group;
  private final CommitRequest request = new CommitRequest();

  CommitBuilder(MlsGroup group) {
    this.group = group;
  }

  /** Adds the member of this KeyPackage (an MLSMessage or bare KeyPackage) (§12.1.1). */
  public CommitBuilder add(byte[] keyPackage) {
    request.addKeyPackages.add(Objects.requireNonNull(keyPackage, "keyPackage").clone());
    return this;
  }

  /** Removes the member at {@code leafIndex} (§12.1.3). */
  public CommitBuilder remove(int leafIndex) {
    request.removeLeaves.add(leafIndex);
    return this;
  }

  /** Removes every member whose credential proves {@code identity} (per the policy). */
  public CommitBuilder removeIdentity(byte[] identity) {
    request.removeIdentities.add(Objects.requireNonNull(identity, "identity").clone());
    return this;
  }

  /** Injects the external PSK with this id (§12.1.4); the PSK must be in the config's store. */
  public CommitBuilder externalPsk(byte[] pskId) {
    request.externalPsks.add(Objects.requireNonNull(pskId, "pskId").clone());
    return this;
  }

  /** Injects this group's resumption PSK of a kept past epoch (§12.1.4, usage application). */
  public CommitBuilder resumptionPsk(long epoch) {
    request.resumptionEpochs.add(epoch);
    return this;
  }

  /** Replaces the GroupContext extensions (§12.1.7). */
  public CommitBuilder groupContextExtensions(List<MlsExtension> extensions) {
    request.groupContextExtensions = List.copyOf(extensions);
    return this;
  }

  /**
   * Proposes re-initializing the group with new parameters (§12.1.5); nothing else may be in the
   * commit.
   */
  public CommitBuilder reInit(byte[] newGroupId, CipherSuite suite, List<MlsExtension> extensions) {
    request.reInit =
        new ProcessResult.ReInit(newGroupId.clone(), 1, suite.id(), List.copyOf(extensions));
    return this;
  }

  /**
   * Whether to include the cached proposals of this epoch by reference (default true); they are
   * filtered by §12.2's rules as RFC 9420 allows a committer to do.
   */
  public CommitBuilder includePendingProposals(boolean include) {
    request.includePending = include;
    return this;
  }

  /**
   * Always send an UpdatePath, rotating this member's leaf and path keys (post-compromise security,
   * §12.4); without this, a path is sent only when §12.4's rules require one.
   */
  public CommitBuilder forcePath() {
    request.forcePath = true;
    return this;
  }

  /** Whether the Welcome carries the {@code ratchet_tree} extension (default: the config's). */
  public CommitBuilder ratchetTreeInWelcome(boolean include) {
    request.ratchetTreeInWelcome = include;
    return this;
  }

  /** The {@code authenticated_data} of the commit message. */
  public CommitBuilder authenticatedData(byte[] aad) {
    request.authenticatedData = aad.clone();
    return this;
  }

  /**
   * Makes the commit. Fails with {@link MlsException.Reason#STATE} if a commit is already pending,
   * and with INVALID or POLICY_REJECTED if a KeyPackage or the proposal list is not acceptable.
   */
  public PendingCommit build() throws MlsException {
    return group.buildCommit(request);
  }
}
