package io.agentwire.provider.noise;

import java.security.GeneralSecurityException;

/**
 * A Noise message or state was refused: a message of the wrong length, over the 65535-byte limit,
 * or a nonce space exhausted. Authentication failures are reported as {@link
 * javax.crypto.AEADBadTagException} and unusable public keys as {@link
 * java.security.InvalidKeyException} instead, so callers can tell the three apart. Messages never
 * contain key material.
 */
public class NoiseException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  public NoiseException(String message) {
    super(message);
  }

  public NoiseException(String message, Throwable cause) {
    super(message, cause);
  }
}
