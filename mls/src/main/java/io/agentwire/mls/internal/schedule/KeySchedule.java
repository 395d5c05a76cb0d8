package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The MLS key schedule (RFC 9420 §8, Figure 22): from the previous epoch's init_secret, the
 * commit_secret, the psk_secret and the new epoch's serialized GroupContext it derives the new
 * epoch's {@link EpochSecrets}. A member that joins from a Welcome starts from the joiner_secret
 * instead ({@link #fromJoiner}); an external committer starts from an init_secret exported from
 * HPKE ({@link #externalInitSender}, §8.3).
 *
 * <pre>
 *   joiner_secret = ExpandWithLabel(Extract(init_secret, commit_secret), "joiner", GroupContext, Nh)
 *   member_secret = Extract(joiner_secret, psk_secret)      welcome_secret = DeriveSecret(., "welcome")
 *   epoch_secret  = ExpandWithLabel(member_secret, "epoch", GroupContext, Nh)
 *   Table 4 secrets, init_secret = DeriveSecret(epoch_secret, label)
 * </pre>
 *
 * <p>Stateless and thread-safe. Inputs are never modified; intermediate secrets are wiped. An
 * absent commit_secret or psk_secret is the all-zero string of Nh bytes ({@link #zero}).
 */
public final class KeySchedule {

  /** The HPKE exporter context of the external init secret (§8.3). */
  static final byte[] EXTERNAL_INIT_LABEL =
      "MLS 1.0 external init secret".getBytes(StandardCharsets.US_ASCII);

  private KeySchedule() {}

  /*
   * Every secret argument must be exactly Nh bytes: anything else (a joiner_secret from a hostile
   * Welcome, say) is MALFORMED.
   */

  /** Nh zero bytes: the commit_secret or psk_secret when there is none, and the first init. */
  public static byte[] zero(Suite suite) {
    return new byte[suite.hashLength()];
  }

  /**
   * joiner_secret = ExpandWithLabel(KDF.Extract(init_secret, commit_secret), "joiner",
   * GroupContext_[n], KDF.Nh).
   */
  public static byte[] joinerSecret(
      Suite suite, byte[] initSecret, byte[] commitSecret, byte[] groupContext)
      throws MlsException {
    checkLength(suite, initSecret, "init_secret");
    checkLength(suite, commitSecret, "commit_secret");
    byte[] prk = suite.extract(initSecret, commitSecret);
    try {
      return suite.expandWithLabel(prk, "joiner", groupContext, suite.hashLength());
    } finally {
      Labels.wipe(prk);
    }
  }

  /**
   * A new epoch from the previous one: {@code initSecret} is the previous epoch's init_secret (or a
   * fresh random one for a new group, or the external init secret of §8.3), {@code groupContext}
   * the TLS encoding of the new epoch's GroupContext.
   */
  public static EpochSecrets fromInit(
      Suite suite, byte[] initSecret, byte[] commitSecret, byte[] pskSecret, byte[] groupContext)
      throws MlsException {
    byte[] joiner = joinerSecret(suite, initSecret, commitSecret, groupContext);
    try {
      return fromJoiner(suite, joiner, pskSecret, groupContext);
    } finally {
      Labels.wipe(joiner);
    }
  }

  /**
   * A new epoch from the joiner_secret, as a member joining from a Welcome derives it (§12.4.3.1);
   * {@code groupContext} is the GroupInfo's GroupContext encoded.
   */
  public static EpochSecrets fromJoiner(
      Suite suite, byte[] joinerSecret, byte[] pskSecret, byte[] groupContext) throws MlsException {
    Objects.requireNonNull(groupContext, "groupContext");
    checkLength(suite, joinerSecret, "joiner_secret");
    checkLength(suite, pskSecret, "psk_secret");
    int nh = suite.hashLength();
    byte[] member = suite.extract(joinerSecret, pskSecret);
    byte[] welcome = suite.deriveSecret(member, "welcome");
    byte[] epoch = suite.expandWithLabel(member, "epoch", groupContext, nh);
    try {
      return new EpochSecrets(
          suite,
          joinerSecret.clone(),
          welcome,
          suite.deriveSecret(epoch, "sender data"),
          suite.deriveSecret(epoch, "encryption"),
          suite.deriveSecret(epoch, "exporter"),
          suite.deriveSecret(epoch, "external"),
          suite.deriveSecret(epoch, "confirm"),
          suite.deriveSecret(epoch, "membership"),
          suite.deriveSecret(epoch, "resumption"),
          suite.deriveSecret(epoch, "authentication"),
          suite.deriveSecret(epoch, "init"));
    } finally {
      Labels.wipe(member, epoch);
    }
  }

  /**
   * welcome_secret from a joiner_secret and psk_secret, for a new member that must decrypt the
   * GroupInfo before it knows the GroupContext (§12.4.3.1).
   */
  public static byte[] welcomeSecret(Suite suite, byte[] joinerSecret, byte[] pskSecret)
      throws MlsException {
    checkLength(suite, joinerSecret, "joiner_secret");
    checkLength(suite, pskSecret, "psk_secret");
    byte[] member = suite.extract(joinerSecret, pskSecret);
    try {
      return suite.deriveSecret(member, "welcome");
    } finally {
      Labels.wipe(member);
    }
  }

  /** welcome_key = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk) (§12.4.3.1). */
  public static byte[] welcomeKey(Suite suite, byte[] welcomeSecret) {
    return suite.expandWithLabel(welcomeSecret, "key", new byte[0], suite.aeadKeyLength());
  }

  /** welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn) (§12.4.3.1). */
  public static byte[] welcomeNonce(Suite suite, byte[] welcomeSecret) {
    return suite.expandWithLabel(welcomeSecret, "nonce", new byte[0], suite.aeadNonceLength());
  }

  /**
   * The external committer's side of §8.3: SetupBaseS(external_pub, "") and export "MLS 1.0
   * external init secret" of Nh bytes. Returns the kem_output for the ExternalInit proposal and the
   * init_secret to pass to {@link #fromInit}.
   */
  public static Suite.HpkeExported externalInitSender(Suite suite, byte[] externalPub)
      throws MlsException {
    return suite.exportSender(
        externalPub, new byte[0], EXTERNAL_INIT_LABEL.clone(), suite.hashLength());
  }

  /**
   * The members' side of §8.3: the init_secret from an ExternalInit's kem_output and this epoch's
   * external private key ({@link EpochSecrets#externalKeyPair()}).
   */
  public static byte[] externalInitReceiver(Suite suite, byte[] externalPriv, byte[] kemOutput)
      throws MlsException {
    return suite.exportReceiver(
        externalPriv, kemOutput, new byte[0], EXTERNAL_INIT_LABEL.clone(), suite.hashLength());
  }

  private static void checkLength(Suite suite, byte[] secret, String what) throws MlsException {
    Objects.requireNonNull(secret, what);
    if (secret.length != suite.hashLength()) {
      throw new MlsException(
          MlsException.Reason.MALFORMED,
          what + " must be Nh = " + suite.hashLength() + " bytes, not " + secret.length);
    }
  }
}
