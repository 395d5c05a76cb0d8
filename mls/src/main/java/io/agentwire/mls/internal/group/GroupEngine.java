package io.agentwire.mls.internal.group;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.GroupEpoch;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsExtension;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.internal.crypto.Suite;
import java.util.List;
import java.util.Optional;

/**
 * The group state machine behind {@link io.agentwire.mls.MlsGroup}: holds the current immutable
 * epoch state and swaps it only after an operation succeeded. Not thread-safe: MlsGroup locks.
 */
public final class GroupEngine {

  private static MlsException todo() {
    return new MlsException(MlsException.Reason.UNSUPPORTED, "not implemented yet");
  }

  private GroupEngine() {}

  /** The result of an external join. */
  public record ExternalJoinResult(GroupEngine engine, byte[] commitMessage) {}

  public static KeyPackageBundle createKeyPackage(
      Suite suite, MlsIdentity identity, MlsGroupConfig config) throws MlsException {
    throw todo();
  }

  public static GroupEngine create(
      Suite suite, byte[] groupId, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    throw todo();
  }

  public static GroupEngine join(
      Suite suite,
      byte[] welcome,
      byte[] ratchetTree,
      KeyPackageStore store,
      MlsIdentity identity,
      MlsGroupConfig config)
      throws MlsException {
    throw todo();
  }

  public static ExternalJoinResult joinExternal(
      Suite suite,
      byte[] groupInfo,
      byte[] ratchetTree,
      MlsIdentity identity,
      MlsGroupConfig config,
      boolean resync)
      throws MlsException {
    throw todo();
  }

  public static GroupEngine restore(
      Suite suite, byte[] snapshot, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    throw todo();
  }

  public CipherSuite cipherSuite() {
    throw new IllegalStateException();
  }

  public byte[] groupId() {
    throw new IllegalStateException();
  }

  public long epoch() {
    throw new IllegalStateException();
  }

  public GroupEpoch epochInfo() {
    throw new IllegalStateException();
  }

  public int ownLeafIndex() {
    throw new IllegalStateException();
  }

  public List<Member> members() {
    throw new IllegalStateException();
  }

  public boolean isActive() {
    throw new IllegalStateException();
  }

  public byte[] proposeAdd(byte[] keyPackage) throws MlsException {
    throw todo();
  }

  public byte[] proposeRemove(int leafIndex) throws MlsException {
    throw todo();
  }

  public byte[] proposeUpdate() throws MlsException {
    throw todo();
  }

  public byte[] proposeExternalPsk(byte[] pskId) throws MlsException {
    throw todo();
  }

  public byte[] proposeResumptionPsk(long epoch) throws MlsException {
    throw todo();
  }

  public byte[] proposeGroupContextExtensions(List<MlsExtension> extensions) throws MlsException {
    throw todo();
  }

  public void clearPendingProposals() {}

  public PendingCommit commit(CommitRequest request) throws MlsException {
    throw todo();
  }

  public Optional<PendingCommit> pendingCommit() {
    return Optional.empty();
  }

  public ProcessResult.CommitApplied mergePendingCommit() throws MlsException {
    throw todo();
  }

  public void discardPendingCommit() {}

  public ProcessResult process(byte[] mlsMessage) throws MlsException {
    throw todo();
  }

  public byte[] encrypt(byte[] plaintext, byte[] authenticatedData) throws MlsException {
    throw todo();
  }

  public ProcessResult.ApplicationMessage decrypt(byte[] mlsMessage) throws MlsException {
    ProcessResult r = process(mlsMessage);
    if (r instanceof ProcessResult.ApplicationMessage) {
      return (ProcessResult.ApplicationMessage) r;
    }
    throw new MlsException(MlsException.Reason.INVALID, "not an application message");
  }

  public byte[] exportSecret(String label, byte[] context, int length) throws MlsException {
    throw todo();
  }

  public byte[] epochAuthenticator() {
    throw new IllegalStateException();
  }

  public byte[] groupInfo(boolean includeRatchetTree) throws MlsException {
    throw todo();
  }

  public byte[] ratchetTree() {
    throw new IllegalStateException();
  }

  public byte[] snapshot() throws MlsException {
    throw todo();
  }
}
