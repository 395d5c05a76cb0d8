package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.hpke.HpkeException;
import io.agentwire.provider.hpke.HpkeKeyPair;
import io.agentwire.provider.hpke.HpkeSuite;
import java.security.SecureRandom;
import java.util.Arrays;

/** DHKEM(Group, KDF) of RFC 9180 §4.1. Stateless and thread-safe. */
public final class DhKem {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HpkeSuite.Kem kem;
  private final DhGroup group;
  private final Hkdf kdf;
  private final byte[] suiteId;

  private DhKem(HpkeSuite.Kem kem, DhGroup group, Hkdf kdf) {
    this.kem = kem;
    this.group = group;
    this.kdf = kdf;
    this.suiteId = new byte[] {'K', 'E', 'M', (byte) (kem.id() >> 8), (byte) kem.id()};
  }

  public static DhKem of(HpkeSuite.Kem kem) {
    switch (kem) {
      case DHKEM_X25519_HKDF_SHA256:
        return new DhKem(kem, new XecGroup(Primitive.X25519), Hkdf.of(HpkeSuite.Kdf.HKDF_SHA256));
      case DHKEM_X448_HKDF_SHA512:
        return new DhKem(kem, new XecGroup(Primitive.X448), Hkdf.of(HpkeSuite.Kdf.HKDF_SHA512));
      case DHKEM_P256_HKDF_SHA256:
        return new DhKem(
            kem, new EcGroup("secp256r1", "P-256", 32, 0xFF), Hkdf.of(HpkeSuite.Kdf.HKDF_SHA256));
      case DHKEM_P384_HKDF_SHA384:
        return new DhKem(
            kem, new EcGroup("secp384r1", "P-384", 48, 0xFF), Hkdf.of(HpkeSuite.Kdf.HKDF_SHA384));
      case DHKEM_P521_HKDF_SHA512:
        return new DhKem(
            kem, new EcGroup("secp521r1", "P-521", 66, 0x01), Hkdf.of(HpkeSuite.Kdf.HKDF_SHA512));
      default:
        throw new IllegalArgumentException(kem.name());
    }
  }

  public HpkeSuite.Kem kem() {
    return kem;
  }

  /** The KEM's shared secret and the encapsulated key. */
  public record Encapsulated(byte[] sharedSecret, byte[] enc) {
    @Override
    public String toString() {
      return "Encapsulated[enc only]";
    }
  }

  /** Encap(pkR) with a fresh ephemeral key. */
  public Encapsulated encap(byte[] recipientPublicKey) throws HpkeException {
    HpkeKeyPair e = generateKeyPair();
    byte[] skE = e.privateKey();
    try {
      return encap(recipientPublicKey, skE);
    } finally {
      Arrays.fill(skE, (byte) 0);
      e.destroy();
    }
  }

  /** Encap(pkR) with the given ephemeral private key: the deterministic form the vectors test. */
  public Encapsulated encap(byte[] recipientPublicKey, byte[] ephemeralPrivateKey)
      throws HpkeException {
    group.validatePublicKey(recipientPublicKey);
    byte[] enc = group.publicKey(ephemeralPrivateKey);
    byte[] dh = group.dh(ephemeralPrivateKey, recipientPublicKey);
    try {
      return new Encapsulated(extractAndExpand(dh, concat(enc, recipientPublicKey)), enc);
    } finally {
      Arrays.fill(dh, (byte) 0);
    }
  }

  /** Decap(enc, skR). */
  public byte[] decap(byte[] enc, byte[] recipientPrivateKey) throws HpkeException {
    byte[] dh = group.dh(recipientPrivateKey, enc);
    try {
      byte[] pkR = group.publicKey(recipientPrivateKey);
      return extractAndExpand(dh, concat(enc, pkR));
    } finally {
      Arrays.fill(dh, (byte) 0);
    }
  }

  private byte[] extractAndExpand(byte[] dh, byte[] kemContext) {
    byte[] eaePrk = kdf.labeledExtract(new byte[0], suiteId, "eae_prk", dh);
    try {
      return kdf.labeledExpand(eaePrk, suiteId, "shared_secret", kemContext, kem.secretLength());
    } finally {
      Arrays.fill(eaePrk, (byte) 0);
    }
  }

  /** DeriveKeyPair(ikm). */
  public HpkeKeyPair deriveKeyPair(byte[] ikm) throws HpkeException {
    byte[] dkpPrk = kdf.labeledExtract(new byte[0], suiteId, "dkp_prk", ikm);
    byte[] sk = null;
    try {
      sk = group.derivePrivateKey(kdf, suiteId, dkpPrk);
      return new HpkeKeyPair(group.publicKey(sk), sk);
    } finally {
      Arrays.fill(dkpPrk, (byte) 0);
      if (sk != null) {
        Arrays.fill(sk, (byte) 0);
      }
    }
  }

  /** GenerateKeyPair() as DeriveKeyPair(random(Nsk)), which RFC 9180 §7.1.3 allows. */
  public HpkeKeyPair generateKeyPair() {
    byte[] ikm = new byte[kem.privateKeyLength()];
    RANDOM.nextBytes(ikm);
    try {
      return deriveKeyPair(ikm);
    } catch (HpkeException e) {
      throw new IllegalStateException("DeriveKeyPair failed on random input", e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  public byte[] publicKey(byte[] privateKey) throws HpkeException {
    return group.publicKey(privateKey);
  }

  public void validatePublicKey(byte[] publicKey) throws HpkeException {
    group.validatePublicKey(publicKey);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
