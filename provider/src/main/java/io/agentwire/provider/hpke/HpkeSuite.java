package io.agentwire.provider.hpke;

import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * One HPKE cipher suite (RFC 9180 §7): a KEM, a KDF and an AEAD, by their registered identifiers,
 * with the lengths each one fixes. Its {@link #name()} is the algorithm name under which providers
 * register it, for example {@code DHKEM_X25519_HKDF_SHA256/HKDF_SHA256/CHACHA20_POLY1305}.
 *
 * <p>Immutable.
 */
public final class HpkeSuite {

  /** The KEMs of RFC 9180 §7.1. */
  public enum Kem {
    DHKEM_P256_HKDF_SHA256(0x0010, 32, 65, 65, 32),
    DHKEM_P384_HKDF_SHA384(0x0011, 48, 97, 97, 48),
    DHKEM_P521_HKDF_SHA512(0x0012, 64, 133, 133, 66),
    DHKEM_X25519_HKDF_SHA256(0x0020, 32, 32, 32, 32),
    DHKEM_X448_HKDF_SHA512(0x0021, 64, 56, 56, 56);

    private final int id;
    private final int secretLength;
    private final int encLength;
    private final int publicKeyLength;
    private final int privateKeyLength;

    Kem(int id, int secretLength, int encLength, int publicKeyLength, int privateKeyLength) {
      this.id = id;
      this.secretLength = secretLength;
      this.encLength = encLength;
      this.publicKeyLength = publicKeyLength;
      this.privateKeyLength = privateKeyLength;
    }

    /** The registered two-byte identifier. */
    public int id() {
      return id;
    }

    /** Nsecret: the length of the KEM shared secret. */
    public int secretLength() {
      return secretLength;
    }

    /** Nenc: the length of the encapsulated key. */
    public int encLength() {
      return encLength;
    }

    /** Npk: the length of a serialized public key. */
    public int publicKeyLength() {
      return publicKeyLength;
    }

    /** Nsk: the length of a serialized private key. */
    public int privateKeyLength() {
      return privateKeyLength;
    }

    /** The KEM with registered identifier {@code id}. */
    public static Kem of(int id) throws NoSuchAlgorithmException {
      for (Kem k : values()) {
        if (k.id == id) {
          return k;
        }
      }
      throw new NoSuchAlgorithmException("unknown HPKE KEM id 0x" + Integer.toHexString(id));
    }
  }

  /** The KDFs of RFC 9180 §7.2. */
  public enum Kdf {
    HKDF_SHA256(0x0001, 32),
    HKDF_SHA384(0x0002, 48),
    HKDF_SHA512(0x0003, 64);

    private final int id;
    private final int hashLength;

    Kdf(int id, int hashLength) {
      this.id = id;
      this.hashLength = hashLength;
    }

    public int id() {
      return id;
    }

    /** Nh: the hash output length. */
    public int hashLength() {
      return hashLength;
    }

    public static Kdf of(int id) throws NoSuchAlgorithmException {
      for (Kdf k : values()) {
        if (k.id == id) {
          return k;
        }
      }
      throw new NoSuchAlgorithmException("unknown HPKE KDF id 0x" + Integer.toHexString(id));
    }
  }

  /** The AEADs of RFC 9180 §7.3, and the export-only mode. */
  public enum Aead {
    AES_128_GCM(0x0001, 16, 12),
    AES_256_GCM(0x0002, 32, 12),
    CHACHA20_POLY1305(0x0003, 32, 12),
    EXPORT_ONLY(0xFFFF, 0, 0);

    private final int id;
    private final int keyLength;
    private final int nonceLength;

    Aead(int id, int keyLength, int nonceLength) {
      this.id = id;
      this.keyLength = keyLength;
      this.nonceLength = nonceLength;
    }

    public int id() {
      return id;
    }

    /** Nk. */
    public int keyLength() {
      return keyLength;
    }

    /** Nn. */
    public int nonceLength() {
      return nonceLength;
    }

    /** Nt: the tag length (0 for export-only). */
    public int tagLength() {
      return this == EXPORT_ONLY ? 0 : 16;
    }

    public static Aead of(int id) throws NoSuchAlgorithmException {
      for (Aead a : values()) {
        if (a.id == id) {
          return a;
        }
      }
      throw new NoSuchAlgorithmException("unknown HPKE AEAD id 0x" + Integer.toHexString(id));
    }
  }

  private final Kem kem;
  private final Kdf kdf;
  private final Aead aead;

  private HpkeSuite(Kem kem, Kdf kdf, Aead aead) {
    this.kem = Objects.requireNonNull(kem, "kem");
    this.kdf = Objects.requireNonNull(kdf, "kdf");
    this.aead = Objects.requireNonNull(aead, "aead");
  }

  public static HpkeSuite of(Kem kem, Kdf kdf, Aead aead) {
    return new HpkeSuite(kem, kdf, aead);
  }

  /** The suite with the registered identifiers. */
  public static HpkeSuite of(int kemId, int kdfId, int aeadId) throws NoSuchAlgorithmException {
    return new HpkeSuite(Kem.of(kemId), Kdf.of(kdfId), Aead.of(aeadId));
  }

  /** The suite named {@code KEM/KDF/AEAD} as {@link #name()} spells it (case-insensitive). */
  public static HpkeSuite parse(String name) throws NoSuchAlgorithmException {
    Objects.requireNonNull(name, "name");
    String[] parts = name.toUpperCase(Locale.ROOT).split("/", -1);
    if (parts.length != 3) {
      throw new NoSuchAlgorithmException("an HPKE suite is KEM/KDF/AEAD, not " + name);
    }
    try {
      return new HpkeSuite(Kem.valueOf(parts[0]), Kdf.valueOf(parts[1]), Aead.valueOf(parts[2]));
    } catch (IllegalArgumentException e) {
      throw new NoSuchAlgorithmException("unknown HPKE suite " + name);
    }
  }

  public Kem kem() {
    return kem;
  }

  public Kdf kdf() {
    return kdf;
  }

  public Aead aead() {
    return aead;
  }

  /** {@code KEM/KDF/AEAD}, the algorithm name providers register. */
  public String name() {
    return kem.name() + "/" + kdf.name() + "/" + aead.name();
  }

  /**
   * suite_id of the key schedule: "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id,
   * 2).
   */
  public byte[] suiteId() {
    return new byte[] {
      'H',
      'P',
      'K',
      'E',
      (byte) (kem.id >> 8),
      (byte) kem.id,
      (byte) (kdf.id >> 8),
      (byte) kdf.id,
      (byte) (aead.id >> 8),
      (byte) aead.id
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HpkeSuite s && s.kem == kem && s.kdf == kdf && s.aead == aead;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kem, kdf, aead);
  }

  @Override
  public String toString() {
    return name();
  }
}
