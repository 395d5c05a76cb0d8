package io.agentwire.provider.noise;

import java.security.GeneralSecurityException;

/**
 * A Noise message or state was refused: a message of the wrong length, over the 65535-byte limit,
 * or a nonce space exhausted; {@link #reason()} says which in a form a program can act on, so
 * callers never parse the message. Authentication failures are reported as {@link
 * javax.crypto.AEADBadTagException} and unusable public keys as {@link
 * java.security.InvalidKeyException} instead, so callers can tell the three apart. Messages never
 * contain key material.
 */
public class NoiseException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** What was wrong (Noise revision 34, sections 3, 5.1 and 11.3). */
  public enum Reason {
    /**
     * A handshake or transport message is longer than 65535 bytes, the Noise message limit (section
     * 3).
     */
    MESSAGE_TOO_LONG,
    /**
     * A handshake message is shorter than its pattern's keys and tags need, or a transport message
     * is shorter than its 16-byte authentication tag.
     */
    MESSAGE_TOO_SHORT,
    /**
     * The nonce reached 2^64-1, which is reserved (section 5.1): this cipher state can send or
     * receive no more; start a new handshake.
     */
    NONCE_EXHAUSTED
  }

  private final Reason reason;

  public NoiseException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public NoiseException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the message or state was refused. */
  public Reason reason() {
    return reason;
  }
}
