package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.AeadCipher;
import java.lang.ref.Cleaner;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 IETF, XChaCha20-Poly1305 or AES-256-GCM through libsodium's combined-mode
 * functions. Key, nonce, associated data and message are copied into one native area (in-place
 * encryption, which libsodium allows), so a call allocates nothing once the area is large enough.
 * The key is wiped by {@link #destroy()}, or by a {@link Cleaner} if the object is dropped. Not
 * thread-safe.
 */
final class SodiumAead implements AeadCipher {

  enum Algorithm {
    CHACHA20_POLY1305(12),
    XCHACHA20_POLY1305(24),
    AES_256_GCM(12);

    final int nonceLength;

    Algorithm(int nonceLength) {
      this.nonceLength = nonceLength;
    }
  }

  private static final Cleaner CLEANER = Cleaner.create();
  private static final int KEY = 0;
  private static final int NONCE = 32;
  private static final int AD = 64;

  private final Algorithm algorithm;
  private NativeMemory memory;
  private Cleaner.Cleanable cleanable;
  private boolean hasKey;

  SodiumAead(Algorithm algorithm) {
    this.algorithm = algorithm;
    allocate(AD + 64 + 1024 + TAG_LENGTH);
  }

  private void allocate(int capacity) {
    NativeMemory old = memory;
    NativeMemory fresh = new NativeMemory(capacity);
    if (old != null) {
      fresh.buffer.put(0, old.buffer, 0, NONCE); // carry the key over
      cleanable.clean();
    }
    memory = fresh;
    cleanable = CLEANER.register(this, new Wiper(fresh));
  }

  /** Wipes the key region; holds the memory, never the cipher object. */
  private static final class Wiper implements Runnable {
    private final NativeMemory memory;

    Wiper(NativeMemory memory) {
      this.memory = memory;
    }

    @Override
    public void run() {
      memory.wipe(0, NONCE);
    }
  }

  @Override
  public void setKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("AEAD key must be 32 bytes, got " + key.length);
    }
    memory.put(KEY, key, 0, 32);
    hasKey = true;
  }

  /** Lays out nonce, AD and message; returns the offset of the message. */
  private int stage(
      byte[] nonce, byte[] ad, int adOffset, int adLength, byte[] in, int inOffset, int length) {
    if (!hasKey) {
      throw new IllegalStateException("no key installed");
    }
    if (nonce.length != algorithm.nonceLength) {
      throw new IllegalArgumentException(
          algorithm + " needs a " + algorithm.nonceLength + "-byte nonce, got " + nonce.length);
    }
    int message = AD + ((adLength + 15) & ~15);
    int needed = message + length + TAG_LENGTH;
    if (needed > memory.capacity) {
      allocate(Math.max(needed, 2 * memory.capacity));
    }
    memory.put(NONCE, nonce, 0, nonce.length);
    if (adLength > 0) {
      memory.put(AD, ad, adOffset, adLength);
    }
    memory.put(message, in, inOffset, length);
    return message;
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
    int message = stage(nonce, ad, adOffset, adLength, in, inOffset, length);
    long a = memory.address;
    long m = a + message;
    int rc;
    switch (algorithm) {
      case CHACHA20_POLY1305:
        rc =
            Sodium.crypto_aead_chacha20poly1305_ietf_encrypt(
                m, 0, m, length, a + AD, adLength, 0, a + NONCE, a + KEY);
        break;
      case XCHACHA20_POLY1305:
        rc =
            Sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
                m, 0, m, length, a + AD, adLength, 0, a + NONCE, a + KEY);
        break;
      default:
        rc =
            Sodium.crypto_aead_aes256gcm_encrypt(
                m, 0, m, length, a + AD, adLength, 0, a + NONCE, a + KEY);
    }
    if (rc != 0) {
      throw new GeneralSecurityException(algorithm + " encryption failed in libsodium");
    }
    memory.get(message, out, outOffset, length + TAG_LENGTH);
    return length + TAG_LENGTH;
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
    int message = stage(nonce, ad, adOffset, adLength, in, inOffset, length);
    long a = memory.address;
    long c = a + message;
    int rc;
    switch (algorithm) {
      case CHACHA20_POLY1305:
        rc =
            Sodium.crypto_aead_chacha20poly1305_ietf_decrypt(
                c, 0, 0, c, length, a + AD, adLength, a + NONCE, a + KEY);
        break;
      case XCHACHA20_POLY1305:
        rc =
            Sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                c, 0, 0, c, length, a + AD, adLength, a + NONCE, a + KEY);
        break;
      default:
        rc =
            Sodium.crypto_aead_aes256gcm_decrypt(
                c, 0, 0, c, length, a + AD, adLength, a + NONCE, a + KEY);
    }
    if (rc != 0) {
      throw new AEADBadTagException("Tag mismatch");
    }
    memory.get(message, out, outOffset, length - TAG_LENGTH);
    return length - TAG_LENGTH;
  }

  @Override
  public void destroy() {
    hasKey = false;
    memory.wipe(0, NONCE);
  }
}
