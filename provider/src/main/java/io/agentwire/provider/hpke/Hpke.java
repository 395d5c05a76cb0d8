package io.agentwire.provider.hpke;

import io.agentwire.provider.internal.EngineLookup;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * Hybrid Public Key Encryption (RFC 9180) in base mode, as a JCA-style engine class: one {@link
 * HpkeSuite} (KEM, KDF, AEAD) per instance.
 *
 * <pre>{@code
 * Hpke hpke = Hpke.getInstance("DHKEM_X25519_HKDF_SHA256/HKDF_SHA256/CHACHA20_POLY1305");
 * HpkeKeyPair bob = hpke.generateKeyPair();
 *
 * // sender
 * Hpke.Sealed sealed = hpke.seal(bob.publicKey(), info, aad, plaintext);
 * // recipient
 * byte[] pt = hpke.open(sealed.enc(), bob.privateKey(), info, aad, sealed.ciphertext());
 *
 * // or a context for several messages and exported secrets
 * Hpke.Sender s = hpke.setupBaseS(bob.publicKey(), info);
 * byte[] ct0 = s.seal(aad, m0);
 * byte[] k = s.export(exporterContext, 32);
 * }</pre>
 *
 * <p>Keys are byte strings in the KEM's serialization: {@link HpkeSuite.Kem#publicKeyLength()}
 * bytes for a public key (the uncompressed SEC1 point for the NIST curves, the RFC 7748
 * u-coordinate for X25519 and X448) and {@link HpkeSuite.Kem#privateKeyLength()} for a private key
 * (the big-endian scalar, or the RFC 7748 scalar). Failures are {@link HpkeException}s.
 *
 * <p>This object is thread-safe; contexts are not (each one holds a sequence number).
 */
public final class Hpke {

  /** The JCA service type under which providers register HPKE suites. */
  public static final String SERVICE_TYPE = "HPKE";

  private final HpkeSpi spi;
  private final Provider provider;

  private Hpke(HpkeSpi spi, Provider provider) {
    this.spi = spi;
    this.provider = provider;
  }

  /** The suite named {@code KEM/KDF/AEAD}, from the most preferred installed provider with it. */
  public static Hpke getInstance(String suite) throws NoSuchAlgorithmException {
    Objects.requireNonNull(suite, "suite");
    String name = HpkeSuite.parse(suite).name();
    EngineLookup.Found<HpkeSpi> found = EngineLookup.installed(SERVICE_TYPE, name, HpkeSpi.class);
    if (found == null) {
      throw new NoSuchAlgorithmException("no installed provider has HPKE suite " + name);
    }
    return new Hpke(found.spi(), found.provider());
  }

  /** The suite, from the most preferred installed provider with it. */
  public static Hpke getInstance(HpkeSuite suite) throws NoSuchAlgorithmException {
    return getInstance(Objects.requireNonNull(suite, "suite").name());
  }

  /** The suite with the registered identifiers, from the most preferred installed provider. */
  public static Hpke getInstance(int kemId, int kdfId, int aeadId) throws NoSuchAlgorithmException {
    return getInstance(HpkeSuite.of(kemId, kdfId, aeadId).name());
  }

  /** The suite from the named installed provider. */
  public static Hpke getInstance(String suite, String provider)
      throws NoSuchAlgorithmException, NoSuchProviderException {
    return getInstance(suite, EngineLookup.installedProvider(provider));
  }

  /** The suite from {@code provider}, installed or not. */
  public static Hpke getInstance(String suite, Provider provider) throws NoSuchAlgorithmException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(provider, "provider");
    String name = HpkeSuite.parse(suite).name();
    HpkeSpi spi = EngineLookup.fromProvider(provider, SERVICE_TYPE, name, HpkeSpi.class);
    if (spi == null) {
      throw new NoSuchAlgorithmException(
          "provider " + provider.getName() + " has no HPKE suite " + name);
    }
    return new Hpke(spi, provider);
  }

  /** The suite from {@code provider}, installed or not. */
  public static Hpke getInstance(HpkeSuite suite, Provider provider)
      throws NoSuchAlgorithmException {
    return getInstance(Objects.requireNonNull(suite, "suite").name(), provider);
  }

  public HpkeSuite getSuite() {
    return spi.engineGetSuite();
  }

  public Provider getProvider() {
    return provider;
  }

  /**
   * SetupBaseS(pkR, info) (RFC 9180 §5.1.1): encapsulates to {@code recipientPublicKey} with a
   * fresh ephemeral key.
   *
   * @throws HpkeException {@code INVALID_KEY} if the public key is not a valid encoding or the DH
   *     result is all zeros
   */
  public Sender setupBaseS(byte[] recipientPublicKey, byte[] info) throws HpkeException {
    Objects.requireNonNull(recipientPublicKey, "recipientPublicKey");
    return spi.engineSetupBaseS(recipientPublicKey, info == null ? new byte[0] : info);
  }

  /**
   * SetupBaseR(enc, skR, info) (RFC 9180 §5.1.1).
   *
   * @throws HpkeException {@code INVALID_KEY} if {@code enc} is not a valid public key or the DH
   *     result is all zeros, {@code INVALID_PRIVATE_KEY} for a private key out of range
   */
  public Recipient setupBaseR(byte[] enc, byte[] recipientPrivateKey, byte[] info)
      throws HpkeException {
    Objects.requireNonNull(enc, "enc");
    Objects.requireNonNull(recipientPrivateKey, "recipientPrivateKey");
    return spi.engineSetupBaseR(enc, recipientPrivateKey, info == null ? new byte[0] : info);
  }

  /** Single-shot Seal (RFC 9180 §6.1): a base-mode sender context and its first message. */
  public Sealed seal(byte[] recipientPublicKey, byte[] info, byte[] aad, byte[] plaintext)
      throws HpkeException {
    Objects.requireNonNull(plaintext, "plaintext");
    Sender s = setupBaseS(recipientPublicKey, info);
    try {
      return new Sealed(s.enc(), s.seal(aad, plaintext));
    } finally {
      s.destroy();
    }
  }

  /**
   * Single-shot Open (RFC 9180 §6.1).
   *
   * @throws HpkeException {@code DECRYPT_FAILED} if the ciphertext does not authenticate
   */
  public byte[] open(
      byte[] enc, byte[] recipientPrivateKey, byte[] info, byte[] aad, byte[] ciphertext)
      throws HpkeException {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Recipient r = setupBaseR(enc, recipientPrivateKey, info);
    try {
      return r.open(aad, ciphertext);
    } finally {
      r.destroy();
    }
  }

  /** Single-shot secret export, sender side (RFC 9180 §6.2): enc and the exported secret. */
  public Exported sendExport(
      byte[] recipientPublicKey, byte[] info, byte[] exporterContext, int length)
      throws HpkeException {
    Sender s = setupBaseS(recipientPublicKey, info);
    try {
      return new Exported(s.enc(), s.export(exporterContext, length));
    } finally {
      s.destroy();
    }
  }

  /** Single-shot secret export, recipient side (RFC 9180 §6.2). */
  public byte[] receiveExport(
      byte[] enc, byte[] recipientPrivateKey, byte[] info, byte[] exporterContext, int length)
      throws HpkeException {
    Recipient r = setupBaseR(enc, recipientPrivateKey, info);
    try {
      return r.export(exporterContext, length);
    } finally {
      r.destroy();
    }
  }

  /** GenerateKeyPair(): a fresh key pair of the suite's KEM. */
  public HpkeKeyPair generateKeyPair() {
    return spi.engineGenerateKeyPair();
  }

  /**
   * DeriveKeyPair(ikm) (RFC 9180 §7.1.3): deterministic, with the rejection sampling of the NIST
   * curves.
   *
   * @throws HpkeException {@code DERIVE_KEY_PAIR_FAILED} if no candidate was valid (a NIST curve,
   *     with probability below 2^-256)
   */
  public HpkeKeyPair deriveKeyPair(byte[] ikm) throws HpkeException {
    Objects.requireNonNull(ikm, "ikm");
    return spi.engineDeriveKeyPair(ikm);
  }

  /**
   * The serialized public key of a serialized private key.
   *
   * @throws HpkeException {@code INVALID_PRIVATE_KEY} if it is not a valid private key
   */
  public byte[] publicKey(byte[] privateKey) throws HpkeException {
    Objects.requireNonNull(privateKey, "privateKey");
    return spi.enginePublicKey(privateKey);
  }

  /**
   * DeserializePublicKey(pkXm) with validation: returns a copy of {@code publicKey} if it is a
   * valid public key of the KEM (the right length; for the NIST curves an uncompressed point on the
   * curve).
   *
   * @throws HpkeException {@code INVALID_KEY} otherwise
   */
  public byte[] deserializePublicKey(byte[] publicKey) throws HpkeException {
    Objects.requireNonNull(publicKey, "publicKey");
    spi.engineValidatePublicKey(publicKey);
    return publicKey.clone();
  }

  /** SerializePublicKey(pk) of a key pair: its public key bytes. */
  public byte[] serializePublicKey(HpkeKeyPair keyPair) {
    return keyPair.publicKey();
  }

  /** What both sides of a context can do: export secrets (RFC 9180 §5.3). */
  public interface Context extends Destroyable {

    /**
     * Context.Export(exporter_context, L).
     *
     * @throws HpkeException {@code INVALID_ARGUMENT} if {@code length} is not in 0..255*Nh
     */
    byte[] export(byte[] exporterContext, int length) throws HpkeException;

    /** The suite. */
    HpkeSuite suite();

    /** Wipes the key, nonce and exporter secret; later calls throw {@code DESTROYED}. */
    @Override
    void destroy();
  }

  /** A sender's context. */
  public interface Sender extends Context {

    /** The encapsulated key to send to the recipient. */
    byte[] enc();

    /**
     * Context.Seal(aad, pt): encrypts under the next sequence number.
     *
     * @throws HpkeException {@code MESSAGE_LIMIT_REACHED} when the sequence number is exhausted,
     *     {@code INVALID_ARGUMENT} for an export-only suite
     */
    byte[] seal(byte[] aad, byte[] plaintext) throws HpkeException;
  }

  /** A recipient's context. */
  public interface Recipient extends Context {

    /**
     * Context.Open(aad, ct): decrypts under the next sequence number, which advances only when the
     * ciphertext authenticates.
     *
     * @throws HpkeException {@code DECRYPT_FAILED} if it does not
     */
    byte[] open(byte[] aad, byte[] ciphertext) throws HpkeException;
  }

  /** A single-shot seal's result. */
  public record Sealed(byte[] enc, byte[] ciphertext) {
    public Sealed {
      enc = enc.clone();
      ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] enc() {
      return enc.clone();
    }

    @Override
    public byte[] ciphertext() {
      return ciphertext.clone();
    }
  }

  /** A single-shot sender export's result; {@link #toString()} leaves the secret out. */
  public record Exported(byte[] enc, byte[] secret) {
    @Override
    public String toString() {
      return "Exported[enc only]";
    }
  }
}
