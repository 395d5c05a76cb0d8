package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.hpke.HpkeException;

/** The Diffie-Hellman group under a DHKEM (RFC 9180 §4.1), over serialized keys. */
interface DhGroup {

  /**
   * DH(skX, pkY), Ndh bytes; {@code INVALID_KEY} for an invalid public key or an all-zero result.
   */
  byte[] dh(byte[] privateKey, byte[] publicKey) throws HpkeException;

  /** pk(skX), serialized. */
  byte[] publicKey(byte[] privateKey) throws HpkeException;

  /** Throws {@code INVALID_KEY} unless {@code publicKey} is a valid serialized public key. */
  void validatePublicKey(byte[] publicKey) throws HpkeException;

  /** DeriveKeyPair's private key from dkp_prk (RFC 9180 §7.1.3). */
  byte[] derivePrivateKey(Hkdf kdf, byte[] suiteId, byte[] dkpPrk) throws HpkeException;
}
