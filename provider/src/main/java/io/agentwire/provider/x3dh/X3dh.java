package io.agentwire.provider.x3dh;

import io.agentwire.provider.internal.EngineLookup;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.PublicKey;
import java.util.Objects;
import java.util.OptionalInt;
import javax.security.auth.Destroyable;

/**
 * X3DH, the Extended Triple Diffie-Hellman key agreement (Signal's X3DH specification, revision 1),
 * as a JCA engine class: it lets an agent start a {@link DoubleRatchet} conversation with a peer
 * that is offline, from the peer's published {@link PrekeyBundle}.
 *
 * <pre>{@code
 * // Bob, once: publish bundles
 * X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE);
 * X3dh.Responder bob = x3dh.newResponder(bobIdentity);     // an X25519 key pair
 * bob.addOneTimePrekeys(100);
 * byte[] published = bob.bundle().encode();
 *
 * // Alice, while Bob is offline
 * DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE);
 * X3dh.Initiated alice = x3dh.initiate(aliceIdentity, PrekeyBundle.decode(published), bobKey, dr);
 * byte[] first = alice.encrypt(hello);          // X3DH header + ratchet message
 *
 * // Bob, later
 * X3dh.Accepted accepted = bob.accept(first, dr);
 * accepted.plaintext();                          // hello
 * accepted.initiatorIdentity();                  // check it: X3DH authenticates, you decide whom
 * RatchetSession session = accepted.session();   // go on with the Double Ratchet
 * }</pre>
 *
 * <p>Profiles: {@value #DEFAULT_PROFILE} (X25519, HKDF-SHA256 with info
 * "AgentWire_X3DH_25519_SHA256", a 32-byte secret for {@link DoubleRatchet#DEFAULT_PROFILE} or its
 * header-encrypted variant) and {@value #SIGNAL_V3_PROFILE} (info "WhisperText", a 64-byte secret
 * for {@link DoubleRatchet#SIGNAL_V3_PROFILE}, and libsignal's {@code PreKeySignalMessage} as the
 * initial message). Both sign prekeys with XEdDSA under the X25519 identity key (one key for DH and
 * signatures, as Signal does), over {@code Encode(SPK)} = 0x05 followed by the key; AD = {@code
 * Encode(IK_A) || Encode(IK_B)}. The initial message formats are in {@code docs/RATCHET.md}.
 *
 * <p>X3DH's own failures are {@link X3dhException}s, whose {@link X3dhException#reason() reason} a
 * program can act on. The Double Ratchet's failures keep the ratchet's types when an X3DH call runs
 * the ratchet (decrypting the ratchet message an initial message carries, restoring the session
 * inside a serialized initiator): {@link javax.crypto.AEADBadTagException} for a message that does
 * not authenticate, {@link io.agentwire.provider.ratchet.RatchetException} otherwise.
 *
 * <p>Thread-safe; {@link Responder} is too.
 */
public final class X3dh {

  /** The JCA service type under which providers register X3DH profiles. */
  public static final String SERVICE_TYPE = "X3DH";

  /** X25519, SHA-256, AgentWire's initial message. */
  public static final String DEFAULT_PROFILE = "X25519_SHA256";

  /** libsignal version 3: "WhisperText", PreKeySignalMessage. */
  public static final String SIGNAL_V3_PROFILE = "SignalV3";

  private final X3dhSpi spi;
  private final Provider provider;

  private X3dh(X3dhSpi spi, Provider provider) {
    this.spi = spi;
    this.provider = provider;
  }

  /** The profile from the most preferred installed provider that has it. */
  public static X3dh getInstance(String profile) throws NoSuchAlgorithmException {
    Objects.requireNonNull(profile, "profile");
    EngineLookup.Found<X3dhSpi> found =
        EngineLookup.installed(SERVICE_TYPE, profile, X3dhSpi.class);
    if (found == null) {
      throw new NoSuchAlgorithmException("no installed provider has X3DH profile " + profile);
    }
    return new X3dh(found.spi(), found.provider());
  }

  /** The profile from the named provider. */
  public static X3dh getInstance(String profile, String provider)
      throws NoSuchAlgorithmException, NoSuchProviderException {
    return getInstance(profile, EngineLookup.installedProvider(provider));
  }

  /** The profile from {@code provider}, installed or not. */
  public static X3dh getInstance(String profile, Provider provider)
      throws NoSuchAlgorithmException {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(provider, "provider");
    X3dhSpi spi = EngineLookup.fromProvider(provider, SERVICE_TYPE, profile, X3dhSpi.class);
    if (spi == null) {
      throw new NoSuchAlgorithmException(
          "provider " + provider.getName() + " has no X3DH profile " + profile);
    }
    return new X3dh(spi, provider);
  }

