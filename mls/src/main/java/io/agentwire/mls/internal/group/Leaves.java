package io.agentwire.mls.internal.group;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.Credential;
import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsExtension;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.MlsPolicy;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.Capabilities;
import io.agentwire.mls.internal.message.Extension;
import io.agentwire.mls.internal.message.Extensions;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Lifetime;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.RequiredCapabilitiesExtension;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaf nodes and KeyPackages: making this member's (§7.2, §10) and validating received ones (§7.3,
 * §10.1). Validation is by the spec's checks and the caller's {@link MlsPolicy}; nothing here
 * decides by names or strings. Stateless; thread-safe.
 */
final class Leaves {

  /** Proposal types 1-7 and extension types 1-5 are the RFC's defaults (§13.4), never listed. */
  static final int MAX_DEFAULT_PROPOSAL = 7;

  static final int MAX_DEFAULT_EXTENSION = 5;

  private Leaves() {}

  static io.agentwire.mls.internal.message.Credential toWire(Credential c) {
    if (c.type() == Credential.X509) {
      return io.agentwire.mls.internal.message.Credential.x509(c.certificates());
    }
    return new io.agentwire.mls.internal.message.Credential(c.type(), c.identity(), List.of());
  }

  static Credential fromWire(io.agentwire.mls.internal.message.Credential c) {
    return Credential.of(c.credentialType(), c.identity(), c.certificates());
  }

  static List<Extension> toWire(List<MlsExtension> extensions) {
    List<Extension> out = new ArrayList<>(extensions.size());
    for (MlsExtension e : extensions) {
      out.add(new Extension(e.type(), e.data()));
    }
    return out;
  }

  static List<MlsExtension> fromWire(List<Extension> extensions) {
    List<MlsExtension> out = new ArrayList<>(extensions.size());
    for (Extension e : extensions) {
      out.add(new MlsExtension(e.extensionType(), e.extensionData()));
    }
    return List.copyOf(out);
  }

  /** What this implementation supports: version mls10, every suite, basic and X.509 credentials. */
  static Capabilities capabilities(CipherSuite own) {
    List<Integer> suites = new ArrayList<>();
    suites.add(own.id());
    for (CipherSuite c : CipherSuite.values()) {
      if (c != own && io.agentwire.mls.internal.crypto.Suites.isSupported(c)) {
        suites.add(c.id());
      }
    }
    return new Capabilities(
        List.of(MlsMessage.MLS10),
        suites,
        List.of(),
        List.of(),
        List.of(
            io.agentwire.mls.internal.message.Credential.BASIC,
            io.agentwire.mls.internal.message.Credential.X509));
  }

  /** Signs {@code unsigned} as the leaf at {@code index} of {@code groupId} (LeafNodeTBS, §7.2). */
  static LeafNode sign(MlsIdentity identity, LeafNode unsigned, byte[] groupId, int index)
      throws MlsException {
    byte[] sig = identity.signWithLabel("LeafNodeTBS", unsigned.toBeSigned(groupId, index));
    return unsigned.withSignature(sig);
  }

  /** A leaf node of this member with source {@code source}. */
  static LeafNode unsignedLeaf(
      Suite suite,
      MlsIdentity identity,
      byte[] encryptionKey,
      int source,
      Lifetime lifetime,
      byte[] parentHash,
      Capabilities capabilities,
      List<Extension> extensions) {
    return new LeafNode(
        encryptionKey,
        identity.signaturePublicKey(),
        toWire(identity.credential()),
        capabilities,
        source,
        source == LeafNode.KEY_PACKAGE ? lifetime : null,
        source == LeafNode.COMMIT ? parentHash : null,
        extensions,
        new byte[0]);
  }

  /** KeyPackageRef (§5.2). */
  static byte[] keyPackageRef(Suite suite, KeyPackage kp) {
    return suite.refHash("MLS 1.0 KeyPackage Reference", kp.toBytes());
  }

  /** Checks a KeyPackage from the wire (§10.1) and its leaf node (§7.3 with source key_package). */
  static void validateKeyPackage(Suite suite, KeyPackage kp, long nowSeconds) throws MlsException {
    if (kp.version() != MlsMessage.MLS10) {
      throw invalid("KeyPackage version " + kp.version() + " is not mls10");
    }
    if (kp.cipherSuite() != suite.suite().id()) {
      throw invalid("KeyPackage is for cipher suite " + kp.cipherSuite());
    }
    LeafNode leaf = kp.leafNode();
    if (leaf.leafNodeSource() != LeafNode.KEY_PACKAGE) {
      throw invalid("KeyPackage leaf node source is not key_package");
    }
    if (!suite.verifyWithLabel(
        leaf.signatureKey(), "KeyPackageTBS", kp.toBeSigned(), kp.signature())) {
      throw new MlsException(MlsException.Reason.BAD_SIGNATURE, "KeyPackage signature");
    }
    if (MessageDigest.isEqual(kp.initKey(), leaf.encryptionKey())) {
      throw invalid("KeyPackage init_key equals its leaf's encryption_key");
    }
    checkHpkeKey(suite, kp.initKey(), "KeyPackage init_key");
    Extensions.checkNoDuplicates(kp.extensions(), "KeyPackage");
    Lifetime lt = leaf.lifetime();
    if (lt == null
        || Long.compareUnsigned(nowSeconds, lt.notBefore()) < 0
        || Long.compareUnsigned(nowSeconds, lt.notAfter()) > 0) {
      throw invalid("KeyPackage lifetime does not include the current time");
    }
  }

