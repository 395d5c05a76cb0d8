package io.agentwire.provider.ratchet;

import java.security.GeneralSecurityException;

/**
 * A Double Ratchet operation refused its input; {@link #reason()} says why in a form a program can
 * act on. A message that fails authentication is reported as {@link
 * javax.crypto.AEADBadTagException} instead, as every JCA cipher does. The message never contains
 * key material. X3DH reports its own failures (bundles, initial messages, prekeys) as {@link
 * io.agentwire.provider.x3dh.X3dhException}; the ratchet message an initial message carries is
 * still the ratchet's, and fails with this type.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public class RatchetException extends GeneralSecurityException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Reason {
    /** The bytes are not a well-formed message of this profile. */
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
    /** A public key or the associated data is malformed, or a public key of small order. */
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
