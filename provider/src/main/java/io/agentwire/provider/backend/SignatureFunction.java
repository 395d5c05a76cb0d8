package io.agentwire.provider.backend;

/**
 * A deterministic signature scheme over raw byte strings: Ed25519 (RFC 8032 §5.1, "PureEdDSA"),
 * with the 32-byte seed as private key and the 32-byte encoded point as public key. Implementations
 * are stateless and thread-safe.
 *
 * <p>The public key used in signing is always derived from the seed, never taken from the caller:
 * signing one seed under a mismatched public key would reveal the seed's scalar.
 */
public interface SignatureFunction {

  /** Length in bytes of private keys (seeds) and public keys (32 for Ed25519). */
  int keyLength();

  /** Length in bytes of a signature (64 for Ed25519). */
  int signatureLength();

  /**
   * Computes the public key of {@code seed} into {@code publicKeyOut}.
   *
   * @param seed {@link #keyLength()} bytes, never modified
   * @param publicKeyOut receives {@link #keyLength()} bytes
   */
  void publicKey(byte[] seed, byte[] publicKeyOut);

  /**
   * Signs {@code message[offset, offset + length)} into {@code signatureOut}.
   *
   * @param seed {@link #keyLength()} bytes, never modified
   * @param signatureOut receives {@link #signatureLength()} bytes
   */
  void sign(byte[] seed, byte[] message, int offset, int length, byte[] signatureOut);

  /**
   * Whether {@code signature} is a valid signature of {@code message[offset, offset + length)}
   * under {@code publicKey}. False, never an exception, for keys or signatures of the wrong length
   * or that do not decode.
   */
  boolean verify(byte[] publicKey, byte[] message, int offset, int length, byte[] signature);
}