  static void checkHpkeKey(Suite suite, byte[] key, String what) throws MlsException {
    if (key.length == 0) {
      throw invalid(what + " is empty");
    }
  }

  /**
   * The group-independent checks of a leaf node (§7.3): its signature as the leaf at {@code index}
   * (group id and index matter only for update and commit sources), its capabilities cover mls10,
   * the group's suite and its own credential type and extensions, and its credential passes the
   * policy. Returns the identity the policy derived.
   */
  static byte[] validateLeaf(
      Suite suite, MlsPolicy policy, LeafNode leaf, int expectedSource, byte[] groupId, int index)
      throws MlsException {
    if (leaf.leafNodeSource() != expectedSource) {
      throw invalid("leaf node source " + leaf.leafNodeSource() + ", expected " + expectedSource);
    }
    if (!RatchetTree.verifyLeafNodeSignature(
        suite, leaf, groupId, LeafIndex.of(Math.max(index, 0)))) {
      throw new MlsException(MlsException.Reason.BAD_SIGNATURE, "leaf node signature");
    }
    Capabilities caps = leaf.capabilities();
    if (!caps.versions().contains(MlsMessage.MLS10)) {
      throw invalid("leaf node does not support mls10");
    }
    if (!caps.cipherSuites().contains(suite.suite().id())) {
      throw invalid("leaf node does not support the group's cipher suite");
    }
    if (!caps.credentials().contains(leaf.credential().credentialType())) {
      throw invalid("leaf node does not list its own credential type");
    }
    Extensions.checkNoDuplicates(leaf.extensions(), "LeafNode");
    for (Extension e : leaf.extensions()) {
      if (e.extensionType() > MAX_DEFAULT_EXTENSION
          && !caps.extensions().contains(e.extensionType())) {
        throw invalid("leaf node extension " + e.extensionType() + " is not in its capabilities");
      }
    }
    checkHpkeKey(suite, leaf.encryptionKey(), "leaf encryption_key");
    return authenticate(suite, policy, leaf);
  }

  /** One call into the caller's policy. */
  interface PolicyCheck {
    void run() throws MlsException;
  }

  /**
   * Runs a policy check: its MlsException stands, anything else it throws becomes POLICY_REJECTED,
   * so a faulty policy refuses rather than breaking the member.
   */
  static void askPolicy(PolicyCheck check) throws MlsException {
    try {
      check.run();
    } catch (RuntimeException e) {
      throw new MlsException(MlsException.Reason.POLICY_REJECTED, "the policy failed", e);
    }
  }

  static byte[] authenticate(Suite suite, MlsPolicy policy, LeafNode leaf) throws MlsException {
    byte[] id;
    try {
      id = policy.authenticate(suite.suite(), fromWire(leaf.credential()), leaf.signatureKey());
    } catch (MlsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MlsException(MlsException.Reason.POLICY_REJECTED, "the policy failed", e);
    }
    if (id == null) {
      throw new MlsException(MlsException.Reason.POLICY_REJECTED, "the policy proved no identity");
    }
    return id;
  }

