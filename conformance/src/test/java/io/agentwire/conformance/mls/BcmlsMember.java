package io.agentwire.conformance.mls;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/**
 * One group member on BouncyCastle's bcmls 1.84, the outside oracle for AgentWire's MLS: every
 * method takes and returns raw {@code MLSMessage} bytes, so the same bytes can go to an AgentWire
 * member. A member makes one KeyPackage at a time (the one {@link #join} and {@link #externalJoin}
 * use), holds one group, and applies its own commits at once (there is no delivery service here).
 * Handshake messages are PublicMessages, application messages PrivateMessages.
 *
 * <p>bcmls facts this class works around (1.84): {@code Group.remove(LeafIndex, ...)} takes a
 * <em>roster</em> position (the n-th non-blank leaf), not a leaf index, so removals go in by value
 * through {@code CommitOptions}; the Welcome and the commit are one {@code MLSMessage} object whose
 * wire format is switched to encode either; a member's own commit can only be applied by keeping
 * the successor state {@code commit} returns; {@code Group.handle} returns null for a proposal (it
 * is cached for a later commit by reference); and a commit removing the receiver is rejected by the
 * receiver, so {@link #process} reports {@link Kind#REMOVED} without verifying it.
 */
final class BcmlsMember {

  /** What {@link #process} made of a message. */
  enum Kind {
    APPLICATION,
    PROPOSAL,
    COMMIT,
    /** A commit that removed this member: the group is gone. */
    REMOVED
  }

  record Processed(Kind kind, byte[] plaintext) {}

  /** A commit's bytes and, when it added members, the Welcome's (else null). */
  record Committed(byte[] commit, byte[] welcome) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  final MlsCipherSuite suite;
  final byte[] identity;
  private final AsymmetricCipherKeyPair signature;
  private AsymmetricCipherKeyPair initKey;
  private AsymmetricCipherKeyPair leafKey;
  private KeyPackage keyPackage;
  private Group group;

  BcmlsMember(int cipherSuite, String identity) throws Exception {
    this.suite = MlsCipherSuite.getSuite((short) cipherSuite);
    this.identity = identity.getBytes(StandardCharsets.UTF_8);
    this.signature = suite.generateSignatureKeyPair();
  }

