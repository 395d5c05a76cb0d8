package io.agentwire.provider.ratchet;

import java.security.GeneralSecurityException;

/**
 * A ratchet or X3DH operation refused its input; {@link #reason()} says why in a form a program can
 * act on. A message that fails authentication is reported as {@link
 * javax.crypto.AEADBadTagException} instead, as every JCA cipher does. The message never contains
 * key material.
 */
public class RatchetException extends GeneralSecurityException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Reason {
    /** The bytes are not a well-formed message, bundle or initial message of this profile. */
    MALFORMED,
    /** The message was already decrypted (its key is gone) or is older than any key kept. */
    REPLAYED,
    /** Decrypting would skip more than the session's MAX_SKIP message keys. */
    TOO_MANY_SKIPPED,
    /** A message counter would exceed 2^32 - 1; the peer must send to advance the ratchet. */
    COUNTER_EXHAUSTED,
    /** A serialized session failed its integrity check or violates the format. */
    CORRUPT_STATE,
    /** A serialized session or message uses a format version or profile this engine lacks. */
    UNSUPPORTED_VERSION,
    /** A prekey bundle's signature does not verify under its identity key. */
    BAD_SIGNATURE,
    /** The peer's identity key is not the one expected. */
    WRONG_IDENTITY,
    /** The signed or one-time prekey named by an initial message is unknown here. */
    UNKNOWN_PREKEY,
    /** The one-time prekey named by an initial message was already consumed. */
    PREKEY_REUSED,
    /** A public key is malformed or of small order. */
    INVALID_KEY
  }

  private final Reason reason;

  public RatchetException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RatchetException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the operation was refused. */
  public Reason reason() {
    return reason;
  }
}
