package io.agentwire.bench.mls;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/**
 * A {@link GroupMember} on BouncyCastle's bcmls 1.84. Its {@code Group} is functional: {@code
 * commit} and {@code handle} return a successor and leave the receiver as it was, so a pending
 * commit is the successor kept aside, and {@link #save()} is the {@code Group} itself (decryption
 * does advance its secret tree, which the message benchmarks never repeat).
 */
public final class BcmlsMember implements GroupMember {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final MlsCipherSuite suite;
  private final byte[] identity;
  private final AsymmetricCipherKeyPair signature;
  private AsymmetricCipherKeyPair initKey;
  private AsymmetricCipherKeyPair leafKey;
  private KeyPackage keyPackage;
  private Group group;
  private Group pending;

  public BcmlsMember(int cipherSuite, String identity) throws Exception {
    this.suite = MlsCipherSuite.getSuite((short) cipherSuite);
    this.identity = identity.getBytes(StandardCharsets.UTF_8);
    this.signature = suite.generateSignatureKeyPair();
  }

  @Override
  public byte[] keyPackage() throws Exception {
    initKey = suite.getHPKE().generatePrivateKey();
    leafKey = suite.getHPKE().generatePrivateKey();
    keyPackage =
        new KeyPackage(
            suite,
            suite.getHPKE().serializePublicKey(initKey.getPublic()),
            leafNode(leafKey),
            new ArrayList<Extension>(),
            signaturePrivate());
    return MLSOutputStream.encode(MLSMessage.keyPackage(keyPackage));
  }

  private LeafNode leafNode(AsymmetricCipherKeyPair encryption) throws Exception {
    return new LeafNode(
        suite,
        suite.getHPKE().serializePublicKey(encryption.getPublic()),
        suite.serializeSignaturePublicKey(signature.getPublic()),
        Credential.forBasic(identity),
        new Capabilities(),
        new LifeTime(),
        new ArrayList<Extension>(),
        signaturePrivate());
  }

  private byte[] signaturePrivate() {
    return suite.serializeSignaturePrivateKey(signature.getPrivate());
  }

  @Override
  public void create(byte[] groupId) throws Exception {
    AsymmetricCipherKeyPair leaf = suite.getHPKE().generatePrivateKey();
    group =
        new Group(
            groupId, suite, leaf, signaturePrivate(), leafNode(leaf), new ArrayList<Extension>());
  }

  @Override
  public Commit add(List<byte[]> keyPackages) throws Exception {
    List<Proposal> adds = new ArrayList<>(keyPackages.size());
    for (byte[] kp : keyPackages) {
      adds.add(Proposal.add(decode(kp).keyPackage));
    }
    return commit(adds, false, true);
  }

  @Override
  public Commit update() throws Exception {
    return commit(new ArrayList<>(), true, false);
  }

  @Override
  public Commit remove(int leaf) throws Exception {
    List<Proposal> p = new ArrayList<>();
    p.add(Proposal.remove(new LeafIndex(leaf)));
    return commit(p, true, false);
  }

  private Commit commit(List<Proposal> proposals, boolean forcePath, boolean welcome)
      throws Exception {
    if (pending != null) {
      throw new IllegalStateException("a commit is pending");
    }
    byte[] leafSecret = new byte[suite.getKDF().getHashLength()];
    RANDOM.nextBytes(leafSecret);
    Group.GroupWithMessage gwm =
        group.commit(
            new Secret(leafSecret),
            new Group.CommitOptions(proposals, true, forcePath, null),
            new Group.MessageOptions(false, new byte[0], 0),
            new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
    byte[] commit = MLSOutputStream.encode(gwm.message);
    byte[] w = null;
    if (welcome) {
      gwm.message.wireFormat = WireFormat.mls_welcome;
      w = MLSOutputStream.encode(gwm.message);
    }
    pending = gwm.group;
    return new Commit(commit, w);
  }

  @Override
  public void merge() {
    if (pending == null) {
      throw new IllegalStateException("no commit is pending");
    }
    group = pending;
    pending = null;
  }

  @Override
  public void discard() {
    pending = null;
  }

  @Override
  public void process(byte[] commit) throws Exception {
    Group next = group.handle(commit, null);
    if (next == null) {
      throw new IllegalStateException("not a commit");
    }
    group = next;
  }

  @Override
  public void join(byte[] welcome) throws Exception {
    group =
        new Group(
            suite.getHPKE().serializePrivateKey(initKey.getPrivate()),
            leafKey,
            signaturePrivate(),
            keyPackage,
            decode(welcome).welcome,
            null,
            new HashMap<>(),
            new HashMap<>());
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws Exception {
    return MLSOutputStream.encode(group.protect(new byte[0], plaintext, 0));
  }

  @Override
  public byte[] decrypt(byte[] message) throws Exception {
    return group.unprotect(decode(message))[1];
  }

  @Override
  public Object save() {
    return group;
  }

  @Override
  public void restore(Object saved) {
    group = (Group) saved;
    pending = null;
  }

  @Override
  public long epoch() {
    return group.getEpoch();
  }

  @Override
  public byte[] epochAuthenticator() {
    return group.getEpochAuthenticator().clone();
  }

  @Override
  public int leaf() {
    return group.getIndex().value();
  }

  private static MLSMessage decode(byte[] bytes) throws Exception {
    return (MLSMessage) MLSInputStream.decode(bytes, MLSMessage.class);
  }
}
