package io.agentwire.bench.mls;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.CommitBuilder;
import io.agentwire.mls.Credential;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@link GroupMember} on AgentWire's MLS, through the public {@code io.agentwire.mls} API only:
 * the default config (PublicMessage handshakes), a basic credential, a library-held key. {@link
 * #save()} is a snapshot and {@link #restore} a restore, used only for the receiver, which never
 * sends (a restored snapshot must not send again from the same generations).
 */
final class AgentWireMember implements GroupMember {

  private static final MlsGroupConfig CONFIG = MlsGroupConfig.defaults();

  private final Mls mls;
  private final MlsIdentity identity;
  private KeyPackageBundle bundle;
  private MlsGroup group;

  AgentWireMember(int suite, String identity) throws MlsException {
    CipherSuite cs =
        CipherSuite.fromId(suite)
            .orElseThrow(() -> new IllegalArgumentException("unknown suite " + suite));
    this.mls = Mls.getInstance(cs);
    this.identity =
        mls.identity(
            Credential.basic(identity.getBytes(StandardCharsets.UTF_8)),
            mls.generateSignatureKeyPair());
  }

  @Override
  public byte[] keyPackage() throws MlsException {
    bundle = mls.createKeyPackage(identity);
    return bundle.keyPackage();
  }

  @Override
  public void create(byte[] groupId) throws MlsException {
    group = mls.createGroup(groupId, identity, CONFIG);
  }

  @Override
  public Commit add(List<byte[]> keyPackages, boolean treeInWelcome) throws MlsException {
    CommitBuilder b = group.commitBuilder().ratchetTreeInWelcome(treeInWelcome);
    for (byte[] kp : keyPackages) {
      b.add(kp);
    }
    return commit(b);
  }

  @Override
  public Commit update() throws MlsException {
    return commit(group.commitBuilder().forcePath());
  }

  @Override
  public Commit remove(int leaf) throws MlsException {
    return commit(group.commitBuilder().remove(leaf));
  }

  private static Commit commit(CommitBuilder b) throws MlsException {
    PendingCommit p = b.build();
    return new Commit(p.commitMessage(), p.welcome());
  }

  @Override
  public void merge() throws MlsException {
    group.mergePendingCommit();
  }

  @Override
  public void discard() {
    group.discardPendingCommit();
  }

  @Override
  public void process(byte[] commit) throws MlsException {
    ProcessResult r = group.process(commit);
    if (!(r instanceof ProcessResult.CommitApplied)) {
      throw new IllegalStateException("not a commit: " + r);
    }
  }

  @Override
  public byte[] ratchetTree() {
    return group.ratchetTree();
  }

  @Override
  public void join(byte[] welcome, byte[] ratchetTree) throws MlsException {
    KeyPackageStore store = KeyPackageStore.inMemory();
    store.put(bundle);
    group = mls.join(welcome, ratchetTree, store, identity, CONFIG);
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws MlsException {
    return group.encrypt(plaintext);
  }

  @Override
  public byte[] decrypt(byte[] message) throws MlsException {
    return group.decrypt(message).data();
  }

  @Override
  public Object save() throws MlsException {
    return group.snapshot();
  }

  @Override
  public void restore(Object saved) throws MlsException {
    group = mls.restore((byte[]) saved, identity, CONFIG);
  }

  @Override
  public long epoch() {
    return group.epoch();
  }

  @Override
  public byte[] epochAuthenticator() {
    return group.epochAuthenticator();
  }

  @Override
  public int leaf() {
    return group.ownLeafIndex();
  }
}
