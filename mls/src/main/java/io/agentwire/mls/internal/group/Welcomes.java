package io.agentwire.mls.internal.group;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.EncryptedGroupSecrets;
import io.agentwire.mls.internal.message.GroupInfo;
import io.agentwire.mls.internal.message.GroupSecrets;
import io.agentwire.mls.internal.message.HpkeCiphertext;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.PathSecret;
import io.agentwire.mls.internal.message.PreSharedKeyId;
import io.agentwire.mls.internal.message.Welcome;
import io.agentwire.mls.internal.message.Wire;
import io.agentwire.mls.internal.schedule.KeySchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Making and opening Welcome messages (RFC 9420 §12.4.3.1). The committer encrypts the signed
 * GroupInfo once under a key derived from the welcome_secret, and for each new member encrypts a
 * GroupSecrets (joiner_secret, optional path_secret, PSK ids) to the init_key of its KeyPackage
 * with {@code EncryptWithLabel(init_key, "Welcome", encrypted_group_info, GroupSecrets)}. The new
 * member reverses this; verifying what it decrypted (the GroupInfo signature, the confirmation tag,
 * the tree) is the caller's job, since it needs the ratchet tree.
 *
 * <p>Stateless and thread-safe. Inputs are never modified; intermediate secrets (welcome key and
 * nonce, psk_secret from the resolver, GroupSecrets encodings) are wiped after use.
 */
public final class Welcomes {

  /** The label of EncryptWithLabel for GroupSecrets (§12.4.3.1). */
  static final String WELCOME_LABEL = "Welcome";

  /** The label of RefHash for KeyPackageRef (§5.2). */
  static final String KEY_PACKAGE_REF_LABEL = "MLS 1.0 KeyPackage Reference";

  private Welcomes() {}

  /**
   * A new member: its KeyPackage and, if the commit had a path, the path secret for the lowest
   * common ancestor of its leaf and the committer's (else null).
   */
  public record Recipient(KeyPackage keyPackage, byte[] pathSecret) {
    public Recipient {
      Objects.requireNonNull(keyPackage, "keyPackage");
    }

    @Override
    public String toString() {
      return "Recipient[" + keyPackage + (pathSecret != null ? ", path secret]" : "]");
    }
  }

  /**
   * Decrypted but NOT yet verified: the caller checks the GroupInfo signature and confirmation tag.
   */
  public record Opened(GroupSecrets secrets, GroupInfo groupInfo, byte[] welcomeSecret) {
    @Override
    public String toString() {
      return "Opened[" + secrets + ", " + groupInfo + ", welcome secret redacted]";
    }
  }

  /** Resolves the PSKs named in GroupSecrets to the psk_secret (§8.4); throws if one is unknown. */
  public interface PskResolver {
    byte[] pskSecret(List<PreSharedKeyId> psks) throws MlsException;
  }

  /**
   * Encrypts the signed GroupInfo with the welcome key/nonce derived from (joinerSecret,
   * pskSecret), and for each recipient EncryptWithLabel(init_key, "Welcome", encrypted_group_info,
   * GroupSecrets) keyed by its KeyPackageRef.
   *
   * @param psks the PSK ids of the commit, in order (copied into every GroupSecrets)
   * @param pskSecret their psk_secret (§8.4); may be null only when {@code psks} is empty (then the
   *     all-zero psk_secret is used)
   * @throws MlsException INVALID if a recipient's KeyPackage is for another cipher suite or its
   *     init_key is unusable; LIMIT_EXCEEDED for more recipients than a Welcome may carry;
   *     MALFORMED if a secret is not Nh bytes
   */
  public static Welcome create(
      Suite suite,
      GroupInfo signedGroupInfo,
      byte[] joinerSecret,
      List<PreSharedKeyId> psks,
      byte[] pskSecret,
      List<Recipient> recipients)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(signedGroupInfo, "signedGroupInfo");
    Objects.requireNonNull(joinerSecret, "joinerSecret");
    Objects.requireNonNull(psks, "psks");
    Objects.requireNonNull(recipients, "recipients");
    int id = suite.suite().id();
    if (signedGroupInfo.groupContext().cipherSuite() != id) {
      throw new MlsException(
          MlsException.Reason.INVALID, "the GroupInfo is for another cipher suite");
    }
    if (recipients.size() > Wire.MAX_RECIPIENTS) {
      throw new MlsException(
          MlsException.Reason.LIMIT_EXCEEDED, recipients.size() + " Welcome recipients");
    }
    if (pskSecret == null && !psks.isEmpty()) {
      throw new MlsException(MlsException.Reason.STATE, "PSKs named without their psk_secret");
    }
    int nh = suite.hashLength();
    for (Recipient r : recipients) {
      if (r.keyPackage().cipherSuite() != id) {
        throw new MlsException(
            MlsException.Reason.INVALID, "a new member's KeyPackage is for another cipher suite");
      }
      if (r.pathSecret() != null && r.pathSecret().length != nh) {
        throw new MlsException(MlsException.Reason.MALFORMED, "path_secret must be Nh bytes");
      }
    }

