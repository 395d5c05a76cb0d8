package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.x3dh.X3dhException;
import java.util.OptionalInt;

/**
 * What differs between X3DH profiles: the name, the length of the shared secret and the KDF's info
 * label, the initial message's wire format, and the id serialized responders and initiators carry.
 * The key agreement itself ({@link X3dhKdf}), the prekey store and the blob formats are the same
 * for all. The default profile is {@link DefaultX3dhProfile}; Signal v3 compatibility plugs in its
 * own from {@code io.agentwire.provider.signal.internal}, through the provider's wiring, so X3DH
 * never names it. Implementations are stateless and thread-safe.
 */
public abstract class X3dhProfile {

  /**
   * An initial message's fields, keys as raw 32-byte X25519 public keys; {@link
   * #parseInitialMessage} returns them and {@link #encodeInitialMessage} takes them.
   */
  public record InitialMessageFields(
      byte[] identity,
      byte[] ephemeral,
      int signedPrekeyId,
      OptionalInt oneTimePrekeyId,
      byte[] ratchetMessage) {}

  /** The JCA algorithm name. */
  public abstract String name();

  /** Bytes of the shared secret, which the Double Ratchet profile must take. */
  public abstract int secretLength();

  /** The HKDF info of the key agreement (a fresh array). */
  public abstract byte[] kdfInfo();

  /** The profile's identifier in serialized responders and initiators. */
  public abstract int blobId();

  /** The initial message: the X3DH header the initiator puts before the ratchet message. */
  public abstract byte[] encodeInitialMessage(InitialMessageFields fields);

  /**
   * Decodes an initial message, refusing a second encoding of one (a key with bit 255 set).
   *
   * @throws X3dhException {@code MALFORMED} if it is not an initial message of this profile, or
   *     {@code UNSUPPORTED_VERSION} for another version of its format
   */
  public abstract InitialMessageFields parseInitialMessage(byte[] message) throws X3dhException;

  /** X3DH's {@code MALFORMED}, for profiles to refuse what does not parse. */
  protected static X3dhException malformed(String why) {
    return new X3dhException(X3dhException.Reason.MALFORMED, why);
  }
}
