package io.agentwire.provider.backend;

/**
 * The cryptographic primitives a {@link CryptoBackend} may implement. Each one is chosen
 * independently, so a backend that offers only some of them is still useful.
 */
public enum Primitive {
  /** X25519 Diffie-Hellman (RFC 7748), 32-byte keys. */
  X25519(32),
  /** X448 Diffie-Hellman (RFC 7748), 56-byte keys. */
  X448(56),
  /** Ed25519 signatures (RFC 8032), 32-byte seeds and public keys, 64-byte signatures. */
  ED25519(32),
  /** ChaCha20-Poly1305 IETF AEAD (RFC 8439), 32-byte key, 12-byte nonce, 16-byte tag. */
  CHACHA20_POLY1305(32),
  /** AES-256-GCM AEAD (NIST SP 800-38D), 32-byte key, 12-byte nonce, 16-byte tag. */
  AES_256_GCM(32),
  /** SHA-256 (FIPS 180-4). */
  SHA256(32),
  /** SHA-512 (FIPS 180-4). */
  SHA512(64),
  /** BLAKE2s with a 32-byte output (RFC 7693). */
  BLAKE2S(32),
  /** BLAKE2b with a 64-byte output (RFC 7693). */
  BLAKE2B(64),
  /** A cryptographically secure random source. */
  RANDOM(0);

  private final int length;

  Primitive(int length) {
    this.length = length;
  }

  /**
   * Key length for DH, signature and AEAD primitives, output length for hashes, 0 for {@link
   * #RANDOM}.
   */
  public int length() {
    return length;
  }
}