  public String getProfile() {
    return spi.engineGetProfile();
  }

  public Provider getProvider() {
    return provider;
  }

  /** The length of the shared secret this profile makes, which the ratchet profile must take. */
  public int sharedSecretLength() {
    return spi.engineGetSecretLength();
  }

  /**
   * Alice's side (section 3.3): verifies the bundle, agrees on a secret with an ephemeral key, and
   * starts the initiator's ratchet session on it with the signed prekey as the responder's first
   * ratchet key.
   *
   * @param identity the initiator's X25519 identity key pair
   * @param expectedIdentity the responder's identity key as the caller knows it, or null to accept
   *     the bundle's (then check {@link Initiated#responderIdentity()} yourself)
   * @param ratchet a Double Ratchet profile whose secret length matches this profile's
   * @throws X3dhException {@code BAD_SIGNATURE} if the signed prekey's signature does not verify,
   *     {@code WRONG_IDENTITY} if the bundle's identity is not {@code expectedIdentity}, {@code
   *     INVALID_KEY} for a key of small order
   */
  public Initiated initiate(
      KeyPair identity, PrekeyBundle bundle, PublicKey expectedIdentity, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(bundle, "bundle");
    checkRatchet(ratchet);
    return spi.engineInitiate(identity, bundle, expectedIdentity, ratchet);
  }

  /**
   * Bob's side: a store of signed and one-time prekeys under {@code identity}, which publishes
   * bundles and accepts initial messages. It starts with one signed prekey and no one-time prekeys.
   */
  public Responder newResponder(KeyPair identity) throws GeneralSecurityException {
    Objects.requireNonNull(identity, "identity");
    return spi.engineNewResponder(identity);
  }

  /**
   * Restores an initiator from {@link Initiated#serialize()}: its ratchet session and the X3DH
   * header it still puts on messages until the responder answers.
   *
   * @param ratchet the Double Ratchet profile the session runs
   * @throws X3dhException {@code CORRUPT_STATE} if the bytes were altered or truncated, {@code
   *     UNSUPPORTED_VERSION} for another format version or profile
   * @throws io.agentwire.provider.ratchet.RatchetException as {@link DoubleRatchet#restore} throws
   *     for the session inside an intact blob
   */
  public Initiated restoreInitiated(byte[] serialized, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    Objects.requireNonNull(serialized, "serialized");
    checkRatchet(ratchet);
    return spi.engineRestoreInitiated(serialized, ratchet);
  }

  /**
   * Restores a responder from {@link Responder#serialize()}, so a restarted agent still accepts
   * initial messages made from the bundles it published.
   *
   * @throws X3dhException {@code CORRUPT_STATE} if the bytes were altered or truncated, {@code
   *     UNSUPPORTED_VERSION} for another format version or profile
   */
  public Responder restoreResponder(byte[] serialized) throws GeneralSecurityException {
    Objects.requireNonNull(serialized, "serialized");
    return spi.engineRestoreResponder(serialized);
  }

  /**
   * Decodes an initial message without acting on it, for example to route it by its sender's
   * identity.
   *
   * @throws X3dhException {@code MALFORMED} if it is not an initial message of this profile, {@code
   *     UNSUPPORTED_VERSION} for another version of the {@value #SIGNAL_V3_PROFILE} format
   */
  public InitialMessage parseInitialMessage(byte[] message) throws X3dhException {
    Objects.requireNonNull(message, "message");
    return spi.engineParseInitialMessage(message);
  }

  private void checkRatchet(DoubleRatchet ratchet) {
    Objects.requireNonNull(ratchet, "ratchet");
    if (ratchet.sharedSecretLength() != sharedSecretLength()) {
      throw new IllegalArgumentException(
          "X3DH profile "
              + getProfile()
              + " makes a "
              + sharedSecretLength()
              + "-byte secret; Double Ratchet profile "
              + ratchet.getProfile()
              + " takes "
              + ratchet.sharedSecretLength());
    }
  }

  /** The initiator's result: a ratchet session, and the header its first messages carry. */
  public interface Initiated {

    /** The initiator's ratchet session. */
    RatchetSession session();

    /** The identity key of the bundle the session was started from. */
    PublicKey responderIdentity();

    /**
     * Encrypts with {@link #session()}; until the responder has answered, the result is an initial
     * message (X3DH header plus ratchet message) so the responder can start its session from
     * whichever arrives first.
     */
    byte[] encrypt(byte[] plaintext) throws GeneralSecurityException;

