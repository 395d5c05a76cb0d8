package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.AeadCipher;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 IETF, XChaCha20-Poly1305 or AES-256-GCM through libsodium's combined-mode
 * functions. Each call checks its arguments, stages key, nonce, associated data and message in a
 * pooled native scratch area (in-place encryption, which libsodium allows), and on every path wipes
 * the key there, and after decryption the plaintext; so an instance owns no native memory and a
 * call of Noise size allocates nothing. {@link #destroy()} wipes the key. Not thread-safe.
 */
final class SodiumAead implements AeadCipher {

  /** The three libsodium AEADs share one calling convention; only the function differs. */
  enum Algorithm {
    CHACHA20_POLY1305(12) {
      @Override
      int encrypt(long m, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_chacha20poly1305_ietf_encrypt(
            m, 0, m, len, ad, adLen, 0, nonce, key);
      }

      @Override
      int decrypt(long c, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_chacha20poly1305_ietf_decrypt(
            c, 0, 0, c, len, ad, adLen, nonce, key);
      }
    },
    XCHACHA20_POLY1305(24) {
      @Override
      int encrypt(long m, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            m, 0, m, len, ad, adLen, 0, nonce, key);
      }

      @Override
      int decrypt(long c, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            c, 0, 0, c, len, ad, adLen, nonce, key);
      }
    },
    AES_256_GCM(12) {
      @Override
      int encrypt(long m, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_aes256gcm_encrypt(m, 0, m, len, ad, adLen, 0, nonce, key);
      }

      @Override
      int decrypt(long c, long len, long ad, long adLen, long nonce, long key) {
        return Sodium.crypto_aead_aes256gcm_decrypt(c, 0, 0, c, len, ad, adLen, nonce, key);
      }
    };

    final int nonceLength;

    Algorithm(int nonceLength) {
      this.nonceLength = nonceLength;
    }

    /** Encrypts {@code len} bytes at {@code m} in place, appending the tag; 0 on success. */
    abstract int encrypt(long m, long len, long ad, long adLen, long nonce, long key);

    /** Verifies and decrypts {@code len} bytes (with tag) at {@code c} in place; 0 on success. */
    abstract int decrypt(long c, long len, long ad, long adLen, long nonce, long key);
  }

  private static final int KEY = 0;
  private static final int NONCE = 32;
  private static final int AD = 64;

  private final Algorithm algorithm;
  private final byte[] key = new byte[32];
  private boolean hasKey;

  SodiumAead(Algorithm algorithm) {
    this.algorithm = algorithm;
  }

  @Override
  public void setKey(byte[] newKey) {
    if (newKey.length != 32) {
      throw new IllegalArgumentException("AEAD key must be 32 bytes, got " + newKey.length);
    }
    System.arraycopy(newKey, 0, key, 0, 32);
    hasKey = true;
  }

  /** Every argument is checked before anything, in particular the key, is staged. */
  private void check(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset,
      int outLength) {
    if (!hasKey) {
      throw new IllegalStateException("no key installed");
    }
    if (nonce.length != algorithm.nonceLength) {
      throw new IllegalArgumentException(
          algorithm + " needs a " + algorithm.nonceLength + "-byte nonce, got " + nonce.length);
    }
    if (adLength > 0) {
      Objects.checkFromIndexSize(adOffset, adLength, ad.length);
    }
    Objects.checkFromIndexSize(inOffset, length, in.length);
    Objects.checkFromIndexSize(outOffset, outLength, out.length);
  }

  private static int messageOffset(int adLength) {
    return AD + ((adLength + 15) & ~15);
  }

  private NativeMemory stage(
      byte[] nonce, byte[] ad, int adOffset, int adLength, byte[] in, int inOffset, int length) {
    int message = messageOffset(adLength);
    NativeMemory m = ScratchPool.acquire((long) message + length + TAG_LENGTH);
    m.put(KEY, key, 0, 32);
    m.put(NONCE, nonce, 0, nonce.length);
    if (adLength > 0) {
      m.put(AD, ad, adOffset, adLength);
    }
    m.put(message, in, inOffset, length);
    return m;
  }

  @Override
  public int seal(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    check(nonce, ad, adOffset, adLength, in, inOffset, length, out, outOffset, length + TAG_LENGTH);
    int message = messageOffset(adLength);
    NativeMemory mem = stage(nonce, ad, adOffset, adLength, in, inOffset, length);
    try {
      long a = mem.address;
      int rc = algorithm.encrypt(a + message, length, a + AD, adLength, a + NONCE, a + KEY);
      if (rc != 0) {
        throw new GeneralSecurityException(algorithm + " encryption failed in libsodium");
      }
      mem.get(message, out, outOffset, length + TAG_LENGTH);
      return length + TAG_LENGTH;
    } finally {
      mem.zero(KEY, 32); // the plaintext was overwritten in place by the ciphertext
      ScratchPool.release(mem);
    }
  }

  @Override
  public int open(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    if (length < TAG_LENGTH) {
      throw new AEADBadTagException(
          "ciphertext of " + length + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
    }
    check(nonce, ad, adOffset, adLength, in, inOffset, length, out, outOffset, length - TAG_LENGTH);
    int message = messageOffset(adLength);
    NativeMemory mem = stage(nonce, ad, adOffset, adLength, in, inOffset, length);
    boolean decrypted = false;
    try {
      long a = mem.address;
      int rc = algorithm.decrypt(a + message, length, a + AD, adLength, a + NONCE, a + KEY);
      if (rc != 0) {
        throw new AEADBadTagException("Tag mismatch");
      }
      decrypted = true;
      mem.get(message, out, outOffset, length - TAG_LENGTH);
      return length - TAG_LENGTH;
    } finally {
      mem.zero(KEY, 32);
      if (decrypted) {
        mem.wipe(message, length - TAG_LENGTH); // plaintext
      }
      ScratchPool.release(mem);
    }
  }

  @Override
  public void destroy() {
    hasKey = false;
    Arrays.fill(key, (byte) 0);
  }
}
