package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD through the JDK's SunJCE provider, named explicitly so that the lookup can never resolve to
 * AgentWire itself. One {@link Cipher} serves the instance's whole life; the key object is made
 * once per key.
 */
final class JdkAeadCipher implements AeadCipher {

  private static final String JDK_PROVIDER = "SunJCE";
  private static final byte[] ZERO_KEY = new byte[32];
  private static final byte[] WIPE_NONCE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

  private final boolean chacha;
  private final Cipher cipher;
  private final String keyAlgorithm;
  private SecretKeySpec key;
  private byte[] scratch = new byte[0];
  private final byte[] lastNonce = new byte[NONCE_LENGTH];

  JdkAeadCipher(Primitive primitive) {
    this.chacha = primitive == Primitive.CHACHA20_POLY1305;
    this.keyAlgorithm = chacha ? "ChaCha20" : "AES";
    try {
      this.cipher =
          Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding", JDK_PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + primitive, e);
    }
  }

  @Override
  public void setKey(byte[] keyBytes) {
    if (keyBytes.length != 32) {
      throw new IllegalArgumentException("AEAD key must be 32 bytes, got " + keyBytes.length);
    }
    key = new SecretKeySpec(keyBytes, keyAlgorithm);
  }

  private AlgorithmParameterSpec spec(byte[] nonce) {
    return chacha ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce);
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
    cipher.init(Cipher.ENCRYPT_MODE, requireKey(), spec(nonce));
    System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
    if (adLength > 0) {
      cipher.updateAAD(ad, adOffset, adLength);
    }
    return cipher.doFinal(in, inOffset, length, out, outOffset);
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
    if (Arrays.equals(nonce, lastNonce)) {
      // SunJCE refuses any re-init with the previous key and nonce, even to decrypt. Retrying a
      // decryption after a forged message is legitimate (nothing was encrypted), so step aside.
      byte[] other = nonce.clone();
      other[0] ^= 1;
      cipher.init(Cipher.DECRYPT_MODE, requireKey(), spec(other));
    }
    cipher.init(Cipher.DECRYPT_MODE, requireKey(), spec(nonce));
    System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
    if (adLength > 0) {
      cipher.updateAAD(ad, adOffset, adLength);
    }
    int plain = length - TAG_LENGTH;
    if (in != out || outOffset >= inOffset + length || inOffset >= outOffset + plain) {
      return cipher.doFinal(in, inOffset, length, out, outOffset);
    }
    // In place: newer JDKs zero the output when the tag fails, which here is the caller's
    // ciphertext. Decrypt aside so a forged message leaves the input intact.
    if (scratch.length < plain) {
      scratch = new byte[Math.max(plain, 2 * scratch.length)];
    }
    try {
      int n = cipher.doFinal(in, inOffset, length, scratch, 0);
      System.arraycopy(scratch, 0, out, outOffset, n);
      return n;
    } finally {
      Arrays.fill(scratch, 0, Math.min(plain, scratch.length), (byte) 0);
    }
  }

  private SecretKeySpec requireKey() {
    if (key == null) {
      throw new IllegalStateException("no key installed");
    }
    return key;
  }

  @Override
  public void destroy() {
    key = null;
    scratch = new byte[0];
    // The JDK cipher keeps its own copy of the last key; re-keying it overwrites that copy.
    try {
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(ZERO_KEY, keyAlgorithm),
          spec(Arrays.copyOf(WIPE_NONCE, 12)));
    } catch (GeneralSecurityException e) {
      // Nothing more can be done; the reference to the key object is already dropped.
    }
  }
}
