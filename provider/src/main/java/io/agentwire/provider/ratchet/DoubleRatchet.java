package io.agentwire.provider.ratchet;

import io.agentwire.provider.internal.EngineLookup;
import io.agentwire.provider.x3dh.X3dh;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.PublicKey;
import java.util.Objects;

/**
 * The Double Ratchet (Signal's "The Double Ratchet Algorithm", revision 1) as a JCA engine class,
 * in the manner of {@link javax.crypto.KeyAgreement}: it starts {@link RatchetSession}s from a
 * shared secret, typically the output of {@link X3dh}, and restores serialized ones.
 *
 * <pre>{@code
 * DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE);
 * RatchetSession alice = dr.initInitiator(secret, bobRatchetPublicKey, associatedData);
 * RatchetSession bob = dr.initResponder(secret, bobRatchetKeyPair, associatedData);
 * byte[] wire = alice.encrypt(plaintext);
 * byte[] back = bob.decrypt(wire);
 * }</pre>
 *
 * <p>Profiles (the algorithm names), all over one ratchet implementation with an X25519 DH ratchet,
 * KDF_RK = HKDF-SHA256 and KDF_CK = HMAC-SHA256 (constants 0x01 and 0x02) as section 5.2
 * recommends:
 *
 * <ul>
 *   <li>{@value #DEFAULT_PROFILE}: ChaCha20-Poly1305 per message, header and associated data
 *       authenticated; a 32-byte shared secret.
 *   <li>{@value #HEADER_ENCRYPTED_PROFILE}: the same with header encryption (section 4), so an
 *       observer does not see ratchet keys or message numbers; the 32-byte shared secret also
 *       yields the two initial header keys.
 *   <li>{@value #SIGNAL_V3_PROFILE}: Signal's version-3 message format and labels
 *       ("WhisperRatchet", "WhisperMessageKeys", AES-256-CBC with an HMAC-SHA256 truncated to 8
 *       bytes), to talk to libsignal; a 64-byte shared secret (root key and chain key from X3DH's
 *       "WhisperText"), and associated data that is the two 33-byte encoded identity keys,
 *       initiator's first.
 * </ul>
 *
 * <p>The wire and state formats are in {@code docs/RATCHET.md}. Thread-safe for making sessions;
 * each session is not.
 */
public final class DoubleRatchet {

  /** The JCA service type under which providers register Double Ratchet profiles. */
  public static final String SERVICE_TYPE = "DoubleRatchet";

  /** X25519, HKDF-SHA256, HMAC-SHA256 chains, ChaCha20-Poly1305 per message. */
  public static final String DEFAULT_PROFILE = "X25519_SHA256_ChaChaPoly";

  /** {@link #DEFAULT_PROFILE} with header encryption (specification section 4). */
  public static final String HEADER_ENCRYPTED_PROFILE = "X25519_SHA256_ChaChaPoly_HE";

  /** Signal protocol version 3 compatibility (libsignal's SignalMessage format). */
  public static final String SIGNAL_V3_PROFILE = "SignalV3";

  /** Default MAX_SKIP: message keys one message may make us skip and store. */
  public static final int DEFAULT_MAX_SKIP = 1000;

  /** Default bound on stored skipped-message keys; the oldest are evicted beyond it. */
  public static final int DEFAULT_MAX_STORED_KEYS = 2000;

  /** Largest MAX_SKIP and store bound accepted, so a session stays small. */
  public static final int LIMIT = 1 << 16;

  private final DoubleRatchetSpi spi;
  private final Provider provider;
  // One field, so a session made while another thread sets limits sees a consistent pair.
  private volatile Limits limits = new Limits(DEFAULT_MAX_SKIP, DEFAULT_MAX_STORED_KEYS);

  private record Limits(int maxSkip, int maxStoredKeys) {}

  private DoubleRatchet(DoubleRatchetSpi spi, Provider provider) {
    this.spi = spi;
    this.provider = provider;
  }

  /**
   * The profile {@code profile} from the most preferred installed provider that has it.
   *
   * @throws NoSuchAlgorithmException if no installed provider has it
   */
  public static DoubleRatchet getInstance(String profile) throws NoSuchAlgorithmException {
    Objects.requireNonNull(profile, "profile");
    EngineLookup.Found<DoubleRatchetSpi> found =
        EngineLookup.installed(SERVICE_TYPE, profile, DoubleRatchetSpi.class);
    if (found == null) {
      throw new NoSuchAlgorithmException(
          "no installed provider has Double Ratchet profile " + profile);
    }
    return new DoubleRatchet(found.spi(), found.provider());
  }

  /** The profile {@code profile} from the named provider. */
  public static DoubleRatchet getInstance(String profile, String provider)
      throws NoSuchAlgorithmException, NoSuchProviderException {
    return getInstance(profile, EngineLookup.installedProvider(provider));
  }