    byte[] psk = pskSecret != null ? pskSecret : KeySchedule.zero(suite);
    byte[] welcomeSecret = KeySchedule.welcomeSecret(suite, joinerSecret, psk);
    byte[] key = KeySchedule.welcomeKey(suite, welcomeSecret);
    byte[] nonce = KeySchedule.welcomeNonce(suite, welcomeSecret);
    byte[] encryptedGroupInfo;
    try {
      encryptedGroupInfo = suite.seal(key, nonce, new byte[0], signedGroupInfo.toBytes());
    } finally {
      wipe(welcomeSecret, key, nonce);
    }

    List<EncryptedGroupSecrets> out = new ArrayList<>(recipients.size());
    for (Recipient r : recipients) {
      GroupSecrets gs =
          new GroupSecrets(
              joinerSecret, r.pathSecret() != null ? new PathSecret(r.pathSecret()) : null, psks);
      TlsWriter w = new TlsWriter();
      gs.encode(w);
      byte[] plaintext = w.toByteArray();
      w.wipe();
      Suite.HpkeSealed sealed;
      try {
        sealed =
            suite.encryptWithLabel(
                r.keyPackage().initKey(), WELCOME_LABEL, encryptedGroupInfo, plaintext);
      } finally {
        wipe(plaintext);
      }
      out.add(
          new EncryptedGroupSecrets(
              keyPackageRef(suite, r.keyPackage()),
              new HpkeCiphertext(sealed.kemOutput(), sealed.ciphertext())));
    }
    return new Welcome(id, out, encryptedGroupInfo);
  }

  /**
   * Finds the EncryptedGroupSecrets for keyPackageRef (INVALID if absent), decrypts GroupSecrets
   * with initPrivateKey, resolves PSKs, decrypts the GroupInfo. Checks the Welcome's cipher suite.
   *
   * <p>Failures: INVALID if the Welcome or its GroupInfo is for another cipher suite than {@code
   * suite}, if no entry is for this KeyPackage, if the GroupSecrets name more than one reinit or
   * branch PSK (§12.4.3.1), or if PSKs are named and {@code psks} is null; DECRYPT_FAILED if either
   * decryption fails; MALFORMED if a plaintext is not a well-formed GroupSecrets or GroupInfo or a
   * secret in it is not Nh bytes; whatever {@code psks} throws for an unknown PSK. Nothing is
   * returned or retained on failure.
   *
   * @param psks resolves the GroupSecrets' PSKs; not called when there are none (the psk_secret is
   *     then zero), may be null if the caller accepts no PSKs
   */
  public static Opened open(
      Suite suite, Welcome welcome, byte[] keyPackageRef, byte[] initPrivateKey, PskResolver psks)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(welcome, "welcome");
    Objects.requireNonNull(keyPackageRef, "keyPackageRef");
    Objects.requireNonNull(initPrivateKey, "initPrivateKey");
    int id = suite.suite().id();
    if (welcome.cipherSuite() != id) {
      throw new MlsException(
          MlsException.Reason.INVALID,
          "the Welcome is for cipher suite " + welcome.cipherSuite() + ", not " + id);
    }
    EncryptedGroupSecrets mine = welcome.secretsFor(keyPackageRef);
    if (mine == null) {
      throw new MlsException(
          MlsException.Reason.INVALID, "the Welcome has no entry for this KeyPackage");
    }

    byte[] plaintext =
        suite.decryptWithLabel(
            initPrivateKey,
            WELCOME_LABEL,
            welcome.encryptedGroupInfo(),
            mine.encryptedGroupSecrets().kemOutput(),
            mine.encryptedGroupSecrets().ciphertext());
    GroupSecrets secrets;
    try {
      secrets = GroupSecrets.decode(plaintext);
    } finally {
      wipe(plaintext);
    }
    int nh = suite.hashLength();
    try {
      if (secrets.joinerSecret().length != nh) {
        throw new MlsException(MlsException.Reason.MALFORMED, "joiner_secret must be Nh bytes");
      }
      if (secrets.pathSecret() != null && secrets.pathSecret().pathSecret().length != nh) {
        throw new MlsException(MlsException.Reason.MALFORMED, "path_secret must be Nh bytes");
      }
      checkPsks(secrets.psks());

      byte[] pskSecret;
      if (secrets.psks().isEmpty()) {
        pskSecret = KeySchedule.zero(suite);
      } else if (psks == null) {
        throw new MlsException(
            MlsException.Reason.INVALID, "the Welcome names PSKs and none are available");
      } else {
        pskSecret = psks.pskSecret(secrets.psks());
        if (pskSecret == null || pskSecret.length != nh) {
          throw new MlsException(
              MlsException.Reason.STATE, "the PSK resolver gave no Nh-byte psk_secret");
        }
      }

      byte[] welcomeSecret;
      try {
        welcomeSecret = KeySchedule.welcomeSecret(suite, secrets.joinerSecret(), pskSecret);
      } finally {
        wipe(pskSecret);
      }
      byte[] key = KeySchedule.welcomeKey(suite, welcomeSecret);
      byte[] nonce = KeySchedule.welcomeNonce(suite, welcomeSecret);
      GroupInfo groupInfo;
      try {
        byte[] encoded = suite.open(key, nonce, new byte[0], welcome.encryptedGroupInfo());
        groupInfo = GroupInfo.decode(encoded);
        if (groupInfo.groupContext().cipherSuite() != id) {
          throw new MlsException(
              MlsException.Reason.INVALID, "the GroupInfo is for another cipher suite");
        }
      } catch (MlsException | RuntimeException e) {
        wipe(welcomeSecret);
        throw e;
      } finally {
        wipe(key, nonce);
      }
      return new Opened(secrets, groupInfo, welcomeSecret);
    } catch (MlsException | RuntimeException e) {
      wipeSecrets(secrets);
      throw e;
    }
  }

  /** KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) (§5.2). */
  public static byte[] keyPackageRef(Suite suite, KeyPackage keyPackage) {
    return suite.refHash(KEY_PACKAGE_REF_LABEL, keyPackage.toBytes());
  }

  /** §12.4.3.1: at most one resumption PSK with usage reinit or branch. */
  private static void checkPsks(List<PreSharedKeyId> psks) throws MlsException {
    int special = 0;
    for (PreSharedKeyId p : psks) {
      if (p.pskType() == PreSharedKeyId.RESUMPTION
          && (p.usage() == PreSharedKeyId.USAGE_REINIT
              || p.usage() == PreSharedKeyId.USAGE_BRANCH)) {
        special++;
      }
    }
    if (special > 1) {
      throw new MlsException(
          MlsException.Reason.INVALID, "more than one reinit or branch PSK in a Welcome");
    }
  }

  /** Overwrites the joiner and path secrets a joiner decrypted, once its state holds its own. */
  static void wipeSecrets(GroupSecrets s) {
    wipe(s.joinerSecret());
    if (s.pathSecret() != null) {
      wipe(s.pathSecret().pathSecret());
    }
  }

  private static void wipe(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }
}
