package io.agentwire.mls;

import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import io.agentwire.mls.internal.group.GroupEngine;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The entry point to MLS (RFC 9420) for one cipher suite, in the style of the JCA: {@code
 * Mls.getInstance(CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)} or {@code
 * Mls.getInstance("1")}. From it come signature keys and identities (§5.3), KeyPackages (§10), and
 * groups: created (§11), joined from a Welcome (§12.4.3.1), joined by external commit (§12.4.3.2,
 * including the resync case), or restored from a snapshot.
 *
 * <p>Immutable and thread-safe; one instance per suite can be shared by the whole process.
 */
public final class Mls {

  private final CipherSuite suite;
  private final Suite ops;

  private Mls(CipherSuite suite, Suite ops) {
    this.suite = suite;
    this.ops = ops;
  }

  /** MLS for {@code suite}; {@link MlsException.Reason#UNSUPPORTED} if it cannot run here. */
  public static Mls getInstance(CipherSuite suite) throws MlsException {
    Objects.requireNonNull(suite, "suite");
    return new Mls(suite, Suites.get(suite));
  }

  /**
   * MLS for the suite named by its registered number ({@code "1"}, {@code "0x0001"}) or its name
   * ({@code "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"}, case-insensitive).
   */
  public static Mls getInstance(String suite) throws MlsException {
    Objects.requireNonNull(suite, "suite");
    String s = suite.trim();
    CipherSuite found = null;
    try {
      int id =
          s.toLowerCase(Locale.ROOT).startsWith("0x")
              ? Integer.parseInt(s.substring(2), 16)
              : Integer.parseInt(s);
      found = CipherSuite.fromId(id).orElse(null);
    } catch (NumberFormatException e) {
      for (CipherSuite c : CipherSuite.values()) {
        if (c.name().equalsIgnoreCase(s)) {
          found = c;
        }
      }
    }
    if (found == null) {
      throw new MlsException(MlsException.Reason.UNSUPPORTED, "unknown cipher suite " + suite);
    }
    return getInstance(found);
  }

  /** The suites this implementation can run here. */
  public static Set<CipherSuite> supportedSuites() {
    Set<CipherSuite> out = EnumSet.noneOf(CipherSuite.class);
    for (CipherSuite c : CipherSuite.values()) {
      if (c.isSupported()) {
        out.add(c);
      }
    }
    return out;
  }

  /** This instance's suite. */
  public CipherSuite cipherSuite() {
    return suite;
  }

  /** A fresh library-held signature key pair for this suite. */
  public SignatureKeyPair generateSignatureKeyPair() {
    Suite.KeyPair kp = ops.generateSignatureKeyPair();
    return new SignatureKeyPair(suite, kp.publicKey(), kp.privateKey());
  }

  /**
   * Rebuilds a signature key pair from its raw private key ({@link SignatureKeyPair#privateKey()}).
   */
  public SignatureKeyPair signatureKeyPair(byte[] privateKey) throws MlsException {
    return new SignatureKeyPair(suite, ops.signaturePublicKey(privateKey), privateKey);
  }

  /** An identity whose private key the library holds. */
  public MlsIdentity identity(Credential credential, SignatureKeyPair keyPair) {
    Objects.requireNonNull(keyPair, "keyPair");
    if (keyPair.cipherSuite() != suite) {
      throw new IllegalArgumentException("key pair is for " + keyPair.cipherSuite());
    }
    return new MlsIdentity(suite, credential, keyPair, null);
  }

  /** An identity whose private key the caller holds. */
  public MlsIdentity identity(Credential credential, MlsSigner signer) {
    return new MlsIdentity(suite, credential, null, Objects.requireNonNull(signer, "signer"));
  }

  /**
   * A fresh KeyPackage for {@code identity} (§10) with default capabilities (every suite this
   * implementation supports, basic and x509 credentials, every proposal and extension type) and the
   * default lifetime; private parts in the returned bundle.
   */
  public KeyPackageBundle createKeyPackage(MlsIdentity identity) throws MlsException {
    return createKeyPackage(identity, MlsGroupConfig.defaults());
  }

  /** A fresh KeyPackage with the config's lifetime. */
  public KeyPackageBundle createKeyPackage(MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    checkIdentity(identity);
    return GroupEngine.createKeyPackage(ops, identity, config);
  }

  /** A fresh KeyPackage whose private parts are kept in {@code store}. */
  public KeyPackageBundle createKeyPackage(MlsIdentity identity, KeyPackageStore store)
      throws MlsException {
    KeyPackageBundle b = createKeyPackage(identity);
    store.put(b);
    return b;
  }

  /** A new group with a random 16-byte id and only this member (§11). */
  public MlsGroup createGroup(MlsIdentity identity, MlsGroupConfig config) throws MlsException {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    return createGroup(id, identity, config);
  }

  /** A new group with this id and only this member (§11). */
  public MlsGroup createGroup(byte[] groupId, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    checkIdentity(identity);
    return new MlsGroup(GroupEngine.create(ops, groupId.clone(), identity, config));
  }

  /** Joins from a Welcome (§12.4.3.1) for this KeyPackage; the tree must be in the Welcome. */
  public MlsGroup join(
      byte[] welcome, KeyPackageBundle keyPackage, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    KeyPackageStore one = KeyPackageStore.inMemory();
    one.put(keyPackage);
    return join(welcome, null, one, identity, config);
  }

  /**
   * Joins from a Welcome (an MLSMessage or bare Welcome), finding the KeyPackage it was made for in
   * {@code store} (which then forgets it). {@code ratchetTree} is the tree (the {@code
   * ratchet_tree} extension's data) when the Welcome does not carry it, else null.
   */
  public MlsGroup join(
      byte[] welcome,
      byte[] ratchetTree,
      KeyPackageStore store,
      MlsIdentity identity,
      MlsGroupConfig config)
      throws MlsException {
    checkIdentity(identity);
    return new MlsGroup(GroupEngine.join(ops, welcome, ratchetTree, store, identity, config));
  }

  /**
   * Joins by external commit from a GroupInfo (an MLSMessage or bare GroupInfo with {@code
   * external_pub}, §12.4.3.2). {@code ratchetTree} as for {@link #join}. With {@code resync}, this
   * member rejoins after losing its state: the commit also removes its old leaf, the one whose
   * credential's identity {@link MlsPolicy#sameAgent is the same agent} as this identity; every
   * receiver checks the same rule.
   */
  public ExternalJoin joinByExternalCommit(
      byte[] groupInfo,
      byte[] ratchetTree,
      MlsIdentity identity,
      MlsGroupConfig config,
      boolean resync)
      throws MlsException {
    checkIdentity(identity);
    GroupEngine.ExternalJoinResult r =
        GroupEngine.joinExternal(ops, groupInfo, ratchetTree, identity, config, resync);
    return new ExternalJoin(new MlsGroup(r.engine()), r.commitMessage());
  }

  /**
   * A group from {@link MlsGroup#snapshot()}; {@code identity} must be the member's (its signature
   * key is checked against the snapshot's leaf). See {@link MlsGroup#snapshot()} for the generation
   * lease rule.
   */
  public MlsGroup restore(byte[] snapshot, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    checkIdentity(identity);
    return new MlsGroup(GroupEngine.restore(ops, snapshot, identity, config));
  }

  private void checkIdentity(MlsIdentity identity) {
    Objects.requireNonNull(identity, "identity");
    if (identity.cipherSuite() != suite) {
      throw new IllegalArgumentException("identity is for " + identity.cipherSuite());
    }
  }

  @Override
  public String toString() {
    return "Mls[" + suite + "]";
  }
}