  /** The profile {@code profile} from {@code provider}, installed or not. */
  public static DoubleRatchet getInstance(String profile, Provider provider)
      throws NoSuchAlgorithmException {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(provider, "provider");
    DoubleRatchetSpi spi =
        EngineLookup.fromProvider(provider, SERVICE_TYPE, profile, DoubleRatchetSpi.class);
    if (spi == null) {
      throw new NoSuchAlgorithmException(
          "provider " + provider.getName() + " has no Double Ratchet profile " + profile);
    }
    return new DoubleRatchet(spi, provider);
  }

  /** The profile name. */
  public String getProfile() {
    return spi.engineGetProfile();
  }

  public Provider getProvider() {
    return provider;
  }

  /** The length in bytes the profile requires of the shared secret (32 or 64). */
  public int sharedSecretLength() {
    return spi.engineGetSecretLength();
  }

  /**
   * Sets MAX_SKIP and the bound on stored skipped-message keys for sessions made from now on (a
   * restored session keeps its own).
   *
   * @param maxSkip how many message keys one message may make us skip, 0 to {@link #LIMIT}
   * @param maxStoredKeys how many skipped keys are kept in all, at least {@code maxSkip}, at most
   *     {@link #LIMIT}; the oldest are evicted beyond it
   */
  public DoubleRatchet setLimits(int maxSkip, int maxStoredKeys) {
    if (maxSkip < 0 || maxSkip > LIMIT) {
      throw new IllegalArgumentException("maxSkip must be between 0 and " + LIMIT);
    }
    if (maxStoredKeys < maxSkip || maxStoredKeys > LIMIT) {
      throw new IllegalArgumentException(
          "maxStoredKeys must be between maxSkip and " + LIMIT + ", was " + maxStoredKeys);
    }
    this.limits = new Limits(maxSkip, maxStoredKeys);
    return this;
  }

  public int maxSkip() {
    return limits.maxSkip();
  }

  public int maxStoredKeys() {
    return limits.maxStoredKeys();
  }

  /**
   * Starts the session of the party who sends first (Alice, RatchetInitAlice of section 3.3).
   *
   * @param sharedSecret {@link #sharedSecretLength()} bytes agreed with the peer, such as {@link
   *     X3dh.Initiated#sharedSecret()}; copied, so the caller may wipe it
   * @param responderRatchetKey the responder's ratchet public key (X25519 from any provider), such
   *     as the signed prekey of its bundle
   * @param associatedData bound to every message (X3DH's AD); may be empty but not null
   * @throws java.security.InvalidKeyException if the key is not an X25519 key
   * @throws RatchetException {@code INVALID_KEY} if it is of small order
   */
  public RatchetSession initInitiator(
      byte[] sharedSecret, PublicKey responderRatchetKey, byte[] associatedData)
      throws GeneralSecurityException {
    checkSecret(sharedSecret);
    Objects.requireNonNull(responderRatchetKey, "responderRatchetKey");
    Objects.requireNonNull(associatedData, "associatedData");
    Limits l = limits;
    return spi.engineInitInitiator(
        sharedSecret, responderRatchetKey, associatedData.clone(), l.maxSkip(), l.maxStoredKeys());
  }

  /**
   * Starts the session of the party who receives first (Bob, RatchetInitBob of section 3.3). It can
   * send once the first message has arrived (in {@value #SIGNAL_V3_PROFILE}, at once).
   *
   * @param responderRatchetKeyPair the key pair whose public key the initiator used; the session
   *     keeps a copy of the private key and wipes it at the first DH ratchet step
   */
  public RatchetSession initResponder(
      byte[] sharedSecret, KeyPair responderRatchetKeyPair, byte[] associatedData)
      throws GeneralSecurityException {
    checkSecret(sharedSecret);
    Objects.requireNonNull(responderRatchetKeyPair, "responderRatchetKeyPair");
    Objects.requireNonNull(associatedData, "associatedData");
    Limits l = limits;
    return spi.engineInitResponder(
        sharedSecret,
        responderRatchetKeyPair,
        associatedData.clone(),
        l.maxSkip(),
        l.maxStoredKeys());
  }

  /**
   * Restores a session from {@link RatchetSession#serialize()}.
   *
   * @throws RatchetException {@code CORRUPT_STATE} if the bytes were altered or truncated, {@code
   *     UNSUPPORTED_VERSION} if they are of another format version or profile
   */
  public RatchetSession restore(byte[] serialized) throws GeneralSecurityException {
    Objects.requireNonNull(serialized, "serialized");
    return spi.engineRestore(serialized);
  }

  private void checkSecret(byte[] sharedSecret) {
    Objects.requireNonNull(sharedSecret, "sharedSecret");
    if (sharedSecret.length != sharedSecretLength()) {
      throw new IllegalArgumentException(
          getProfile()
              + " needs a "
              + sharedSecretLength()
              + "-byte shared secret, got "
              + sharedSecret.length
              + " bytes");
    }
  }
}