    /** Decrypts with {@link #session()}. */
    byte[] decrypt(byte[] message) throws GeneralSecurityException;

    /**
     * The session and the X3DH header, for {@link X3dh#restoreInitiated}, so an initiator that
     * restarts before the answer still wraps its messages. Holds every secret of the session: store
     * it encrypted, and restore a given blob at most once.
     */
    byte[] serialize();
  }

  /** The responder's prekey store. Thread-safe. */
  public interface Responder extends Destroyable {

    PublicKey identityKey();

    /**
     * A bundle with the newest signed prekey and the next unpublished one-time prekey (none if all
     * were handed out: the X3DH specification allows it, at the cost of the replay protection and
     * extra forward secrecy a one-time prekey gives).
     */
    PrekeyBundle bundle() throws GeneralSecurityException;

    /**
     * Makes a new signed prekey the one bundles carry; the previous ones stay usable for initial
     * messages in flight, up to the last four.
     *
     * @return its id
     */
    int rotateSignedPrekey() throws GeneralSecurityException;

    /** Makes {@code count} one-time prekeys (at most 10,000 held at once); returns their ids. */
    int[] addOneTimePrekeys(int count);

    /** One-time prekeys not yet put in a bundle. */
    int unpublishedOneTimePrekeys();

    /**
     * Accepts an initial message: finds the prekeys it names, agrees on the secret, starts the
     * responder's ratchet session and decrypts the ratchet message in it. The one-time prekey is
     * consumed (deleted) only when that decryption succeeds, so a forged message cannot use it up.
     *
     * @throws X3dhException {@code UNKNOWN_PREKEY}, {@code PREKEY_REUSED} (a one-time prekey
     *     already consumed), {@code MALFORMED}, {@code UNSUPPORTED_VERSION}, {@code INVALID_KEY}
     * @throws javax.crypto.AEADBadTagException if the ratchet message does not decrypt, for example
     *     because the claimed identity key is not the sender's
     * @throws io.agentwire.provider.ratchet.RatchetException if the ratchet message is refused
     *     otherwise, as {@link RatchetSession#decrypt} throws
     */
    Accepted accept(byte[] initialMessage, DoubleRatchet ratchet) throws GeneralSecurityException;

    /**
     * The store in a versioned binary format (docs/RATCHET.md) for {@link X3dh#restoreResponder}.
     * It holds the identity private key and every prekey private key: store it encrypted, and
     * replace the stored copy after every {@link #accept} (an old copy would bring a consumed
     * one-time prekey back).
     */
    byte[] serialize();

    /** Wipes the identity key and every prekey; later calls throw {@link IllegalStateException}. */
    @Override
    void destroy();
  }

  /** The responder's result. */
  public interface Accepted {

    /** The responder's ratchet session, which can answer now. */
    RatchetSession session();

    /** The first message's plaintext. */
    byte[] plaintext();

    /**
     * The initiator's identity key, which X3DH proved; whether to trust it is the caller's call.
     */
    PublicKey initiatorIdentity();

    /**
     * Decrypts a later initial message of the same session: the initiator wraps every message until
     * it hears back, and any of them may arrive after the one that was accepted. Use {@link
     * #session()} directly for messages without the X3DH header.
     *
     * @throws X3dhException {@code UNKNOWN_PREKEY} if it carries another base key (another session:
     *     give it to {@link Responder#accept}), {@code WRONG_IDENTITY} if it names another
     *     initiator, {@code MALFORMED} if it is not an initial message of this profile
     * @throws GeneralSecurityException as {@link RatchetSession#decrypt} throws for the ratchet
     *     message it carries
     */
    byte[] decryptInitialMessage(byte[] initialMessage) throws GeneralSecurityException;
  }

  /**
   * A decoded initial message: the initiator's identity and ephemeral keys, the prekeys used, and
   * the ratchet message it carries.
   */
  public record InitialMessage(
      PublicKey identityKey,
      PublicKey ephemeralKey,
      int signedPrekeyId,
      OptionalInt oneTimePrekeyId,
      byte[] ratchetMessage) {

    public InitialMessage {
      Objects.requireNonNull(identityKey, "identityKey");
      Objects.requireNonNull(ephemeralKey, "ephemeralKey");
      Objects.requireNonNull(oneTimePrekeyId, "oneTimePrekeyId");
      ratchetMessage = ratchetMessage.clone();
    }

    @Override
    public byte[] ratchetMessage() {
      return ratchetMessage.clone();
    }
  }
}