  /** Whether {@code caps} supports everything {@code required} lists (§11.1). */
  static boolean supports(Capabilities caps, RequiredCapabilitiesExtension required) {
    if (required == null) {
      return true;
    }
    for (int t : required.extensionTypes()) {
      if (t > MAX_DEFAULT_EXTENSION && !caps.extensions().contains(t)) {
        return false;
      }
    }
    for (int t : required.proposalTypes()) {
      if (t > MAX_DEFAULT_PROPOSAL && !caps.proposals().contains(t)) {
        return false;
      }
    }
    for (int t : required.credentialTypes()) {
      if (!caps.credentials().contains(t)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code caps} supports every extension type in {@code extensions}. */
  static boolean supportsExtensions(Capabilities caps, List<Extension> extensions) {
    for (Extension e : extensions) {
      if (e.extensionType() > MAX_DEFAULT_EXTENSION
          && !caps.extensions().contains(e.extensionType())) {
        return false;
      }
    }
    return true;
  }

  static RequiredCapabilitiesExtension requiredCapabilities(List<Extension> groupExtensions)
      throws MlsException {
    Extension e = Extensions.find(groupExtensions, Extension.REQUIRED_CAPABILITIES);
    return e == null ? null : RequiredCapabilitiesExtension.from(e);
  }

  /** Whether the proposal type is one the group may use (defaults or a listed required one). */
  static boolean proposalAllowed(Proposal p) {
    return p.type() <= MAX_DEFAULT_PROPOSAL;
  }

  /**
   * The members' keys and credential types, to check a new or changed leaf against the rest of the
   * tree in O(1) (§7.3): its encryption and signature keys are unique among the leaves, every
   * member supports its credential type and it supports every type in use. Built once per commit
   * and kept current as proposals are applied.
   */
  static final class KeyIndex {
    private final java.util.Map<java.nio.ByteBuffer, Integer> signatureKeys;
    private final java.util.Map<java.nio.ByteBuffer, Integer> encryptionKeys;
    private final java.util.Map<Integer, Integer> typesInUse = new java.util.HashMap<>();
    private final java.util.Map<Integer, Integer> typesSupported = new java.util.HashMap<>();
    private int members;

    KeyIndex(RatchetTree tree) {
      // Sized once (every commit builds one, made and received): no rehashing on big trees.
      int capacity = (int) Math.min(1 << 30, 2L * tree.memberCount() + 16);
      signatureKeys = new java.util.HashMap<>(capacity);
      encryptionKeys = new java.util.HashMap<>(capacity);
      for (LeafIndex li : tree.members()) {
        add(li.value(), tree.leafNode(li));
      }
    }

    void add(int index, LeafNode leaf) {
      members++;
      signatureKeys.put(java.nio.ByteBuffer.wrap(leaf.signatureKey()), index);
      encryptionKeys.put(java.nio.ByteBuffer.wrap(leaf.encryptionKey()), index);
      typesInUse.merge(leaf.credential().credentialType(), 1, Integer::sum);
      forEachDistinct(
          leaf.capabilities().credentials(), t -> typesSupported.merge(t, 1, Integer::sum));
    }

    void remove(LeafNode leaf) {
      members--;
      signatureKeys.remove(java.nio.ByteBuffer.wrap(leaf.signatureKey()));
      encryptionKeys.remove(java.nio.ByteBuffer.wrap(leaf.encryptionKey()));
      typesInUse.merge(leaf.credential().credentialType(), -1, Integer::sum);
      forEachDistinct(
          leaf.capabilities().credentials(), t -> typesSupported.merge(t, -1, Integer::sum));
    }

    /**
     * Each value of a list once: a short list (the usual few credential types) without allocating a
     * set per leaf, a long one (up to 65,536 from the wire) through a set, so never quadratic.
     */
    private static void forEachDistinct(List<Integer> values, java.util.function.IntConsumer f) {
      if (values.size() > 16) {
        new java.util.LinkedHashSet<>(values).forEach(f::accept);
        return;
      }
      for (int i = 0; i < values.size(); i++) {
        int v = values.get(i);
        boolean seen = false;
        for (int j = 0; j < i && !seen; j++) {
          seen = values.get(j) == v;
        }
        if (!seen) {
          f.accept(v);
        }
      }
    }

    /** The leaf holding {@code signatureKey}, or -1. */
    int leafWithSignatureKey(byte[] signatureKey) {
      return signatureKeys.getOrDefault(java.nio.ByteBuffer.wrap(signatureKey), -1);
    }

    /** Checks {@code leaf} as a new leaf (the one it replaces already removed from the index). */
    void check(LeafNode leaf) throws MlsException {
      if (signatureKeys.containsKey(java.nio.ByteBuffer.wrap(leaf.signatureKey()))) {
        throw invalid("leaf node signature key is already in the group");
      }
      if (encryptionKeys.containsKey(java.nio.ByteBuffer.wrap(leaf.encryptionKey()))) {
        throw invalid("leaf node encryption key is already in the group");
      }
      int type = leaf.credential().credentialType();
      if (typesSupported.getOrDefault(type, 0) != members) {
        throw invalid("not every member supports credential type " + type);
      }
      for (java.util.Map.Entry<Integer, Integer> e : typesInUse.entrySet()) {
        if (e.getValue() > 0 && !leaf.capabilities().credentials().contains(e.getKey())) {
          throw invalid("leaf node does not support credential type " + e.getKey() + " in use");
        }
      }
    }
  }

  static Member member(Suite suite, MlsPolicy policy, RatchetTree tree, LeafIndex li)
      throws MlsException {
    LeafNode leaf = tree.leafNode(li);
    return new Member(
        li.value(),
        fromWire(leaf.credential()),
        leaf.signatureKey(),
        authenticate(suite, policy, leaf));
  }

  /** A Member for reporting, from a leaf already validated. */
  static Member memberOf(Suite suite, MlsPolicy policy, LeafNode leaf, int index) {
    byte[] id;
    try {
      id = authenticate(suite, policy, leaf);
    } catch (MlsException e) {
      id = new byte[0];
    }
    return new Member(index, fromWire(leaf.credential()), leaf.signatureKey(), id);
  }

  static MlsException invalid(String what) {
    return new MlsException(MlsException.Reason.INVALID, what);
  }
}
