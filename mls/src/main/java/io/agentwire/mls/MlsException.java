package io.agentwire.mls;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Why an MLS operation refused its input or could not be done. Every failure on received data is
 * one of these, with a {@link Reason}; the group state it was applied to is unchanged.
 *
 * <p>Messages name what was wrong (a field, a rule of RFC 9420) and never contain key material.
 */
public class MlsException extends GeneralSecurityException {

  private static final long serialVersionUID = 1L;

  /** The class of failure, for callers that react differently to each. */
  public enum Reason {
    /** The bytes are not a valid TLS encoding of the expected structure (RFC 9420 §2.1). */
    MALFORMED,
    /** A length, count or generation exceeds the bound this implementation enforces. */
    LIMIT_EXCEEDED,
    /** A signature, MAC or confirmation tag does not verify. */
    BAD_SIGNATURE,
    /** AEAD or HPKE decryption failed. */
    DECRYPT_FAILED,
    /** The message belongs to another group, or to an epoch this member does not hold. */
    WRONG_EPOCH,
    /** A leaf node, tree, proposal list or commit breaks a validation rule of §7, §12 or §13. */
    INVALID,
    /** The caller's policy (the Authentication Service) refused a credential or a member. */
    POLICY_REJECTED,
    /** A cipher suite, version, extension or credential type this implementation cannot use. */
    UNSUPPORTED,
    /** The operation is not allowed in the current state (for example, a pending commit). */
    STATE,
    /** This member has been removed from the group. */
    REMOVED,
    /** A secret for this generation was already used or deleted (forward secrecy). */
    SECRET_CONSUMED
  }

  private final Reason reason;

  public MlsException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public MlsException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The class of failure. */
  public Reason reason() {
    return reason;
  }
}
