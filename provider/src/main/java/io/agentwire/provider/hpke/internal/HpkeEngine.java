package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeException;
import io.agentwire.provider.hpke.HpkeKeyPair;
import io.agentwire.provider.hpke.HpkeSpi;
import io.agentwire.provider.hpke.HpkeSuite;
import java.util.Arrays;

/** The provider's HPKE engine for one suite: DHKEM, HKDF and the key schedule of RFC 9180 §5.1. */
public final class HpkeEngine extends HpkeSpi {

  private static final byte MODE_BASE = 0x00;

  private final HpkeSuite suite;
  private final DhKem kem;
  private final Hkdf kdf;
  private final byte[] suiteId;

  public HpkeEngine(HpkeSuite suite) {
    this.suite = suite;
    this.kem = DhKem.of(suite.kem());
    this.kdf = Hkdf.of(suite.kdf());
    this.suiteId = suite.suiteId();
  }

  @Override
  protected HpkeSuite engineGetSuite() {
    return suite;
  }

  @Override
  protected Hpke.Sender engineSetupBaseS(byte[] recipientPublicKey, byte[] info)
      throws HpkeException {
    DhKem.Encapsulated e = kem.encap(recipientPublicKey);
    return keySchedule(e.sharedSecret(), e.enc(), info);
  }

  /**
   * SetupBaseS with a fixed ephemeral private key instead of a fresh one: only for known-answer
   * tests, since reusing an ephemeral key breaks HPKE's security.
   */
  public HpkeContextImpl setupBaseSWithEphemeral(
      byte[] recipientPublicKey, byte[] info, byte[] ephemeralPrivateKey) throws HpkeException {
    DhKem.Encapsulated e = kem.encap(recipientPublicKey, ephemeralPrivateKey);
    return keySchedule(e.sharedSecret(), e.enc(), info);
  }

  @Override
  protected Hpke.Recipient engineSetupBaseR(byte[] enc, byte[] recipientPrivateKey, byte[] info)
      throws HpkeException {
    byte[] shared = kem.decap(enc, recipientPrivateKey);
    return keySchedule(shared, enc.clone(), info);
  }

  private HpkeContextImpl keySchedule(byte[] sharedSecret, byte[] enc, byte[] info) {
    byte[] empty = new byte[0];
    byte[] pskIdHash = kdf.labeledExtract(empty, suiteId, "psk_id_hash", empty);
    byte[] infoHash = kdf.labeledExtract(empty, suiteId, "info_hash", info);
    byte[] context = new byte[1 + pskIdHash.length + infoHash.length];
    context[0] = MODE_BASE;
    System.arraycopy(pskIdHash, 0, context, 1, pskIdHash.length);
    System.arraycopy(infoHash, 0, context, 1 + pskIdHash.length, infoHash.length);
    byte[] secret = kdf.labeledExtract(sharedSecret, suiteId, "secret", empty);
    Arrays.fill(sharedSecret, (byte) 0);
    HpkeSuite.Aead aead = suite.aead();
    byte[] key = kdf.labeledExpand(secret, suiteId, "key", context, aead.keyLength());
    byte[] baseNonce =
        kdf.labeledExpand(secret, suiteId, "base_nonce", context, aead.nonceLength());
    byte[] exporterSecret = kdf.labeledExpand(secret, suiteId, "exp", context, kdf.hashLength());
    Arrays.fill(secret, (byte) 0);
    try {
      return new HpkeContextImpl(suite, kdf, enc, key, baseNonce, exporterSecret);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  protected HpkeKeyPair engineGenerateKeyPair() {
    return kem.generateKeyPair();
  }

  @Override
  protected HpkeKeyPair engineDeriveKeyPair(byte[] ikm) throws HpkeException {
    return kem.deriveKeyPair(ikm);
  }

  @Override
  protected byte[] enginePublicKey(byte[] privateKey) throws HpkeException {
    return kem.publicKey(privateKey);
  }

  @Override
  protected void engineValidatePublicKey(byte[] publicKey) throws HpkeException {
    kem.validatePublicKey(publicKey);
  }
}
