package io.agentwire.mls.internal.crypto;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;

/**
 * The cryptographic operations of one MLS cipher suite (RFC 9420 §5.1), with the labelled helpers
 * of §5.1.2, §5.1.3, §5.2 and §8. Everything else in the MLS module reaches its primitives through
 * this interface. Keys are byte strings in the encodings MLS puts on the wire: HPKE and signature
 * public keys as RFC 9420 §5.1.1 and RFC 9180 §7.1.1 serialize them; private keys as the raw scalar
 * or seed the test vectors use.
 *
 * <p>Implementations are immutable and thread-safe. Methods that return secrets return fresh arrays
 * the caller owns (and wipes).
 */
public interface Suite {

  CipherSuite suite();

  /** Nh: the hash (and KDF extract) output length. */
  int hashLength();

  /** Nk: the AEAD key length. */
  int aeadKeyLength();

  /** Nn: the AEAD nonce length. */
  int aeadNonceLength();

  byte[] hash(byte[] data);

  /** MAC(key, data): HMAC with the suite's hash (§5.1). */
  byte[] mac(byte[] key, byte[] data);

  /** Whether {@code tag} equals MAC(key, data), compared in constant time. */
  boolean verifyMac(byte[] key, byte[] data, byte[] tag);

  /** KDF.Extract(salt, ikm). */
  byte[] extract(byte[] salt, byte[] ikm);

  /** KDF.Expand(prk, info, length). */
  byte[] expand(byte[] prk, byte[] info, int length);

  /** ExpandWithLabel(secret, label, context, length) with the "MLS 1.0 " prefix (§8). */
  byte[] expandWithLabel(byte[] secret, String label, byte[] context, int length);

  /** DeriveSecret(secret, label) = ExpandWithLabel(secret, label, "", Nh) (§8). */
  byte[] deriveSecret(byte[] secret, String label);

  /** RefHash(label, value) (§5.2). */
  byte[] refHash(String label, byte[] value);

  /** AEAD.Seal. */
  byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws MlsException;

  /** AEAD.Open; {@link MlsException.Reason#DECRYPT_FAILED} on a bad tag. */
  byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) throws MlsException;

  /** A fresh signature key pair. */
  KeyPair generateSignatureKeyPair();

  /** The signature public key for a private key, in wire encoding. */
  byte[] signaturePublicKey(byte[] signaturePrivateKey) throws MlsException;

  /** SignWithLabel(priv, label, content) (§5.1.2). */
  byte[] signWithLabel(byte[] signaturePrivateKey, String label, byte[] content)
      throws MlsException;

  /**
   * VerifyWithLabel(pub, label, content, signature) (§5.1.2); false, not an exception, on a bad
   * one.
   */
  boolean verifyWithLabel(
      byte[] signaturePublicKey, String label, byte[] content, byte[] signature);

  /** A fresh HPKE key pair. */
  KeyPair generateHpkeKeyPair();

  /** HPKE DeriveKeyPair(ikm) (RFC 9180 §7.1.3), as MLS derives node keys from path secrets. */
  KeyPair deriveHpkeKeyPair(byte[] ikm) throws MlsException;

  /** The HPKE public key for a private key. */
  byte[] hpkePublicKey(byte[] hpkePrivateKey) throws MlsException;

  /** EncryptWithLabel(pub, label, context, plaintext) (§5.1.3). */
  HpkeSealed encryptWithLabel(byte[] hpkePublicKey, String label, byte[] context, byte[] plaintext)
      throws MlsException;

  /** DecryptWithLabel(priv, label, context, kem_output, ciphertext) (§5.1.3). */
  byte[] decryptWithLabel(
      byte[] hpkePrivateKey, String label, byte[] context, byte[] kemOutput, byte[] ciphertext)
      throws MlsException;

  /**
   * SetupBaseS(pub, info) followed by Export(exporterContext, length) (RFC 9180 §5.1, §5.3): the
   * external-init sender side (RFC 9420 §8.3). Returns the kem_output and the exported secret.
   */
  HpkeExported exportSender(byte[] hpkePublicKey, byte[] info, byte[] exporterContext, int length)
      throws MlsException;

  /** SetupBaseR(enc, priv, info) followed by Export(exporterContext, length). */
  byte[] exportReceiver(
      byte[] hpkePrivateKey, byte[] kemOutput, byte[] info, byte[] exporterContext, int length)
      throws MlsException;

  /** A key pair as wire-encoded public key and raw private key. */
  record KeyPair(byte[] publicKey, byte[] privateKey) {
    @Override
    public String toString() {
      return "KeyPair[public key only]";
    }
  }

  /** HPKE output: {@code kem_output} and {@code ciphertext}. */
  record HpkeSealed(byte[] kemOutput, byte[] ciphertext) {}

  /** HPKE sender export: {@code kem_output} and the exported secret. */
  record HpkeExported(byte[] kemOutput, byte[] secret) {
    @Override
    public String toString() {
      return "HpkeExported[kemOutput only]";
    }
  }
}
