package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.hpke.HpkeException;
import java.security.InvalidKeyException;

/**
 * X25519 or X448 through the provider's routed backend, so native where libsodium serves them.
 * Private keys are taken as RFC 7748 scalars and clamped when used, never modified.
 */
final class XecGroup implements DhGroup {

  private final DhFunction dh;
  private final int length;

  XecGroup(Primitive primitive) {
    this.dh = CryptoBackends.routed().dh(primitive);
    this.length = primitive.length();
  }

  @Override
  public byte[] dh(byte[] privateKey, byte[] publicKey) throws HpkeException {
    checkPrivate(privateKey);
    validatePublicKey(publicKey);
    byte[] out = new byte[length];
    try {
      dh.agree(privateKey, publicKey, out);
    } catch (InvalidKeyException e) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_KEY, "the DH result is all zeros (a small-order key)");
    }
    return out;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) throws HpkeException {
    checkPrivate(privateKey);
    byte[] out = new byte[length];
    dh.publicKey(privateKey, out);
    return out;
  }

  @Override
  public void validatePublicKey(byte[] publicKey) throws HpkeException {
    if (publicKey.length != length) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_KEY,
          "a public key has " + length + " bytes, not " + publicKey.length);
    }
  }

  private void checkPrivate(byte[] privateKey) throws HpkeException {
    if (privateKey.length != length) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_PRIVATE_KEY,
          "a private key has " + length + " bytes, not " + privateKey.length);
    }
  }

  @Override
  public byte[] derivePrivateKey(Hkdf kdf, byte[] suiteId, byte[] dkpPrk) {
    return kdf.labeledExpand(dkpPrk, suiteId, "sk", new byte[0], length);
  }
}
