package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.noise.NoiseException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The CipherState object of Noise revision 34, section 5.1: a key (possibly empty) and a 64-bit
 * counter nonce n, with the cipher functions of section 12.3 and 12.4 and REKEY of section 11.3.
 * The counter is treated as unsigned; 2^64-1 is reserved, so reaching it is an error. A failed
 * decryption leaves the nonce unchanged. Not thread-safe.
 */
final class CipherState {

  /** The reserved nonce 2^64-1, as an unsigned long. */
  static final long MAX_NONCE = -1L;

  private final Primitive cipher;
  private final byte[] key = new byte[32];
  private final byte[] nonceBytes = new byte[AeadCipher.NONCE_LENGTH];
  private AeadCipher aead;
  private boolean hasKey;
  private long n;
  private boolean broken;

  CipherState(Primitive cipher) {
    this.cipher = cipher;
  }

  /** InitializeKey(k): installs the first 32 bytes of {@code k} and sets n to 0. */
  void initializeKey(byte[] k) throws GeneralSecurityException {
    System.arraycopy(k, 0, key, 0, 32);
    if (aead == null) {
      aead = Backends.newAead(cipher);
    }
    aead.setKey(key);
    hasKey = true;
    n = 0;
  }

  /** The AEAD this state uses. */
  Primitive cipher() {
    return cipher;
  }

  boolean hasKey() {
    return hasKey;
  }

  long nonce() {
    return n;
  }

  void setNonce(long nonce) {
    n = nonce;
  }

  /** EncryptWithAd: with an empty key the plaintext passes through unchanged. */
  int encryptWithAd(
      byte[] ad, int adLength, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    if (!hasKey) {
      System.arraycopy(in, inOffset, out, outOffset, length);
      return length;
    }
    checkNonce(n);
    int written = encrypt(n, ad, adLength, in, inOffset, length, out, outOffset);
    n++;
    return written;
  }

  /** DecryptWithAd: n advances only when the tag verifies. */
  int decryptWithAd(
      byte[] ad, int adLength, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    if (!hasKey) {
      System.arraycopy(in, inOffset, out, outOffset, length);
      return length;
    }
    checkNonce(n);
    int written = decrypt(n, ad, adLength, in, inOffset, length, out, outOffset);
    n++;
    return written;
  }

  /** ENCRYPT(k, nonce, ad, plaintext) with an explicit nonce; n is untouched. */
  int encrypt(
      long nonce,
      byte[] ad,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    requireKey();
    if (broken) {
      throw new IllegalStateException(
          "an earlier encryption failed midway; this cipher state refuses to encrypt again, since a"
              + " retry could reuse its nonce");
    }
    formatNonce(nonce);
    try {
      return aead.seal(nonceBytes, ad, 0, adLength, in, inOffset, length, out, outOffset);
    } catch (GeneralSecurityException | RuntimeException e) {
      broken = true;
      throw e;
    }
  }

  /** DECRYPT(k, nonce, ad, ciphertext) with an explicit nonce; n is untouched. */
  int decrypt(
      long nonce,
      byte[] ad,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    requireKey();
    formatNonce(nonce);
    return aead.open(nonceBytes, ad, 0, adLength, in, inOffset, length, out, outOffset);
  }

  /** Rekey(): k = REKEY(k), the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
  void rekey() throws GeneralSecurityException {
    requireKey();
    byte[] block = new byte[32 + AeadCipher.TAG_LENGTH];
    formatNonce(MAX_NONCE);
    aead.seal(nonceBytes, null, 0, 0, block, 0, 32, block, 0);
    System.arraycopy(block, 0, key, 0, 32);
    Arrays.fill(block, (byte) 0);
    aead.setKey(key);
  }

  /**
   * The AgentWire DH ratchet: k = HKDF(k, ikm) (first output, truncated to 32 bytes), n = 0. The
   * old key is the HMAC key, so the new one depends on both the old traffic key and the fresh
   * secret.
   */
  void ratchet(Primitive hashPrimitive, byte[] ikm) throws GeneralSecurityException {
    requireKey();
    if (ikm == null || ikm.length == 0) {
      throw new IllegalArgumentException("the ratchet needs a non-empty shared secret");
    }
    byte[] next = SymmetricState.hkdfFirst(hashPrimitive, key, ikm);
    try {
      initializeKey(next);
    } finally {
      Arrays.fill(next, (byte) 0);
    }
    broken = false;
  }

  static void checkNonce(long nonce) throws NoiseException {
    if (nonce == MAX_NONCE) {
      throw new NoiseException(
          NoiseException.Reason.NONCE_EXHAUSTED,
          "nonce space exhausted: 2^64-1 is reserved; start a new handshake");
    }
  }

  private void requireKey() {
    if (!hasKey) {
      throw new IllegalStateException("this cipher state has no key");
    }
  }

  private void formatNonce(long nonce) {
    // Section 12.3 (ChaChaPoly): 32 zero bits then little-endian n; section 12.4 (AESGCM):
    // big-endian.
    if (cipher == Primitive.CHACHA20_POLY1305) {
      for (int i = 0; i < 8; i++) {
        nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
      }
    } else {
      for (int i = 0; i < 8; i++) {
        nonceBytes[11 - i] = (byte) (nonce >>> (8 * i));
      }
    }
  }

  /** Copies the key for a rollback snapshot; the caller wipes the copy. */
  byte[] keyCopy() {
    return hasKey ? key.clone() : null;
  }

  /** Restores a snapshot taken with {@link #keyCopy()} and {@link #nonce()}. */
  void restore(byte[] savedKey, long savedNonce) throws GeneralSecurityException {
    if (savedKey == null) {
      hasKey = false;
      Arrays.fill(key, (byte) 0);
    } else if (!hasKey || !java.security.MessageDigest.isEqual(savedKey, key)) {
      initializeKey(savedKey);
    }
    n = savedNonce;
  }

  /** Wipes the key; the state then refuses to encrypt. */
  void destroy() {
    Arrays.fill(key, (byte) 0);
    hasKey = false;
    if (aead != null) {
      aead.destroy();
    }
  }
}
