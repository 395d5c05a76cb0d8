package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The secrets of one MLS epoch (RFC 9420 §8, Table 4), derived once by {@link KeySchedule}: the
 * joiner and welcome secrets a committer needs for its Welcome, the secrets each layer draws on
 * (sender data and encryption for {@link SecretTree} and framing, exporter, external, confirmation,
 * membership, resumption), the epoch authenticator and the next epoch's init secret. The epoch
 * secret itself is deleted as soon as these are derived.
 *
 * <p>Immutable apart from {@link #destroy()}, which overwrites every secret with zeros; afterwards
 * every accessor throws {@link IllegalStateException}. Safe to share between threads (accessors
 * return fresh copies; a {@code destroy()} racing an accessor is the caller's mistake). {@link
 * #toString()} never shows a secret.
 */
public final class EpochSecrets implements Destroyable {

  private final Suite suite;
  private final byte[] joiner;
  private final byte[] welcome;
  private final byte[] senderData;
  private final byte[] encryption;
  private final byte[] exporter;
  private final byte[] external;
  private final byte[] confirmation;
  private final byte[] membership;
  private final byte[] resumption;
  private final byte[] epochAuthenticator;
  private final byte[] init;
  private volatile boolean destroyed;

  /** Takes ownership of the arrays. */
  EpochSecrets(
      Suite suite,
      byte[] joiner,
      byte[] welcome,
      byte[] senderData,
      byte[] encryption,
      byte[] exporter,
      byte[] external,
      byte[] confirmation,
      byte[] membership,
      byte[] resumption,
      byte[] epochAuthenticator,
      byte[] init) {
    this.suite = suite;
    this.joiner = joiner;
    this.welcome = welcome;
    this.senderData = senderData;
    this.encryption = encryption;
    this.exporter = exporter;
    this.external = external;
    this.confirmation = confirmation;
    this.membership = membership;
    this.resumption = resumption;
    this.epochAuthenticator = epochAuthenticator;
    this.init = init;
  }

  private byte[] copy(byte[] b) {
    if (destroyed) {
      throw new IllegalStateException("epoch secrets destroyed");
    }
    return b.clone();
  }

  private static final int SNAPSHOT_FORMAT = 1;

  /** Writes every secret, for a group snapshot (the encoding is secret). */
  public void write(io.agentwire.mls.internal.codec.TlsWriter w) {
    if (destroyed) {
      throw new IllegalStateException("epoch secrets destroyed");
    }
    w.u8(SNAPSHOT_FORMAT);
    for (byte[] b : all()) {
      w.opaque(b);
    }
  }

  /** Reads what {@link #write} wrote; every secret must be Nh bytes (MALFORMED). */
  public static EpochSecrets read(Suite suite, io.agentwire.mls.internal.codec.TlsReader r)
      throws io.agentwire.mls.MlsException {
    int format = r.u8();
    if (format != SNAPSHOT_FORMAT) {
      throw new io.agentwire.mls.MlsException(
          io.agentwire.mls.MlsException.Reason.UNSUPPORTED, "epoch secrets format " + format);
    }
    byte[][] s = new byte[11][];
    for (int i = 0; i < s.length; i++) {
      s[i] = r.opaque(suite.hashLength());
      if (s[i].length != suite.hashLength()) {
        throw new io.agentwire.mls.MlsException(
            io.agentwire.mls.MlsException.Reason.MALFORMED, "epoch secret length");
      }
    }
    return new EpochSecrets(
        suite, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10]);
  }

  /** The cipher suite these secrets belong to. */
  public Suite suite() {
    return suite;
  }

  /** joiner_secret: what a committer encrypts to new members in GroupSecrets (§12.4.3.1). */
  public byte[] joinerSecret() {
    return copy(joiner);
  }

  /** welcome_secret = DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome"). */
  public byte[] welcomeSecret() {
    return copy(welcome);
  }

  /** sender_data_secret: keys the sender data of PrivateMessages (§6.3.2). */
  public byte[] senderDataSecret() {
    return copy(senderData);
  }

  /** encryption_secret: the root of this epoch's {@link SecretTree} (§9). */
  public byte[] encryptionSecret() {
    return copy(encryption);
  }

  /** exporter_secret (§8.5); prefer {@link #export}. */
  public byte[] exporterSecret() {
    return copy(exporter);
  }

  /** external_secret: the seed of the external key pair (§8.3). */
  public byte[] externalSecret() {
    return copy(external);
  }

  /** confirmation_key (§6.1). */
  public byte[] confirmationKey() {
    return copy(confirmation);
  }

  /** membership_key (§6.2). */
  public byte[] membershipKey() {
    return copy(membership);
  }

  /** resumption_psk (§8.6). */
  public byte[] resumptionPsk() {
    return copy(resumption);
  }

  /** epoch_authenticator (§8.7): not secret from the group, but equal only among its members. */
  public byte[] epochAuthenticator() {
    return copy(epochAuthenticator);
  }

  /** init_secret: the next epoch's input (§8). */
  public byte[] initSecret() {
    return copy(init);
  }

  /**
   * MLS-Exporter(label, context, length) = ExpandWithLabel(DeriveSecret(exporter_secret, label),
   * "exported", Hash(context), length) (§8.5).
   *
   * @throws MlsException LIMIT_EXCEEDED if {@code length} is negative or above 255 * Nh, the most
   *     KDF.Expand can produce (and no more than a uint16 can say)
   */
  public byte[] export(byte[] label, byte[] context, int length) throws MlsException {
    if (length < 0 || length > Math.min(0xffff, 255 * suite.hashLength())) {
      throw new MlsException(
          MlsException.Reason.LIMIT_EXCEEDED, "exporter length " + length + " out of range");
    }
    byte[] secret = copy(exporter);
    byte[] derived = Labels.deriveSecret(suite, secret, label);
    try {
      return Labels.expandWithLabel(
          suite,
          derived,
          "exported".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          suite.hash(context),
          length);
    } finally {
      Labels.wipe(secret, derived);
    }
  }

  /** {@link #export(byte[], byte[], int)} with the label's UTF-8 bytes. */
  public byte[] export(String label, byte[] context, int length) throws MlsException {
    return export(label.getBytes(java.nio.charset.StandardCharsets.UTF_8), context, length);
  }

  /** The external key pair, KEM.DeriveKeyPair(external_secret) (§8.3). */
  public Suite.KeyPair externalKeyPair() throws MlsException {
    byte[] secret = copy(external);
    try {
      return suite.deriveHpkeKeyPair(secret);
    } finally {
      Labels.wipe(secret);
    }
  }

  /** confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash) (§6.1). */
  public byte[] confirmationTag(byte[] confirmedTranscriptHash) {
    byte[] key = copy(confirmation);
    try {
      return suite.mac(key, confirmedTranscriptHash);
    } finally {
      Labels.wipe(key);
    }
  }

  /**
   * Whether {@code tag} is this epoch's confirmation tag for the hash, compared in constant time.
   */
  public boolean verifyConfirmationTag(byte[] confirmedTranscriptHash, byte[] tag) {
    byte[] key = copy(confirmation);
    try {
      return suite.verifyMac(key, confirmedTranscriptHash, tag);
    } finally {
      Labels.wipe(key);
    }
  }

  /** A fresh {@link SecretTree} over this epoch's encryption_secret. */
  public SecretTree secretTree(int leafCount, SecretTree.Limits limits) throws MlsException {
    byte[] secret = copy(encryption);
    try {
      return new SecretTree(suite, secret, leafCount, limits);
    } finally {
      Labels.wipe(secret);
    }
  }

  /** Every secret, in the snapshot order. */
  private byte[][] all() {
    return new byte[][] {
      joiner,
      welcome,
      senderData,
      encryption,
      exporter,
      external,
      confirmation,
      membership,
      resumption,
      epochAuthenticator,
      init
    };
  }

  @Override
  public void destroy() {
    destroyed = true;
    for (byte[] b : all()) {
      Arrays.fill(b, (byte) 0);
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "EpochSecrets[" + suite.suite() + (destroyed ? ", destroyed]" : "]");
  }
}
