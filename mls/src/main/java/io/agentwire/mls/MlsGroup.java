package io.agentwire.mls;

import io.agentwire.mls.internal.group.CommitRequest;
import io.agentwire.mls.internal.group.GroupEngine;
import java.util.List;
import java.util.Optional;

/**
 * One member's view of one MLS group (RFC 9420 §8–§14): the current epoch, the proposals received
 * in it, at most one pending commit, and a bounded window of past epochs for late application
 * messages. Make one with {@link Mls#createGroup}, {@link Mls#join}, {@link
 * Mls#joinByExternalCommit} or {@link Mls#restore}.
 *
 * <p>Every epoch is an immutable state; an operation computes the next state on the side and swaps
 * it in only when it fully succeeded, so a message that fails any check (an {@link MlsException})
 * leaves the group exactly as it was.
 *
 * <p>Thread-safe: every method holds the group's lock, so concurrent callers see one order of
 * operations. For throughput use one group per thread.
 */
public final class MlsGroup {

  private final GroupEngine engine;

  MlsGroup(GroupEngine engine) {
    this.engine = engine;
  }

  GroupEngine engine() {
    return engine;
  }

  /** The cipher suite. */
  public CipherSuite cipherSuite() {
    return engine.cipherSuite();
  }

  /** The group id. */
  public synchronized byte[] groupId() {
    return engine.groupId();
  }

  /** The current epoch number. */
  public synchronized long epoch() {
    return engine.epoch();
  }

  /** An immutable view of the current epoch. */
  public synchronized GroupEpoch epochInfo() {
    return engine.epochInfo();
  }

  /** This member's leaf index. */
  public synchronized int ownLeafIndex() {
    return engine.ownLeafIndex();
  }

  /** The members of the current epoch, by leaf index. */
  public synchronized List<Member> members() {
    return engine.members();
  }

  /** Whether this member is still in the group (false once a commit removed it). */
  public synchronized boolean isActive() {
    return engine.isActive();
  }

  /** A proposal to add the member of {@code keyPackage}, as an MLSMessage to send (§12.1.1). */
  public synchronized byte[] proposeAdd(byte[] keyPackage) throws MlsException {
    return engine.proposeAdd(keyPackage);
  }

  /** A proposal to remove the member at {@code leafIndex} (§12.1.3). */
  public synchronized byte[] proposeRemove(int leafIndex) throws MlsException {
    return engine.proposeRemove(leafIndex);
  }

  /** A proposal replacing this member's leaf with fresh keys (§12.1.2). */
  public synchronized byte[] proposeUpdate() throws MlsException {
    return engine.proposeUpdate();
  }

  /** A proposal injecting the external PSK with this id (§12.1.4). */
  public synchronized byte[] proposeExternalPsk(byte[] pskId) throws MlsException {
    return engine.proposeExternalPsk(pskId);
  }

  /** A proposal injecting this group's resumption PSK of a kept epoch (§12.1.4). */
  public synchronized byte[] proposeResumptionPsk(long epoch) throws MlsException {
    return engine.proposeResumptionPsk(epoch);
  }

  /** A proposal replacing the GroupContext extensions (§12.1.7). */
  public synchronized byte[] proposeGroupContextExtensions(List<MlsExtension> extensions)
      throws MlsException {
    return engine.proposeGroupContextExtensions(extensions);
  }

  /** Forgets every cached proposal of this epoch. */
  public synchronized void clearPendingProposals() {
    engine.clearPendingProposals();
  }

  /** A builder for one commit. */
  public CommitBuilder commitBuilder() {
    return new CommitBuilder(this);
  }

  /**
   * Commits the cached proposals (with a path when §12.4 needs one): {@code
   * commitBuilder().build()}.
   */
  public PendingCommit commit() throws MlsException {
    return commitBuilder().build();
  }

  synchronized PendingCommit buildCommit(CommitRequest request) throws MlsException {
    return engine.commit(request);
  }

  /** The pending commit, if any. */
  public synchronized Optional<PendingCommit> pendingCommit() {
    return engine.pendingCommit();
  }

  /**
   * Applies the pending commit after the delivery service accepted it: the group moves to the new
   * epoch. {@link MlsException.Reason#STATE} if none is pending.
   */
  public synchronized ProcessResult.CommitApplied mergePendingCommit() throws MlsException {
    return engine.mergePendingCommit();
  }

  /** Drops the pending commit (the delivery service refused it); no-op if none. */
  public synchronized void discardPendingCommit() {
    engine.discardPendingCommit();
  }

  /**
   * Processes one received MLSMessage (PublicMessage or PrivateMessage): application data, a
   * proposal (cached) or a commit (applied; a pending commit of this member for the same epoch is
   * discarded). On any failure the group is unchanged.
   */
  public synchronized ProcessResult process(byte[] mlsMessage) throws MlsException {
    return engine.process(mlsMessage);
  }

  /** Encrypts application data as a PrivateMessage MLSMessage (§6.3). */
  public byte[] encrypt(byte[] plaintext) throws MlsException {
    return encrypt(plaintext, new byte[0]);
  }

  /** Encrypts application data with unencrypted authenticated data (§6.3). */
  public synchronized byte[] encrypt(byte[] plaintext, byte[] authenticatedData)
      throws MlsException {
    return engine.encrypt(plaintext, authenticatedData);
  }

  /**
   * Processes a message that must be application data; anything else fails with INVALID and leaves
   * the group unchanged.
   */
  public synchronized ProcessResult.ApplicationMessage decrypt(byte[] mlsMessage)
      throws MlsException {
    return engine.decrypt(mlsMessage);
  }

  /** MLS-Exporter(label, context, length) of the current epoch (§8.5). */
  public synchronized byte[] exportSecret(String label, byte[] context, int length)
      throws MlsException {
    return engine.exportSecret(label, context, length);
  }

  /** The current epoch authenticator (§8.7). */
  public synchronized byte[] epochAuthenticator() {
    return engine.epochAuthenticator();
  }

  /**
   * A signed GroupInfo for the current epoch as an MLSMessage (§12.4.3), with {@code external_pub}
   * so others can join by external commit, and the {@code ratchet_tree} extension if asked.
   */
  public synchronized byte[] groupInfo(boolean includeRatchetTree) throws MlsException {
    return engine.groupInfo(includeRatchetTree);
  }

  /** The current ratchet tree as the {@code ratchet_tree} extension's data (§12.4.3.3). */
  public synchronized byte[] ratchetTree() {
    return engine.ratchetTree();
  }

  /**
   * The whole group state in a versioned format, for {@link Mls#restore}. It holds every epoch
   * secret and HPKE private key of this member (not its signature key): store it as a secret.
   *
   * <p><b>Generation lease.</b> A snapshot records, for this member's sending ratchets, a lease
   * end: the next unused generation plus {@link MlsGroupConfig#generationLease()}. The restored
   * group starts sending at the lease end. The live group, once snapshotted, refuses to send past
   * the lease end of its latest snapshot ({@link MlsException.Reason#STATE}: take a new snapshot).
   * So the latest snapshot, restored once after the live group went on, never reuses a generation
   * (an AES-GCM nonce). Only the latest snapshot may ever be restored: replace the stored one
   * atomically and destroy older ones, since a newer snapshot lets the live group send into the
   * range an older one's restored copy would use.
   */
  public synchronized byte[] snapshot() throws MlsException {
    return engine.snapshot();
  }

  @Override
  public String toString() {
    return "MlsGroup[" + engine + "]";
  }
}
