package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.SignatureFunction;

/**
 * Ed25519 with one verification rule whichever backend runs it: RFC 8032 §5.1.7's cofactored check,
 * as BouncyCastle's pure-Java code makes it. libsodium makes the stricter cofactorless check and
 * also refuses a small-order {@code R}, so on its own it refuses some signatures the pure-Java
 * backend accepts (an {@code R} with a torsion component, which any signer can make). In an MLS
 * group that would let one member split the group between members with and without libsodium. So
 * the native answer is taken when it accepts (everything it accepts, the cofactored check accepts
 * too) and the pure-Java check decides when it refuses; honest signatures take the fast path.
 * Signing is deterministic and identical on both, so it stays native. Messages of the routing's
 * cutover ({@link #NATIVE_CUTOVER}) and longer go to pure Java, where SHA-512 dominates and no
 * native area must be allocated. Stateless and thread-safe.
 */
final class CofactoredEd25519 implements SignatureFunction {

  /** Messages from this length on are not staged in native memory (its pooled area size). */
  static final int NATIVE_CUTOVER = 65536;

  private final SignatureFunction fast;
  private final SignatureFunction reference;
  private final int cutover;

  CofactoredEd25519(SignatureFunction fast, SignatureFunction reference, int cutover) {
    this.fast = fast;
    this.reference = reference;
    this.cutover = cutover;
  }

  @Override
  public int keyLength() {
    return reference.keyLength();
  }

  @Override
  public int signatureLength() {
    return reference.signatureLength();
  }

  @Override
  public void publicKey(byte[] seed, byte[] publicKeyOut) {
    fast.publicKey(seed, publicKeyOut);
  }

  @Override
  public void sign(byte[] seed, byte[] message, int offset, int length, byte[] signatureOut) {
    (length < cutover ? fast : reference).sign(seed, message, offset, length, signatureOut);
  }

  @Override
  public boolean verify(
      byte[] publicKey, byte[] message, int offset, int length, byte[] signature) {
    if (length < cutover && fast.verify(publicKey, message, offset, length, signature)) {
      return true;
    }
    return reference.verify(publicKey, message, offset, length, signature);
  }
}