  /** A fresh KeyPackage (as an MLSMessage), the one a later join uses. */
  byte[] keyPackage() throws Exception {
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

  /** A new group of one, at epoch 0. */
  void create(byte[] groupId) throws Exception {
    AsymmetricCipherKeyPair leaf = suite.getHPKE().generatePrivateKey();
    group =
        new Group(
            groupId, suite, leaf, signaturePrivate(), leafNode(leaf), new ArrayList<Extension>());
  }

  /**
   * One commit adding every KeyPackage (MLSMessage bytes), with the ratchet tree in the Welcome.
   */
  Committed add(byte[]... keyPackages) throws Exception {
    List<Proposal> adds = new ArrayList<>();
    for (byte[] kp : keyPackages) {
      MLSMessage m = decode(kp);
      if (m.wireFormat != WireFormat.mls_key_package) {
        throw new IllegalArgumentException("not a KeyPackage: " + m.wireFormat);
      }
      adds.add(Proposal.add(m.keyPackage));
    }
    return commit(adds, false);
  }

  /** A commit with an UpdatePath and no proposals: this member's own key rotation. */
  Committed update() throws Exception {
    return commit(new ArrayList<>(), true);
  }

  /** A commit removing the member at this leaf index. */
  Committed remove(int leaf) throws Exception {
    List<Proposal> p = new ArrayList<>();
    p.add(Proposal.remove(new LeafIndex(leaf)));
    return commit(p, true);
  }

  /** A commit of the given by-value proposals plus every cached by-reference one. */
  private Committed commit(List<Proposal> proposals, boolean forcePath) throws Exception {
    boolean adds = false;
    for (Proposal p : proposals) {
      adds |= p.getProposalType() == ProposalType.ADD;
    }
    Group.GroupWithMessage gwm =
        group.commit(
            new Secret(randomSecret()),
            new Group.CommitOptions(proposals, true, forcePath, null),
            new Group.MessageOptions(false, new byte[0], 0),
            new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
    byte[] commit = MLSOutputStream.encode(gwm.message);
    byte[] welcome = null;
    if (adds) {
      gwm.message.wireFormat = WireFormat.mls_welcome;
      welcome = MLSOutputStream.encode(gwm.message);
    }
    group = gwm.group;
    return new Committed(commit, welcome);
  }

  private byte[] randomSecret() {
    byte[] s = new byte[suite.getKDF().getHashLength()];
    RANDOM.nextBytes(s);
    return s;
  }

  /** Joins from a Welcome (with the ratchet_tree extension) made for this member's KeyPackage. */
  void join(byte[] welcome) throws Exception {
    MLSMessage m = decode(welcome);
    if (m.wireFormat != WireFormat.mls_welcome) {
      throw new IllegalArgumentException("not a Welcome: " + m.wireFormat);
    }
    group =
        new Group(
            suite.getHPKE().serializePrivateKey(initKey.getPrivate()),
            leafKey,
            signaturePrivate(),
            keyPackage,
            m.welcome,
            null,
            new HashMap<>(),
            new HashMap<>());
  }

  /** Joins by external commit from a GroupInfo with external_pub and the ratchet tree. */
  byte[] externalJoin(byte[] groupInfo) throws Exception {
    return externalJoin(groupInfo, -1);
  }

  /** As {@link #externalJoin(byte[])}, removing this member's old leaf when {@code prior >= 0}. */
  byte[] externalJoin(byte[] groupInfo, int prior) throws Exception {
    MLSMessage m = decode(groupInfo);
    if (m.wireFormat != WireFormat.mls_group_info) {
      throw new IllegalArgumentException("not a GroupInfo: " + m.wireFormat);
    }
    keyPackage();
    Group.GroupWithMessage gwm =
        Group.externalJoin(
            new Secret(randomSecret()),
            signature,
            keyPackage,
            m.groupInfo,
            null,
            new Group.MessageOptions(false, new byte[0], 0),
            prior < 0 ? null : new LeafIndex(prior),
            new HashMap<>());
    group = gwm.group;
    return MLSOutputStream.encode(gwm.message);
  }

  /** Applies a handshake message or opens an application message of the current epoch. */
  Processed process(byte[] message) throws Exception {
    MLSMessage m = decode(message);
    if (m.wireFormat != WireFormat.mls_public_message
        && m.wireFormat != WireFormat.mls_private_message) {
      throw new IllegalArgumentException("not a group message: " + m.wireFormat);
    }
    if (m.getContentType() == ContentType.APPLICATION) {
      return new Processed(Kind.APPLICATION, group.unprotect(m)[1]);
    }
    if (m.wireFormat == WireFormat.mls_public_message && removesMe(message)) {
      // bcmls 1.84 rejects a commit that removes the receiver ("Invalid proposal list": its
      // proposal check forbids removing oneself, which the RFC forbids only for the committer),
      // so the removed member cannot verify it: it is taken as the end of the group, unverified.
      group = null;
      return new Processed(Kind.REMOVED, null);
    }
    Group next = group.handle(message, null);
    if (next == null) {
      return new Processed(Kind.PROPOSAL, null);
    }
    group = next;
    return new Processed(Kind.COMMIT, null);
  }

  /**
   * Whether a PublicMessage commit removes this member by value . {@code PublicMessage.content} is
   * package-private, so the FramedContent is decoded again from the bytes after the MLSMessage's
   * version and wire format.
   */
  private boolean removesMe(byte[] message) throws Exception {
    FramedContent content =
        (FramedContent)
            MLSInputStream.decode(
                Arrays.copyOfRange(message, 4, message.length), FramedContent.class);
    if (content.getContentType() != ContentType.COMMIT) {
      return false;
    }
    for (ProposalOrRef p : content.getCommit().getProposals()) {
      if (p.getProposal() != null
          && p.getProposal().getProposalType() == ProposalType.REMOVE
          && p.getProposal().getRemove().removed.value() == leafIndex()) {
        return true;
      }
    }
    return false;
  }

  /** A PrivateMessage carrying application data. */
  byte[] encrypt(byte[] plaintext) throws Exception {
    return MLSOutputStream.encode(group.protect(new byte[0], plaintext, 0));
  }

  byte[] exporter(String label, byte[] context, int length) throws Exception {
    return group.getKeySchedule().MLSExporter(label, context, length);
  }

  byte[] epochAuthenticator() {
    return group.getEpochAuthenticator().clone();
  }

  byte[] treeHash() throws Exception {
    return group.getTree().getRootHash().clone();
  }

  long epoch() {
    return group.getEpoch();
  }

  int leafIndex() {
    return group.getIndex().value();
  }

  boolean inGroup() {
    return group != null;
  }

  /** A signed GroupInfo with external_pub and the ratchet_tree extension. */
  byte[] groupInfo() throws Exception {
    return MLSOutputStream.encode(group.getGroupInfo(true));
  }

  /** The leaf index of the member with this identity, or -1. */
  int leafOf(String identity) {
    byte[] id = identity.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < group.getTree().getSize().leafCount(); i++) {
      LeafNode leaf = group.getTree().getLeafNode(new LeafIndex(i));
      if (leaf != null && Arrays.equals(leaf.getCredential().getIdentity(), id)) {
        return i;
      }
    }
    return -1;
  }

  private static MLSMessage decode(byte[] bytes) throws Exception {
    return (MLSMessage) MLSInputStream.decode(bytes, MLSMessage.class);
  }
}
