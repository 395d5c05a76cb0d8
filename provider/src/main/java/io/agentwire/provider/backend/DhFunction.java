package io.agentwire.provider.backend;

import java.security.InvalidKeyException;

/**
 * An RFC 7748 Diffie-Hellman function over raw little-endian byte strings. Implementations are
 * stateless and thread-safe.
 */
public interface DhFunction {

  /** Length in bytes of private keys, public keys and shared secrets (32 or 56). */
  int keyLength();

  /**
   * Computes the public key of {@code privateKey} into {@code publicKeyOut}.
   *
   * @param privateKey {@link #keyLength()} bytes; clamped internally, never modified
   * @param publicKeyOut receives {@link #keyLength()} bytes
   */
  void publicKey(byte[] privateKey, byte[] publicKeyOut);

  /**
   * Computes the shared secret of {@code privateKey} and {@code publicKey} into {@code sharedOut}.
   *
   * @throws InvalidKeyException if the result is all zeros, which happens exactly when the public
   *     key is a point of small order; {@code sharedOut} is then zeroed
   */
  void agree(byte[] privateKey, byte[] publicKey, byte[] sharedOut) throws InvalidKeyException;
}
