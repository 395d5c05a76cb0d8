package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.shared.internal.Hmac;
import java.security.GeneralSecurityException;

/**
 * What differs between Double Ratchet profiles: the root-key KDF's label, how the shared secret
 * seeds the first keys, and the per-message encryption and wire format. The ratchet itself ({@link
 * RatchetState}) is the same for all. Implementations are stateless and thread-safe; per-session
 * scratch objects are passed in.
 */
public abstract class RatchetProfile {

  /** A decoded header: the sender's ratchet public key (raw 32 bytes), PN and N. */
  public record Header(byte[] dh, long pn, long n) {}

  /**
   * A message split into its parts. {@code header} is null when it is encrypted (header-encryption
   * profile) until {@link #openHeader} succeeds.
   */
  public record Parsed(byte[] message, Header header) {}

  /** The first keys from the shared secret: root key, optional chain key, optional header keys. */
  public record InitialKeys(
      byte[] rootKey, byte[] chainKey, byte[] headerKeyA, byte[] nextHeaderKeyB) {}

  public abstract String name();

  /** The profile's identifier in serialized sessions. */
  public abstract int id();

  public abstract int secretLength();

  public abstract boolean headerEncryption();

  public abstract InitialKeys initialKeys(Hmac hmac, byte[] sharedSecret);

  /**
   * KDF_RK (KDF_RK_HE): from the root key and a DH output, the next root key, a chain key and (for
   * header encryption) the next header key, each 32 bytes.
   */
  public abstract void kdfRk(
      Hmac hmac,
      byte[] rootKey,
      byte[] dhOutput,
      byte[] rootOut,
      byte[] chainOut,
      byte[] headerOut);

  /**
   * Encrypts {@code plaintext} under message key {@code mk} with {@code header}.
   *
   * @param headerKey HKs in the header-encryption profile, else null
   * @param senderIsInitiator which way the message goes, for profiles whose authentication orders
   *     the parties by role
   */
  public abstract byte[] seal(
      Session session,
      byte[] mk,
      Header header,
      byte[] headerKey,
      byte[] plaintext,
      byte[] associatedData,
      boolean senderIsInitiator)
      throws GeneralSecurityException;

  /**
   * How many messages the sender's previous sending chain held, from a header's PN: the receiver
   * keeps the keys of those it has not yet received. The specification's PN is that number.
   */
  public long previousChainLength(long pn) {
    return pn;
  }

  /**
   * The least {@link #previousChainLength} can be, for profiles whose PN does not say it exactly;
   * keys beyond it are not worth refusing a message for when they would exceed MAX_SKIP.
   */
  public long minimumPreviousChainLength(long pn) {
    return pn;
  }

  /**
   * Refuses associated data this profile cannot use, when a session starts and when one is
   * restored; every associated data is fine by default.
   */
  public void checkAssociatedData(byte[] associatedData) throws RatchetException {}

  /** Splits a message, checking its framing; the header stays encrypted where it is. */
  public abstract Parsed parse(byte[] message) throws RatchetException;

  /** HDECRYPT: the header of {@code parsed} if {@code headerKey} opens it, else null. */
  public Header openHeader(Session session, byte[] headerKey, Parsed parsed) {
    return parsed.header();
  }

  /**
   * Authenticates and decrypts the body of {@code parsed} under message key {@code mk}.
   *
   * @throws javax.crypto.AEADBadTagException if it is not authentic
   */
  public abstract byte[] open(
      Session session, byte[] mk, Parsed parsed, byte[] associatedData, boolean senderIsInitiator)
      throws GeneralSecurityException;

  /** Per-session scratch objects a profile needs, made once per session. */
  public static final class Session {
    public final Hmac hmac = new Hmac(Primitive.SHA256);
    private AeadCipher aead;

    AeadCipher aead() {
      if (aead == null) {
        aead = Backends.newAead(Primitive.CHACHA20_POLY1305);
      }
      return aead;
    }

    private javax.crypto.Cipher aesCbc;

    /** AES/CBC/PKCS5Padding, made once: Cipher.getInstance costs more than a short message. */
    public javax.crypto.Cipher aesCbc() throws GeneralSecurityException {
      if (aesCbc == null) {
        aesCbc = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
      }
      return aesCbc;
    }

    /**
     * Drops the cipher objects' copies of the last message (or header) key, so a session at rest
     * holds no key of a message it has already sent or read. The JDK's AES object is re-keyed with
     * zeros; the AEAD is destroyed and made again for the next message.
     */
    public void forgetKeys() {
      if (aead != null) {
        aead.destroy();
        aead = null;
      }
      if (aesCbc != null) {
        try {
          aesCbc.init(
              javax.crypto.Cipher.ENCRYPT_MODE,
              new javax.crypto.spec.SecretKeySpec(new byte[32], "AES"),
              new javax.crypto.spec.IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
          aesCbc = null;
        }
      }
    }

    void destroy() {
      forgetKeys();
      hmac.destroy();
    }
  }
}
