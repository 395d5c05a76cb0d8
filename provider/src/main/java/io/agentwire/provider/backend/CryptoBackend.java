package io.agentwire.provider.backend;

/**
 * The small interface through which every AgentWire algorithm reaches its primitives. The provider
 * ships a pure-Java backend; other backends (for example native libsodium) are discovered with
 * {@link java.util.ServiceLoader} and used for the primitives they {@linkplain #supports support}.
 *
 * <p>Implementations must be thread-safe; the objects they return need not be.
 */
public interface CryptoBackend {

  /** A short name for reports, such as {@code "pure-java"} or {@code "libsodium 1.0.18"}. */
  String name();

  /** Whether this backend calls native code (for the {@code agentwire.native} switch). */
  default boolean isNative() {
    return false;
  }

  /**
   * A one-line health report: what was loaded from where and which self-tests passed, or exactly
   * why the backend cannot serve anything.
   */
  default String status() {
    return name();
  }

  /** Whether this backend can serve {@code primitive} now (loaded, self-tested). */
  boolean supports(Primitive primitive);

  /**
   * The DH function for {@link Primitive#X25519} or {@link Primitive#X448}.
   *
   * @throws UnsupportedOperationException if not {@linkplain #supports supported}
   */
  DhFunction dh(Primitive primitive);

  /**
   * The signature function for {@link Primitive#ED25519}.
   *
   * @throws UnsupportedOperationException if not {@linkplain #supports supported}
   */
  default SignatureFunction signature(Primitive primitive) {
    throw new UnsupportedOperationException(name() + " does not serve " + primitive);
  }

  /**
   * A new, keyless AEAD for {@link Primitive#CHACHA20_POLY1305} or {@link Primitive#AES_256_GCM}.
   */
  AeadCipher newAead(Primitive primitive);

  /** A new hash for one of the hash primitives. */
  HashFunction newHash(Primitive primitive);

  /** Fills {@code out} with cryptographically secure random bytes. */
  void randomBytes(byte[] out);
}
