package io.agentwire.provider.x3dh;

import java.security.GeneralSecurityException;

/**
 * An X3DH operation refused its input: a prekey bundle, an initial message, a prekey the message
 * names, or a serialized responder or initiator; {@link #reason()} says why in a form a program can
 * act on. The message never contains key material.
 *
 * <p>Failures of the Double Ratchet keep the ratchet's types, also when an X3DH call runs the
 * ratchet: the ratchet message an initial message carries is decrypted by the session X3DH started,
 * so a message that fails authentication is a {@link javax.crypto.AEADBadTagException} and a
 * malformed or replayed ratchet message a {@link io.agentwire.provider.ratchet.RatchetException};
 * restoring an initiator whose X3DH blob is intact but whose ratchet session is refused throws the
 * ratchet's exception too.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public class X3dhException extends GeneralSecurityException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Reason {
    /** The bytes are not a well-formed prekey bundle or initial message of this profile. */
    MALFORMED,
    /** A serialized responder or initiator failed its integrity check or violates the format. */
    CORRUPT_STATE,
    /**
     * A serialized responder or initiator, or an initial message, uses a format version or profile
     * this engine lacks.
     */
    UNSUPPORTED_VERSION,
    /** A prekey bundle's signature does not verify under its identity key. */
    BAD_SIGNATURE,
    /** The peer's identity key is not the one expected. */
    WRONG_IDENTITY,
    /** The signed or one-time prekey named by an initial message is unknown here. */
    UNKNOWN_PREKEY,
    /** The one-time prekey named by an initial message was already consumed. */
    PREKEY_REUSED,
    /** A public key is of small order. */
    INVALID_KEY
  }

  private final Reason reason;

  public X3dhException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public X3dhException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the operation was refused. */
  public Reason reason() {
    return reason;
  }
}
