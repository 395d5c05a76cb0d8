package io.agentwire.provider.hpke;

import java.security.GeneralSecurityException;

/**
 * An HPKE operation refused its input or could not be done; {@link #reason()} says why in a form a
 * program can act on. The message never contains key material.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public class HpkeException extends GeneralSecurityException {

  private static final long serialVersionUID = 1L;

  /** What was wrong (the error classes of RFC 9180 §5). */
  public enum Reason {
    /** A ciphertext did not authenticate (OpenError). */
    DECRYPT_FAILED,
    /** A public key is not a valid encoding, or a DH result was all zeros (ValidationError). */
    INVALID_KEY,
    /** A private key is not a valid scalar of the KEM's group. */
    INVALID_PRIVATE_KEY,
    /** The context's sequence number would overflow (MessageLimitReachedError). */
    MESSAGE_LIMIT_REACHED,
    /** DeriveKeyPair found no valid key (DeriveKeyPairError), or the ikm is too short. */
    DERIVE_KEY_PAIR_FAILED,
    /** An export length is out of range, or a seal/open on an export-only context. */
    INVALID_ARGUMENT,
    /** The context was destroyed. */
    DESTROYED
  }

  private final Reason reason;

  public HpkeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public HpkeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the operation was refused. */
  public Reason reason() {
    return reason;
  }
}
